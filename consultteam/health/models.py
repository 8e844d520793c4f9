"""The heartbeats: one row per kind of background process, with when it last showed life."""

from __future__ import annotations

from django.db import models


class Process(models.TextChoices):
    BEAT = "beat", "Celery beat"
    # Written by a task beat schedules and a worker runs: proves beat, broker and worker.
    WORKER = "worker", "Celery worker"


class Heartbeat(models.Model):
    """The last sign of life of ``process``. In the database (not a file or the broker), so it
    is shared across containers and works on SQLite and PostgreSQL alike."""

    process = models.CharField(max_length=16, choices=Process.choices, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.process} at {self.at.isoformat()}"
