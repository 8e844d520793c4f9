# ConsultTeam: `make run` starts everything on the embedded defaults; `make test` runs the suite.
# Plain venv + pip on purpose: they follow pip's configuration files, which some machines need.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint typecheck checks lock clean

help:
	@echo "make run    - install, migrate, load the demo, run web + worker + beat on :$(PORT)"
	@echo "make test   - install the dev dependencies and run the whole test suite"
	@echo "make lint   - ruff (lint and format check) and mypy"
	@echo "make checks - migrations in step with the models, and check --deploy"
	@echo "make lock   - regenerate requirements/*.lock (with hashes) from pyproject.toml"

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "ConsultTeam needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: reinstall only when the lock or the package's definition changes, so a second
# `make run` starts at once. The dependencies come from the lock, each checked against its hash
# (as in the image, deploy/install.sh); the project itself adds none (--no-deps).
$(VENV)/.installed-run: requirements/runtime.lock pyproject.toml setup.py | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements/runtime.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements/dev.lock pyproject.toml setup.py | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.installed-run

# The demo runs as production does (no DEBUG: the real 404 and 500 pages, nothing listed to an
# outsider) but over plain HTTP on this machine, with password-only sign-in for the demo
# accounts, and a secret key generated once for this machine's demo (DEMO_SECRET, below).
DEMO_SECRET := data/demo-secret-key-NOT-FOR-PRODUCTION
run: $(VENV)/.installed-run $(DEMO_SECRET)
	@if [ -z "$$SECRET_KEY$$SECRET_KEY_FILE" ]; then export SECRET_KEY_FILE=$(DEMO_SECRET); fi; \
	export SITE_URL=$${SITE_URL:-http://localhost:$(PORT)} \
		SECURE_COOKIES=$${SECURE_COOKIES:-false} \
		REQUIRE_TWO_FACTOR=$${REQUIRE_TWO_FACTOR:-false}; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(PY) manage.py load_demo && \
	exec $(PY) manage.py serve --port $(PORT)

$(DEMO_SECRET): | $(VENV)/bin/python
	@mkdir -p $(@D)
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(64))' > $@
	@echo "Generated a secret key for the demo on this machine: $@ (never use it in production)."

test: $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The type checker imports the settings, which insist on a secret; give it a throwaway one.
	SECRET_KEY=type-checking-only-key-not-a-secret-0123456789abcdef $(VENV)/bin/mypy .

checks: $(VENV)/.installed-dev
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	.ci/check-deploy

# The locks: every release pinned with its hashes, for Python 3.11 on every platform, by a
# pinned uv, so the same pyproject.toml gives the same locks. The dev lock is held to the
# runtime lock's versions, so the suite tests what the image runs.
UV_VERSION := 0.13.10
LOCK_WITH := --generate-hashes --universal --python-version 3.11 --custom-compile-command "make lock"
lock: | $(VENV)/bin/python
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_WITH) -o requirements/runtime.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev -c requirements/runtime.lock \
		$(LOCK_WITH) -o requirements/dev.lock

clean:
	rm -rf $(VENV) data .test-data .pytest_cache .mypy_cache .ruff_cache
