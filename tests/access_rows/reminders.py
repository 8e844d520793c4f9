"""Access rows for reminders: one's own notifications and preferences (any active person,
their own only), and the operators' delivery page (staff only)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from tests.matrix import API_SIGNED_OUT, PAGE, SIGNED_OUT, Row, every


def nobodys(world: SimpleNamespace) -> dict[str, Any]:
    # A notification nobody in the cast received: 404 for everyone, never a hint it exists.
    return {"notification_id": uuid.uuid4()}


def taras_notification(world: SimpleNamespace) -> dict[str, Any]:
    """A reminder sent to Tara: hers to mark read, nobody else's to see."""
    from django.utils import timezone

    from reminders.models import Reminder

    now = timezone.now()
    sent = Reminder.objects.create(
        key="matrix:tara",
        recipient=world.tara,
        kind="REVIEW_REQUESTED",
        due_at=now,
        send_at=now,
        sent_at=now,
        status="SENT",
    )
    return {"notification_id": sent.public_id}


def missing_reminder(world: SimpleNamespace) -> dict[str, Any]:
    return {"reminder_id": uuid.uuid4()}


STAFF_ONLY = every(403, ada=200, **SIGNED_OUT)
# Tara's own notification: she marks it read (the page redirects back); it does not exist for
# anyone else.
TARA_ONLY = every(404, tara=302, **SIGNED_OUT)
API_TARA_ONLY = every(404, tara=200, **API_SIGNED_OUT)

ROWS: list[Row] = [
    Row("notification-list", "GET", PAGE),
    Row("notification-read", "POST", every(404, **SIGNED_OUT), nobodys),
    Row("notification-read", "POST", TARA_ONLY, taras_notification),
    Row("reminder-preferences", "GET", PAGE),
    # The matrix posts JSON, so the form arrives without lead times: refused, nothing saved.
    Row(
        "reminder-preferences",
        "POST",
        every(400, **SIGNED_OUT),
        data={"MEETING_UPCOMING-lead_minutes": "-5"},
    ),
    Row("reminder-operations", "GET", STAFF_ONLY),
    # Staff reach the retry and find no such reminder; everyone else is refused first.
    Row("reminder-retry", "POST", every(403, ada=404, **SIGNED_OUT), missing_reminder),
    Row("api-reminder-preferences", "GET", every(200, **API_SIGNED_OUT)),
    Row(
        "api-reminder-preferences",
        "POST",
        every(400, **API_SIGNED_OUT),
        data={"kind": "MEETING_UPCOMING", "lead_minutes": -1},
    ),
    Row("api-notification-list", "GET", every(200, **API_SIGNED_OUT)),
    Row("api-notification-read", "POST", every(404, **API_SIGNED_OUT), nobodys),
    Row(
        "api-notification-read", "POST", every(404, tara=200, **API_SIGNED_OUT), taras_notification
    ),
]
