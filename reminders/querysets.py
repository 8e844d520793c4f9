"""Scopes of reminders: one's own, and what is due."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from reminders.choices import ReminderStatus

if TYPE_CHECKING:
    from reminders.models import Reminder  # noqa: F401 (quoted generic)


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def for_recipient(self, user: Any) -> ReminderQuerySet:
        """A person's own notifications: what was sent to them, newest first."""
        return self.filter(recipient_id=user.pk, status=ReminderStatus.SENT).order_by(
            "-sent_at", "-id"
        )

    def due(self, at: dt.datetime) -> ReminderQuerySet:
        """Waiting rows whose time has come and which nobody holds a live claim on."""
        return self.filter(status=ReminderStatus.PENDING, send_at__lte=at).filter(
            Q(leased_until__isnull=True) | Q(leased_until__lt=at)
        )
