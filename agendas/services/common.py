"""Helpers shared by the meeting services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from agendas.choices import MeetingStatus
from agendas.models import Meeting
from consultteam.errors import Conflict
from consultteam.teams.models import Membership, Team
from consultteam.writes import apply_changes, refuse, save_valid

__all__ = [
    "apply_changes",
    "bump",
    "lock_meeting",
    "member_of",
    "now",
    "refuse",
    "require_open",
    "save_valid",
]

STALE = (
    "Someone else changed this meeting after you opened it (it is now at version {current}, "
    "you were working on version {yours}). Reload to see the change; nothing was saved."
)


def now() -> dt.datetime:
    return timezone.now()


def lock_meeting(meeting: Meeting, expected_version: int | None = None) -> Meeting:
    """Lock the meeting's row for the rest of the transaction, so two leaders changing it (or
    its agenda) at once take turns; refuse a change made against an older version."""
    current = Meeting.objects.select_for_update().select_related("team").get(pk=meeting.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(STALE.format(current=current.version, yours=expected_version))
    return current


# What a calendar entry of the meeting shows (agendas/calendar.py).
CALENDAR_FIELDS = frozenset({"starts_at", "minutes", "location_kind", "join_link"})


def bump(meeting: Meeting, fields: list[str]) -> None:
    """Save ``fields`` as a new version; a change subscribers' calendars must pick up (time,
    length, place, cancellation) also takes the next iCalendar sequence number."""
    meeting.version += 1
    extra = ["version", "updated_at"]
    cancelled = "status" in fields and meeting.status == MeetingStatus.CANCELLED
    if cancelled or CALENDAR_FIELDS.intersection(fields):
        meeting.sequence += 1
        extra.append("sequence")
    save_valid(meeting, update_fields=[*fields, *extra])


def require_open(meeting: Meeting, doing: str) -> None:
    """Refuse (409) a change to a meeting that is over or called off."""
    if meeting.status == MeetingStatus.COMPLETED:
        raise Conflict(f"This meeting is completed and its record is locked: cannot {doing}.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(f"This meeting was cancelled: cannot {doing}.")


def member_of(team: Team, user_id: int, field: str) -> None:
    """Refuse (400 on ``field``) a person who is not an active member of ``team``."""
    if not Membership.objects.current().filter(team=team, user_id=user_id).exists():
        raise ValidationError({field: "This person is not a current member of the team."})
