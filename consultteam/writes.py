"""What every app's services share when they write: validate before saving, take only the
changes a service allows, and refuse with a reason (403)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

__all__ = ["apply_changes", "refuse", "save_valid"]


def refuse(message: str) -> PermissionDenied:
    """The refusal a service raises when the rule says no (403 with ``message``)."""
    return PermissionDenied(message)


def save_valid(instance: models.Model, **extra_save: Any) -> None:
    """Validate every field and constraint, then save: a bad value is a 400, never a 500."""
    instance.full_clean()
    instance.save(**extra_save)


def apply_changes(
    instance: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]
) -> None:
    """Set ``changes`` on ``instance`` (unsaved); a name outside ``allowed`` is a 400 and
    changes nothing."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    for name, value in changes.items():
        setattr(instance, name, value)
