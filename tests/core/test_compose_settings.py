"""Every documented setting reaches web, worker and beat in the production shape, and every
secret can come as a file there as it can to the app.

No Docker engine runs here: the compose files are read as data and held to
docs/configuration.md; deploy/postgres/initdb.sh runs for real where it can without a server.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

import pytest
import yaml

from tests.paths import ROOT

APP_SERVICES = ("migrate", "web", "worker", "beat")

# Documented settings compose does not pass through, each for a reason.
NOT_PASSED_THROUGH = {
    # The bundled database is named by parts (DATABASE_HOST, ...) so that a password needs no
    # URL-encoding; the role's password comes from DATABASE_APP_PASSWORD (or _OWNER_ for migrate).
    "DATABASE_URL": "compose names the bundled database by parts",
    # Only the migrate service runs as the owner and grants this role.
    "DATABASE_RUNTIME_ROLE": "set on the migrate service alone",
    # The image decides where its data volume and its own static files are.
    "DATA_DIR": "the image's data volume",
    "STATIC_ROOT": "the image's collected static files",
    "PROMETHEUS_MULTIPROC_DIR": "web's own metrics folder (a tmpfs), for gunicorn's workers",
}
# The secrets: each may be given as NAME_FILE too, and none has a default in compose.
SECRETS = {"SECRET_KEY", "EMAIL_HOST_PASSWORD", "METRICS_TOKEN", "SENTRY_DSN"}


def _compose(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    return data


def _documented_settings() -> set[str]:
    """The variables of the first table of docs/configuration.md, the running service's own
    (the tables after it are read by one command, or by compose itself)."""
    text = (ROOT / "docs/configuration.md").read_text()
    first_table = text[text.index("| Variable |") :].split("\n\n")[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", first_table, re.M))


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    found: dict[str, Any] = _compose("docker-compose.yml")["services"]
    return found


def test_every_documented_setting_reaches_web_worker_and_beat(services):
    expected = _documented_settings() - NOT_PASSED_THROUGH.keys()
    for name in APP_SERVICES:
        passed = set(services[name]["environment"])
        assert expected - passed == set(), f"{name} never receives these"


def test_settings_pass_through_with_the_documented_default(services):
    """`NAME: ${NAME:-}`: one left out of .env arrives empty, which the app reads as unset."""
    environment = services["web"]["environment"]
    passed_as_is = {
        name: value
        for name, value in environment.items()
        if name in _documented_settings() - NOT_PASSED_THROUGH.keys()
        and not name.startswith("DATABASE_")
    }
    chosen_here = {"ALLOWED_HOSTS", "REDIS_URL"}  # the container's own address; the bundled Redis
    for name, value in passed_as_is.items():
        if name not in chosen_here:
            assert value == f"${{{name}:-}}", name


def test_every_secret_may_come_as_a_file(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        for secret in SECRETS | {"DATABASE_PASSWORD"}:
            assert f"{secret}_FILE" in environment, f"{name}: {secret}_FILE"


def test_no_secret_has_a_default_in_compose():
    text = (ROOT / "docker-compose.yml").read_text()
    names = SECRETS | {"POSTGRES_PASSWORD", "DATABASE_OWNER_PASSWORD", "DATABASE_APP_PASSWORD"}
    for secret in names:
        for variant in (secret, f"{secret}_FILE"):
            defaults = re.findall(rf"\$\{{{variant}:-([^}}]*)\}}", text)
            assert defaults, f"{variant} is not passed"
            assert set(defaults) == {""}, f"{variant} has a default in compose"


def test_the_secrets_overlay_gives_each_service_the_files_it_reads():
    overlay = _compose("deploy/compose.secrets.yml")
    declared = overlay["secrets"]
    for secret in declared.values():
        assert secret["file"].startswith("./secrets/"), secret  # kept out of git and the image
    for name, service in overlay["services"].items():
        mounted = set(service["secrets"])
        assert mounted <= declared.keys(), name
        for variable, path in service["environment"].items():
            assert variable.endswith("_FILE"), (name, variable)
            assert path.removeprefix("/run/secrets/") in mounted, (name, variable)
    base = _compose("docker-compose.yml")["services"]
    for name in APP_SERVICES:
        overlay_environment = overlay["services"][name]["environment"]
        assert set(overlay_environment) <= set(base[name]["environment"]), name
        assert overlay_environment["SECRET_KEY_FILE"] == "/run/secrets/secret_key", name
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert "/secrets/" in (ROOT / ".gitignore").read_text().split()
    assert "/secrets" in (ROOT / ".dockerignore").read_text().split()


@pytest.mark.parametrize("missing", ["DATABASE_OWNER_PASSWORD", "DATABASE_APP_PASSWORD"])
def test_the_first_start_refuses_a_role_without_a_password(tmp_path, missing):
    """initdb.sh stops before it reaches the server when a password is neither set nor a file."""
    (tmp_path / "password").write_text("a-password-from-a-file")
    environment = {
        "PATH": os.environ["PATH"],
        "PGHOST": "127.0.0.1",
        "PGCONNECT_TIMEOUT": "1",
        "POSTGRES_USER": "nobody-should-connect",
        "DATABASE_OWNER_PASSWORD_FILE": str(tmp_path / "password"),
        "DATABASE_APP_PASSWORD": "a-password-as-a-value",
    }
    environment.pop(f"{missing}_FILE", None)
    environment.pop(missing, None)
    started = subprocess.run(
        ["sh", str(ROOT / "deploy/postgres/initdb.sh")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert started.returncode != 0
    assert started.stderr.strip() == f"initdb: set {missing} or {missing}_FILE"


def test_web_keeps_its_metrics_on_a_tmpfs_of_its_own(services):
    """gunicorn's worker processes add up their counts in files: a folder only web has, emptied
    at each start (a tmpfs), and none for worker or beat, which serve no /metrics."""
    folder = services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert folder in services["web"]["tmpfs"]
    for name in ("migrate", "worker", "beat"):
        assert "PROMETHEUS_MULTIPROC_DIR" not in services[name]["environment"], name
