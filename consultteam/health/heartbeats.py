"""Recording and reading the heartbeats of beat and the worker.

Beat records its own on its ticks (consultteam/health/beat.py) and schedules a task every
HEARTBEAT_SECONDS that a worker runs to record the worker's (consultteam/health/tasks.py). A
heartbeat older than HEARTBEAT_STALE_SECONDS means that process is down, or (for the worker)
that beat or the broker is, since the worker's heartbeat travels through both.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from consultteam.health.models import Heartbeat, Process

CheckResult = dict[str, object]


def heartbeat_record(*, process: Process, at: dt.datetime | None = None) -> None:
    """Set ``process``'s heartbeat to ``at`` (now by default). An UPDATE of the one row, an
    INSERT only the first time; safe to run twice and from two processes at once."""
    at = at or timezone.now()
    if not Heartbeat.objects.filter(process=process).update(at=at):
        # Two first heartbeats at once: get_or_create takes the loser's IntegrityError.
        Heartbeat.objects.get_or_create(process=process, defaults={"at": at})


def heartbeat_checks(*, now: dt.datetime | None = None) -> dict[str, CheckResult]:
    """For each process, ``ok`` (its heartbeat is at most HEARTBEAT_STALE_SECONDS old) and the
    heartbeat's age in whole seconds (None: never seen). One query. No side effects."""
    now = now or timezone.now()
    stale_after: int = settings.HEARTBEAT_STALE_SECONDS
    seen = dict(Heartbeat.objects.values_list("process", "at"))
    checks: dict[str, CheckResult] = {}
    for process in Process:
        at = seen.get(process.value)
        if at is None:
            checks[process.value] = {"ok": False, "age_seconds": None}
            continue
        # A clock a little behind another container's gives a negative age: count it as now.
        age = max(0, int((now - at).total_seconds()))
        checks[process.value] = {"ok": age <= stale_after, "age_seconds": age}
    return checks
