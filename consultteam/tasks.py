"""Project-wide tasks."""

from __future__ import annotations

import socket

from celery import shared_task


@shared_task(name="consultteam.once_keys_expire")
def once_keys_expire() -> int:
    """Delete expired once-keys and the answers kept with them (consultteam/accounts/once.py).
    Safe to run twice."""
    from consultteam.accounts.once import once_keys_expire as expire

    return expire()


@shared_task(name="consultteam.ping", ignore_result=False)
def ping() -> dict[str, str]:
    """Answer with the worker's host name. Used to prove a worker is consuming. No side effects."""
    return {"pong": socket.gethostname()}
