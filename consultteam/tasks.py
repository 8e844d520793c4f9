"""Project-wide tasks."""

from __future__ import annotations

import socket

from celery import shared_task


@shared_task(name="consultteam.ping", ignore_result=False)
def ping() -> dict[str, str]:
    """Answer with the worker's host name. Used to prove a worker is consuming. No side effects."""
    return {"pong": socket.gethostname()}
