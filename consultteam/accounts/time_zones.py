"""A person's own time zone (their setting, validated when saved): their "today", and the zone
their pages are shown in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from consultteam.accounts.models import User


def zone_of(person: User) -> dt.tzinfo:
    """``person``'s zone; UTC if the zone database no longer knows the name they chose."""
    try:
        return ZoneInfo(person.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def person_today(person: User) -> dt.date:
    """Today's date where ``person`` is: what "today" and "the future" mean for what they
    record."""
    return timezone.localdate(timezone=zone_of(person))
