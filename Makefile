# ConsultTeam: `make run` starts everything on the embedded defaults; `make test` runs the suite.
# Plain venv + pip on purpose: they follow pip's configuration files, which some machines need.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint typecheck checks clean

help:
	@echo "make run    - install, migrate, load the demo, run web + worker + beat on :$(PORT)"
	@echo "make test   - install the dev dependencies and run the whole test suite"
	@echo "make lint   - ruff (lint and format check) and mypy"
	@echo "make checks - migrations in step with the models, and check --deploy"

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "ConsultTeam needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes, so a second `make run` starts at once.
$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@export DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py load_demo && \
	exec $(PY) manage.py serve --port $(PORT)

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

clean:
	rm -rf $(VENV) data .test-data .pytest_cache .mypy_cache .ruff_cache
