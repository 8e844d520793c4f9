"""What every app's services share when they write: validate before saving (text without
bidirectional controls), take only the changes a service allows, and refuse with a reason
(403)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

__all__ = ["apply_changes", "refuse", "save_valid", "without_bidi_controls"]


def refuse(message: str) -> PermissionDenied:
    """The refusal a service raises when the rule says no (403 with ``message``)."""
    return PermissionDenied(message)


# Bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069):
# typed or pasted into a text, they reorder what is shown around them, so a note reads other
# than it is stored ("Trojan Source"). Right-to-left text needs none of them; its marks
# (U+200E, U+200F) stay.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(text: str) -> str:
    return text.translate(_BIDI_CONTROLS)


def save_valid(instance: models.Model, **extra_save: Any) -> None:
    """Validate every field and constraint, then save: a bad value is a 400, never a 500.
    Every text loses its bidirectional controls first, on every path a service saves."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, without_bidi_controls(value))
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
