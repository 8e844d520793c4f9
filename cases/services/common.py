"""Helpers shared by the clinical-record services (those of every app: consultteam/writes.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from consultteam.accounts.models import User
from consultteam.accounts.time_zones import person_today


def first_of_month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day is not None else None


# The earliest day a clinical record here can be about: DBT took shape in the 1980s, so an
# earlier year is a slip of the keyboard (0001, 1026), answered with a message, not stored.
EARLIEST_DAY = dt.date(1980, 1, 1)


def plausible_day(day: dt.date, field: str, *, person: User) -> None:
    """Refuse a day after today where ``person`` is (their own time zone: in Tokyo it is
    already tomorrow while UTC is still on today, and that clinician's today is not the
    future), or before `EARLIEST_DAY`."""
    if day > person_today(person):
        raise ValidationError({field: "This date is in the future; record what has happened."})
    if day < EARLIEST_DAY:
        raise ValidationError(
            {field: f"This date is before {EARLIEST_DAY.year}: check the year you typed."}
        )
