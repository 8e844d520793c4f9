"""docker-compose.yml is the production shape. No engine runs here, so we check its structure
and that every command it runs refers to something that exists in this repository."""

from __future__ import annotations

import importlib
import re
import tomllib
from typing import Any

import pytest
import yaml
from django.core.management import get_commands

from tests.paths import ROOT


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_services_are_the_production_shape(compose):
    assert set(compose["services"]) == {
        "postgres", "redis", "migrate", "web", "worker", "beat", "backup"
    }  # fmt: skip


def test_databases_have_healthchecks(compose):
    for name in ("postgres", "redis"):
        assert "healthcheck" in compose["services"][name], name


def test_app_services_share_one_image_and_wait_for_migrate(compose):
    services = compose["services"]
    assert (ROOT / "Dockerfile").is_file()
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["build"] == ".", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_commands_refer_to_things_that_exist(compose):
    services = compose["services"]
    # The image has no source tree: the package's own command (pyproject.toml's scripts).
    assert services["migrate"]["command"][:2] == ["consultteam", "migrate"]
    assert "migrate" in get_commands()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, attr = scripts["consultteam"].split(":")
    assert callable(getattr(importlib.import_module(module), attr))

    web = services["web"]["command"]
    assert web[:3] == ["gunicorn", "-c", "python:consultteam.gunicorn_conf"]
    importlib.import_module(web[2].removeprefix("python:"))
    module, attr = web[3].split(":")
    assert callable(getattr(importlib.import_module(module), attr))

    for name, sub in (("worker", "worker"), ("beat", "beat")):
        command = services[name]["command"]
        assert command[:4] == ["celery", "-A", "consultteam", sub], name
    assert importlib.import_module("consultteam").celery_app.main == "consultteam"


def test_app_environment_uses_only_documented_variables(compose):
    """Compose sets nothing the application's documentation does not explain, and every
    variable it reads from .env is documented (tests/core/test_compose_settings.py holds the
    other direction: every documented setting reaches the processes)."""
    documented = (ROOT / "docs/configuration.md").read_text()
    for name in compose["services"]["web"]["environment"]:
        assert f"`{name.removesuffix('_FILE')}`" in documented, name
    for variable in set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text())):
        assert f"`{variable.removesuffix('_FILE')}`" in documented, variable


def test_the_service_connects_as_a_role_that_owns_nothing(compose):
    """Migrations run as the owner and grant the service's role; web, worker and beat connect
    as that role, never as the owner or the image's superuser (docs/deployment.md)."""
    services = compose["services"]
    migrate = services["migrate"]["environment"]
    assert (migrate["DATABASE_HOST"], migrate["DATABASE_USER"]) == ("postgres", "consultteam")
    assert migrate["DATABASE_PASSWORD"] == "${DATABASE_OWNER_PASSWORD:-}"
    assert migrate["DATABASE_RUNTIME_ROLE"] == "consultteam_app"
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert "DATABASE_URL" not in environment, name
        assert environment["DATABASE_HOST"] == "postgres", name
        assert environment["DATABASE_USER"] == "consultteam_app", name
        assert environment["DATABASE_PASSWORD"] == "${DATABASE_APP_PASSWORD:-}", name
        assert "DATABASE_RUNTIME_ROLE" not in environment, name
    mounts = services["postgres"]["volumes"]
    initdb = "./deploy/postgres/initdb.sh:/docker-entrypoint-initdb.d/10-consultteam-roles.sh:ro"
    assert initdb in mounts
    assert (ROOT / "deploy/postgres/roles.sql").is_file()
