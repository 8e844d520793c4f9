"""The checks `/healthz` and `manage.py health` run: the database, the broker, and the
heartbeats of beat and the worker. Each says ok or not, and at most the class of an error:
nothing about data, since `/healthz` answers anyone."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection

from consultteam.health.heartbeats import CheckResult, heartbeat_checks

# What web needs to serve a request; a failure here makes /healthz answer 503.
SERVING = ("database", "broker")


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> CheckResult:
    url: str = settings.CELERY_BROKER_URL
    options: dict[str, object] = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if url.startswith("filesystem://"):
        # The embedded broker is a folder: it answers if the folder is there and writable.
        folder = Path(str(options["data_folder_in"]))
        if folder.is_dir() and os.access(folder, os.W_OK):
            return {"ok": True, "transport": "filesystem"}
        return {"ok": False, "transport": "filesystem", "error": "queue folder not writable"}
    try:
        with Connection(url, connect_timeout=2, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "transport": str(transport)}


def run_checks() -> dict[str, CheckResult]:
    """Every check, by part: database, broker, beat, worker. With the database down the
    heartbeats cannot be read, so beat and worker are reported down with that reason."""
    checks = {"database": check_database(), "broker": check_broker()}
    if checks["database"]["ok"]:
        try:
            checks.update(heartbeat_checks())
        except Exception as exc:  # the table missing (migrate not run yet), a lost connection
            checks.update(_unknown(type(exc).__name__))
    else:
        checks.update(_unknown("database unavailable"))
    return checks


def _unknown(error: str) -> dict[str, CheckResult]:
    return {name: {"ok": False, "error": error} for name in ("beat", "worker")}
