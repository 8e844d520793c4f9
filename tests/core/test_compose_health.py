"""docker-compose.yml's health checks name commands that exist, and its ports stay on loopback
unless the operator says otherwise. No engine runs here: the compose file is parsed, and each
command is looked up in what the image installs (tests/core/test_compose.py does the same for
the services' own commands). The checks run for real in tests/core/test_process_health.py."""

from __future__ import annotations

import importlib
import shlex
import tomllib
from typing import Any

import pytest
import yaml
from celery.bin.control import inspect
from celery.utils.imports import symbol_by_name
from celery.worker.control import Panel
from django.conf import settings
from django.core.management import get_commands

from consultteam.celery import app
from consultteam.health.management.commands.health import PARTS
from tests.paths import ROOT


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    found: dict[str, Any] = data["services"]
    return found


def _shell_words(test: list[str]) -> list[str]:
    """The words of a CMD-SHELL check, as the container's shell sees them ($$ is compose's $)."""
    assert test[0] == "CMD-SHELL"
    return shlex.split(test[1].replace("$$", "$"))


def test_the_worker_check_pings_this_worker_through_the_broker(services):
    words = _shell_words(services["worker"]["healthcheck"]["test"])

    assert words[:5] == ["celery", "-A", "consultteam", "inspect", "ping"]
    assert Panel.meta["ping"].type == "inspect"
    options = dict(zip(words[5::2], words[6::2], strict=True))
    assert set(options) <= {f"--{param.name}" for param in inspect.params}
    # The worker runs under Celery's default node name, celery@<host name>, which in a
    # container is $HOSTNAME: the check asks this container's worker, not any worker.
    assert "-n" not in services["worker"]["command"]
    assert options["--destination"] == "celery@$HOSTNAME"
    assert float(options["--timeout"]) < _seconds(services["worker"]["healthcheck"]["timeout"])


def test_the_beat_check_reads_beats_heartbeat(services):
    test = services["beat"]["healthcheck"]["test"]

    assert test[0] == "CMD"
    command, subcommand, *parts = test[1:]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, attr = scripts[command].split(":")
    assert callable(getattr(importlib.import_module(module), attr))
    assert subcommand == "health"
    assert get_commands()["health"] == "consultteam.health"
    assert parts == ["beat"]
    assert set(parts) <= set(PARTS)


def test_beat_in_compose_uses_the_scheduler_that_writes_the_heartbeat(services):
    # No -S on the command line: the scheduler comes from the settings, as in `manage.py serve`.
    assert "-S" not in services["beat"]["command"]
    assert "--scheduler" not in services["beat"]["command"]
    assert app.conf.beat_scheduler == settings.CELERY_BEAT_SCHEDULER
    assert symbol_by_name(settings.CELERY_BEAT_SCHEDULER).__name__ == "HeartbeatScheduler"
    assert "worker-heartbeat" in app.conf.beat_schedule


def test_web_keeps_healthz(services):
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_ports_are_published_on_loopback_unless_asked(services):
    published = {name: spec.get("ports", []) for name, spec in services.items()}
    assert {name for name, ports in published.items() if ports} == {"web"}
    for port in published["web"]:
        assert port.startswith("${PUBLISH_ADDRESS:-127.0.0.1}:"), port


def _seconds(duration: str) -> float:
    assert duration.endswith("s"), duration
    return float(duration[:-1])
