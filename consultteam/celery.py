"""The Celery app. Web, worker and beat all load it; settings come from Django (CELERY_*)."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery, signals
from django.conf import settings

from consultteam import task_ids
from consultteam.broker import use_atomic_filesystem_transport
from consultteam.logs import celery_setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consultteam.settings")
use_atomic_filesystem_transport()

app = Celery("consultteam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Beat's schedule is in settings (CELERY_BEAT_SCHEDULE): importing this module reads no setting,
# so `manage.py makemigrations` can run before a secret is given (consultteam/manage.py).


def ensure_broker_folders() -> None:
    """Create the embedded broker's folders; the filesystem transport expects them to exist."""
    if settings.BROKER_URL:
        return
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        Path(str(options[key])).mkdir(parents=True, exist_ok=True)
    (settings.BROKER_DIR / "results").mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _prepare_broker(**_: object) -> None:
    ensure_broker_folders()


# The worker and beat log in our format (plain or JSON, with the request id), and a task runs
# under the request id of whoever enqueued it (consultteam/task_ids.py).
signals.setup_logging.connect(celery_setup_logging, weak=False)
task_ids.connect()
