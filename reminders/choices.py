"""The vocabulary of reminders, and the defaults a person starts with."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class ReminderKind(models.TextChoices):
    MEETING_UPCOMING = "MEETING_UPCOMING", "Meeting coming up"
    AGENDA_CUTOFF = "AGENDA_CUTOFF", "Agenda closing"
    ROLE_ASSIGNED = "ROLE_ASSIGNED", "Role at a meeting"
    ACTION_DUE = "ACTION_DUE", "Action item due"
    REVIEW_REQUESTED = "REVIEW_REQUESTED", "Review requested"
    ITEM_CARRIED_OVER = "ITEM_CARRIED_OVER", "Item carried over"
    LATE_ITEM_FLAGGED = "LATE_ITEM_FLAGGED", "Late item kept for the leader"


class Channel(models.TextChoices):
    EMAIL = "EMAIL", "Email (and in the app)"
    IN_APP = "IN_APP", "In the app only"


class ReminderStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting to be sent"
    SENT = "SENT", "Sent"
    FAILED = "FAILED", "Failed"
    CANCELLED = "CANCELLED", "Cancelled"


@dataclass(frozen=True)
class Default:
    enabled: bool
    lead_minutes: int


# How long before the thing it is about each reminder goes out, unless a person chose
# otherwise. Review requests, carried-over items and late items kept for the leader are news:
# they go out at once.
DEFAULTS: dict[str, Default] = {
    ReminderKind.MEETING_UPCOMING: Default(True, 24 * 60),
    ReminderKind.AGENDA_CUTOFF: Default(True, 6 * 60),
    ReminderKind.ROLE_ASSIGNED: Default(True, 48 * 60),
    ReminderKind.ACTION_DUE: Default(True, 24 * 60),
    ReminderKind.REVIEW_REQUESTED: Default(True, 0),
    ReminderKind.ITEM_CARRIED_OVER: Default(True, 0),
    ReminderKind.LATE_ITEM_FLAGGED: Default(True, 0),
}

# A lead time longer than two weeks is almost certainly a typing slip.
MAX_LEAD_MINUTES = 14 * 24 * 60
