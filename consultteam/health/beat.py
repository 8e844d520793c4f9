"""Celery beat's scheduler, with a heartbeat: beat records that it is alive as it ticks.

Settings name it (CELERY_BEAT_SCHEDULER), so `celery beat` in compose and in `manage.py serve`
both use it. It is Celery's own file-backed scheduler otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import Error as DatabaseError
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)

# How long beat waits for SQLite's write lock before it skips one heartbeat. The file's usual
# wait (20 s) would hold up beat's whole schedule behind someone else's long write, while a
# skipped heartbeat costs nothing: the next tick tries again. (On PostgreSQL the heartbeat's
# one-row UPDATE waits only for another beat's, which commits at once.)
SQLITE_LOCK_WAIT_MS = 500


class HeartbeatScheduler(PersistentScheduler):
    """Records beat's heartbeat at most every HEARTBEAT_SECONDS / 2, and wakes at least every
    HEARTBEAT_SECONDS to do so (beat otherwise sleeps until its next task is due)."""

    _last_heartbeat: float | None = None

    def tick(self, *args: Any, **kwargs: Any) -> float:
        wait: float = super().tick(*args, **kwargs)
        interval = float(settings.HEARTBEAT_SECONDS)
        now = time.monotonic()
        # Half the interval: a tick that comes a little early still records, so two heartbeats
        # are never much more than one interval apart.
        due = self._last_heartbeat is None or now - self._last_heartbeat >= interval / 2
        if due and record_beat_heartbeat():
            self._last_heartbeat = now
        return min(wait, interval)


def record_beat_heartbeat() -> bool:
    """Record beat's heartbeat. A database that is down is logged, not raised: beat goes on
    sending what it can, and /healthz shows it down until the database is back. True if
    recorded."""
    from consultteam.health.heartbeats import heartbeat_record
    from consultteam.health.models import Process

    # Beat keeps one connection for its whole life: let Django replace it past its age
    # (DATABASE_CONN_MAX_AGE) or after an error, as it does between web requests. Never inside
    # a caller's transaction (a test's): that would close the connection under it.
    if not connection.in_atomic_block:
        close_old_connections()
    try:
        with _short_lock_wait():
            heartbeat_record(process=Process.BEAT)
    except DatabaseError as exc:
        log.warning("beat could not record its heartbeat: %s", type(exc).__name__)
        # A broken connection is not reused by the next tick.
        connection.close()
        return False
    return True


@contextmanager
def _short_lock_wait() -> Iterator[None]:
    """On SQLite, wait at most SQLITE_LOCK_WAIT_MS for the write lock within the block."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_LOCK_WAIT_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")
