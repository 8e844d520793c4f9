"""docker-compose.yml is the production shape. No engine runs here, so we check its structure
and that every command it runs refers to something that exists in this repository."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
import yaml
from django.core.management import get_commands

from consultteam import env
from tests.paths import ROOT


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_services_are_the_production_shape(compose):
    assert set(compose["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


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
    assert services["migrate"]["command"][:3] == ["python", "manage.py", "migrate"]
    assert "migrate" in get_commands()

    web = services["web"]["command"]
    assert web[0] == "gunicorn"
    module, attr = web[1].split(":")
    assert callable(getattr(importlib.import_module(module), attr))

    for name, sub in (("worker", "worker"), ("beat", "beat")):
        command = services[name]["command"]
        assert command[:4] == ["celery", "-A", "consultteam", sub], name
    assert importlib.import_module("consultteam").celery_app.main == "consultteam"


def test_app_environment_uses_only_documented_variables(compose):
    app_env = compose["services"]["web"]["environment"]
    assert set(app_env) <= env.READ, "compose sets a variable the settings never read"
    documented = (ROOT / "docs/configuration.md").read_text()
    for variable in set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text())):
        assert f"`{variable}`" in documented, variable


def test_no_secret_has_a_default_in_compose():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${SECRET_KEY:?" in text
    for password in ("POSTGRES_PASSWORD", "DATABASE_OWNER_PASSWORD", "DATABASE_APP_PASSWORD"):
        assert f"${{{password}:?" in text, password


def test_the_service_connects_as_a_role_that_owns_nothing(compose):
    """Migrations run as the owner and grant the service's role; web, worker and beat connect
    as that role, never as the owner or the image's superuser (docs/deployment.md)."""
    services = compose["services"]
    migrate = services["migrate"]["environment"]
    assert migrate["DATABASE_URL"].startswith("postgres://consultteam:")
    assert migrate["DATABASE_RUNTIME_ROLE"] == "consultteam_app"
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://consultteam_app:"), name
        assert "DATABASE_RUNTIME_ROLE" not in environment, name
    mounts = services["postgres"]["volumes"]
    initdb = "./deploy/postgres/initdb.sh:/docker-entrypoint-initdb.d/10-consultteam-roles.sh:ro"
    assert initdb in mounts
    assert (ROOT / "deploy/postgres/roles.sql").is_file()
