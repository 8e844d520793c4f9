"""Celery wrappers: ids in, JSON only; the work is in `reminders.delivery`."""

from __future__ import annotations

import uuid

from celery import shared_task

from reminders.delivery import deliver, sweep


@shared_task(name="reminders.sweep", ignore_result=True)
def reminders_sweep() -> int:
    """Claim due reminders and enqueue their delivery (beat runs this every minute). Safe to
    run twice and concurrently: claims never overlap."""

    def enqueue(ids: list[int], token: uuid.UUID) -> None:
        reminders_deliver.delay(ids, str(token))

    return sweep(enqueue=enqueue)


@shared_task(name="reminders.deliver", ignore_result=True)
def reminders_deliver(ids: list[int], lease: str) -> dict[str, int]:
    """Deliver the reminders of ``ids`` claimed under ``lease``. A repeat does nothing: rows
    sent, or claimed again by another sweep, are skipped."""
    outcome = deliver(ids, uuid.UUID(lease))
    return vars(outcome)
