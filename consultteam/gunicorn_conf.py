"""gunicorn's settings for the web service, given as ``-c python:consultteam.gunicorn_conf``.

Its own lines (starting, a worker booted or killed) in our format, plain or JSON, with the same
LOG_FORMAT and LOG_LEVEL as the application; no access log of its own, since the application
writes one line per request with the route name instead of the raw path (consultteam/observe.py).
With PROMETHEUS_MULTIPROC_DIR, the folder's counts are emptied as gunicorn starts and a dead
worker's files are marked, as prometheus_client's multiprocess mode asks.
Bind address and worker count stay on the command line.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from consultteam import env
from consultteam.logs import logging_config

logconfig_dict = logging_config(
    log_format=env.choice("LOG_FORMAT", "plain", {"plain", "json"}),
    level=env.choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"}),
)
accesslog = None
# Python's warnings as log lines too, so a JSON log holds nothing but JSON (workers inherit it).
logging.captureWarnings(True)


def _multiprocess_folder() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


def on_starting(server: Any) -> None:
    """Once, in the master, before any worker: counts left by a previous run would be added to
    this one's, so they go (Prometheus reads a counter that restarts at zero as a restart)."""
    folder = _multiprocess_folder()
    if folder is not None:
        for stale in folder.glob("*.db"):
            stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    folder = _multiprocess_folder()
    if folder is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, str(folder))  # type: ignore[no-untyped-call]
