"""Every write of reminder rows: reconciling what should be reminded with what is, a person's
preferences, marking a notification read, and an operator's retry.

`reminders_reconcile` is the one place rows are created, moved and cancelled. Callers say what
*should* exist (a list of `Wanted`) within a scope; the rows follow. Keys make it safe to run
any number of times: the same wanted reminder is always the same row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.errors import Conflict
from consultteam.events import ReviewRequested
from reminders.choices import DEFAULTS, MAX_LEAD_MINUTES, Channel, ReminderKind, ReminderStatus
from reminders.models import Reminder, ReminderPreference

# Kinds that tell news (sent when it happens) rather than warn of a time coming.
NEWS = {
    ReminderKind.REVIEW_REQUESTED,
    ReminderKind.ITEM_CARRIED_OVER,
    ReminderKind.LATE_ITEM_FLAGGED,
}


@dataclass(frozen=True)
class Wanted:
    """A reminder that should exist. `due_at` is the moment it is about."""

    key: str
    recipient_id: int
    kind: str
    due_at: dt.datetime
    meeting_id: int | None = None
    role: str = ""
    count: int = 0


@dataclass(frozen=True)
class Choice:
    enabled: bool
    lead_minutes: int
    channel: str


def choices_of(user_ids: Iterable[int]) -> dict[tuple[int, str], Choice]:
    """Each person's choice per kind, the defaults filled in. One query."""
    ids = set(user_ids)
    chosen = {
        (pref.user_id, pref.kind): Choice(pref.enabled, pref.lead_minutes, pref.channel)
        for pref in ReminderPreference.objects.filter(user_id__in=ids)
    }
    for user_id in ids:
        for kind, default in DEFAULTS.items():
            chosen.setdefault(
                (user_id, kind), Choice(default.enabled, default.lead_minutes, Channel.EMAIL)
            )
    return chosen


def send_time(kind: str, due_at: dt.datetime, lead_minutes: int, now: dt.datetime) -> dt.datetime:
    """When to send: the lead time before the moment, but never in the past."""
    if kind in NEWS:
        return max(due_at, now)
    return max(due_at - dt.timedelta(minutes=lead_minutes), now)


def reminders_reconcile(*, wanted: list[Wanted], scope: QuerySet[Reminder]) -> None:
    """Make the waiting rows within ``scope`` match ``wanted``: create what is missing, move
    what changed time or meeting, cancel what is no longer wanted (or not wanted by its
    recipient). A row already sent or failed is left as it is. A row under a live claim is not
    moved (its delivery is under way). Runs in the caller's transaction; safe to run twice."""
    now = timezone.now()
    chosen = choices_of(w.recipient_id for w in wanted)
    keep: dict[str, tuple[Wanted, Choice]] = {}
    for want in wanted:
        choice = chosen[(want.recipient_id, want.kind)]
        # A moment already past needs no warning; news is never too late.
        if choice.enabled and (want.kind in NEWS or want.due_at > now):
            keep[want.key] = (want, choice)
    scope.filter(status=ReminderStatus.PENDING, lease_token__isnull=True).exclude(
        key__in=list(keep)
    ).update(status=ReminderStatus.CANCELLED, updated_at=now)
    existing = {row.key: row for row in Reminder.objects.filter(key__in=list(keep))}
    for key, (want, choice) in keep.items():
        row = existing.get(key)
        values = {
            "recipient_id": want.recipient_id,
            "kind": want.kind,
            "meeting_id": want.meeting_id,
            "role": want.role,
            "count": want.count,
            "due_at": want.due_at,
            "channel": choice.channel,
            "send_at": send_time(want.kind, want.due_at, choice.lead_minutes, now),
        }
        if row is None:
            _create(key, values)
        elif _movable(row) and _differs(row, values, ReminderStatus.PENDING):
            for name, value in values.items():
                setattr(row, name, value)
            row.status = ReminderStatus.PENDING
            row.save()


def _movable(row: Reminder) -> bool:
    """Waiting or cancelled, and not under a claim: sent and failed rows are history."""
    waiting = row.status in {ReminderStatus.PENDING, ReminderStatus.CANCELLED}
    return waiting and row.lease_token is None


def _differs(row: Reminder, values: dict[str, Any], status: str) -> bool:
    return row.status != status or any(getattr(row, k) != v for k, v in values.items())


def _create(key: str, values: dict[str, Any]) -> None:
    try:
        # A savepoint: two services reconciling the same reminder at once both try to create
        # it; the unique key lets one win and the other find it.
        with transaction.atomic():
            Reminder.objects.create(key=key, **values)
    except IntegrityError:
        if not Reminder.objects.filter(key=key).exists():
            raise


def on_review_requested(event: ReviewRequested) -> None:
    """The subscriber to `ReviewRequested`: remind the reviewer named on a review request
    (news: at once). Keyed by the request and the moment it was (re)submitted, so each request
    or resubmission reminds once. Says only that a review waits; never what is reviewed. Runs
    in the announcing service's transaction; safe to run twice."""
    reminders_reconcile(
        wanted=[
            Wanted(
                key=f"review:{event.review_id}:{int(event.asked_at.timestamp())}",
                recipient_id=event.reviewer_id,
                kind=ReminderKind.REVIEW_REQUESTED,
                due_at=event.asked_at,
            )
        ],
        scope=Reminder.objects.none(),
    )


# --- A person's choices ------------------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in ReminderKind.values:
        known = ", ".join(ReminderKind.values)
        raise ValidationError({"kind": f"{kind!r} is not a kind of reminder; use one of {known}."})


@transaction.atomic
def preference_set(
    *,
    user: Any,
    kind: str,
    enabled: bool | None = None,
    lead_minutes: int | None = None,
    channel: str | None = None,
) -> ReminderPreference:
    """Set whether and how long before ``user`` gets reminders of ``kind``. Refuses (400) an
    unknown kind, a negative or overlong lead time, an unknown channel. Moves the person's
    waiting reminders of that kind to the new time (or cancels them). Safe to run twice."""
    _check_kind(kind)
    if lead_minutes is not None and not 0 <= lead_minutes <= MAX_LEAD_MINUTES:
        raise ValidationError(
            {"lead_minutes": f"Choose from 0 to {MAX_LEAD_MINUTES} minutes (14 days) before."}
        )
    if channel is not None and channel not in Channel.values:
        raise ValidationError({"channel": "Choose EMAIL or IN_APP."})
    default = DEFAULTS[kind]
    pref = ReminderPreference.objects.select_for_update().filter(user=user, kind=kind).first()
    if pref is None:
        pref = ReminderPreference(user=user, kind=kind, lead_minutes=default.lead_minutes)
    if enabled is not None:
        pref.enabled = enabled
    if lead_minutes is not None:
        pref.lead_minutes = lead_minutes
    if channel is not None:
        pref.channel = channel
    pref.full_clean()
    pref.save()
    _retime(user.pk, kind, Choice(pref.enabled, pref.lead_minutes, pref.channel))
    return pref


def _retime(user_id: int, kind: str, choice: Choice) -> None:
    now = timezone.now()
    waiting = Reminder.objects.filter(
        recipient_id=user_id, kind=kind, status=ReminderStatus.PENDING, lease_token__isnull=True
    )
    if not choice.enabled:
        waiting.update(status=ReminderStatus.CANCELLED, updated_at=now)
        return
    for row in waiting:
        row.send_at = send_time(kind, row.due_at, choice.lead_minutes, now)
        row.channel = choice.channel
        row.save(update_fields=["send_at", "channel", "updated_at"])


def preferences_of(user: Any) -> list[ReminderPreference]:
    """Every kind with the person's choice (unsaved defaults where they made none)."""
    saved = {pref.kind: pref for pref in ReminderPreference.objects.filter(user=user)}
    return [
        saved.get(kind)
        or ReminderPreference(
            user=user, kind=kind, enabled=default.enabled, lead_minutes=default.lead_minutes
        )
        for kind, default in DEFAULTS.items()
    ]


# --- Notifications and operators ---------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, reminder: Reminder, by: Any) -> Reminder:
    """Mark one of one's own notifications read. Safe to run twice (the first time is kept)."""
    if reminder.recipient_id != by.pk:
        raise PermissionDenied
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at", "updated_at"])
    return reminder


@transaction.atomic
def reminder_retry(*, reminder: Reminder, by: Any) -> Reminder:
    """Put a failed reminder back in the queue, due now, with fresh attempts (staff only).
    Audited as UPDATE. Refused (409) unless it failed; so not repeatable until it fails again."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.status != ReminderStatus.FAILED:
        raise Conflict("Only a failed reminder can be retried; this one is not failed.")
    reminder.status = ReminderStatus.PENDING
    reminder.attempts = 0
    reminder.send_at = timezone.now()
    reminder.save(update_fields=["status", "attempts", "send_at", "updated_at"])
    audit_record(action=Action.UPDATE, obj=reminder, fields=["status"], actor_id=by.pk)
    return reminder
