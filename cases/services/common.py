"""Helpers shared by the clinical-record services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone


def refuse(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def first_of_month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day is not None else None


def not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
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
