"""Helpers shared by the clinical-record services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from consultteam.accounts.models import User
from consultteam.accounts.time_zones import person_today


def refuse(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def first_of_month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day is not None else None


def not_in_future(day: dt.date, field: str, *, person: User) -> None:
    """Refuse a day after today where ``person`` is (their own time zone): in Tokyo it is
    already tomorrow while UTC is still on today, and that clinician's today is not the
    future."""
    if day > person_today(person):
        raise ValidationError({field: "This date is in the future; record what has happened."})


def save_valid(instance: models.Model, **extra_save: Any) -> None:
    """Validate every field and constraint, then save: a bad value is a 400, never a 500."""
    instance.full_clean()
    instance.save(**extra_save)


def apply_changes(
    instance: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]
) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    for name, value in changes.items():
        setattr(instance, name, value)
