"""The worker's heartbeat, sent by beat every HEARTBEAT_SECONDS (consultteam/celery.py)."""

from __future__ import annotations

from celery import shared_task

from consultteam.health.heartbeats import heartbeat_record
from consultteam.health.models import Process


@shared_task(name="consultteam.worker_heartbeat")
def worker_heartbeat() -> None:
    """Record that a worker took a task from the broker just now. One UPDATE; safe to run
    twice (the later time wins)."""
    heartbeat_record(process=Process.WORKER)
