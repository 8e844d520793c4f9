"""Reminder rows and each person's choices about them.

A reminder holds no text of its own: what a message says is built at sending time from its
kind, its meeting's team and time, a role code and a count (DOMAIN.md section 6: never a case
code, a behaviour or a client). So there is no free-text field here that clinical content could
leak into.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from reminders.choices import MAX_LEAD_MINUTES, Channel, ReminderKind, ReminderStatus
from reminders.querysets import ReminderQuerySet

ERROR_TEXT = 500


class Reminder(models.Model):
    """One message to one person about one thing. `key` names what it reminds of (kind,
    object, recipient and the time it is about), so creating it twice finds the first.

    `lease_token` / `leased_until` mark a claim by a sweep: the row is being delivered until
    then; a claim whose worker died runs out and the row is claimed again."""

    objects: ClassVar[ReminderQuerySet] = ReminderQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=200, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    meeting = models.ForeignKey(
        "agendas.Meeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    role = models.CharField(max_length=20, blank=True, help_text="The role's code, if any.")
    count = models.PositiveSmallIntegerField(default=0, help_text="How many items it is about.")
    due_at = models.DateTimeField(help_text="The moment it is about (meeting start, cutoff...).")
    send_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=ERROR_TEXT, blank=True)
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    leased_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["send_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values),
                name="reminder_known_kind",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="reminder_known_channel"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReminderStatus.values), name="reminder_known_status"
            ),
            models.CheckConstraint(
                condition=Q(status=ReminderStatus.SENT, sent_at__isnull=False)
                | (~Q(status=ReminderStatus.SENT) & Q(sent_at__isnull=True)),
                name="reminder_sent_at_iff_sent",
                violation_error_message="Only a sent reminder has a sending time.",
            ),
            models.CheckConstraint(
                condition=Q(lease_token__isnull=True, leased_until__isnull=True)
                | Q(
                    lease_token__isnull=False,
                    leased_until__isnull=False,
                    status=ReminderStatus.PENDING,
                ),
                name="reminder_lease_whole_and_pending",
                violation_error_message="Only a waiting reminder is claimed, with a lease end.",
            ),
        ]
        indexes = [
            # The sweep's query: due rows of one status, oldest first.
            models.Index(fields=["status", "send_at"], name="reminder_due"),
            models.Index(fields=["recipient", "status", "-sent_at"], name="reminder_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} at {self.send_at:%Y-%m-%d %H:%M}"


class ReminderPreference(models.Model):
    """Whether a person gets one kind of reminder, how long before, and how. Absent: the
    defaults in `reminders.choices.DEFAULTS`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    enabled = models.BooleanField(default=True)
    lead_minutes = models.PositiveIntegerField(
        validators=[MaxValueValidator(MAX_LEAD_MINUTES)],
        help_text="How many minutes before the meeting, cutoff or due date it goes out.",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_preference_once"),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_preference_known_kind"
            ),
            models.CheckConstraint(
                condition=Q(lead_minutes__gte=0, lead_minutes__lte=MAX_LEAD_MINUTES),
                name="reminder_preference_lead_range",
                violation_error_message="A lead time runs from 0 minutes to 14 days.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"
