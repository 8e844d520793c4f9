"""The Celery app. Web, worker and beat all load it; settings come from Django (CELERY_*)."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from django.conf import settings

from consultteam.broker import use_atomic_filesystem_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consultteam.settings")
use_atomic_filesystem_transport()

app = Celery("consultteam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Beat's only job: the reminder sweep. A sweep that waited longer than one interval is dropped,
# since the next one does the same work.
app.conf.beat_schedule = {
    "reminders-sweep": {
        "task": "reminders.sweep",
        "schedule": float(settings.REMINDER_SWEEP_SECONDS),
        "options": {"expires": float(settings.REMINDER_SWEEP_SECONDS)},
    },
    # Kept answers of once-keys may hold clinical text: none outlives its key by an hour.
    "once-keys-expire": {"task": "consultteam.once_keys_expire", "schedule": 3600.0},
}


def ensure_broker_folders() -> None:
    """Create the embedded broker's folders; the filesystem transport expects them to exist."""
    if settings.REDIS_URL:
        return
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        Path(str(options[key])).mkdir(parents=True, exist_ok=True)
    (settings.BROKER_DIR / "results").mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _prepare_broker(**_: object) -> None:
    ensure_broker_folders()
