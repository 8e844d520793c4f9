"""Who may see and change the records that text flags are raised on.

The text checks import neither cases nor agendas, so each app that keeps flags on its records
registers, per model label, two predicates from its own `permissions.py` (in its `ready()`):

    register("cases.tibentry", can_view=..., can_change=...)

Both take ``(user, object_id)`` (the record's public id) and answer False for a record that
does not exist. A label nobody registered answers False to everyone: deny by default.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from consultteam.access import AnyUser

ObjectRule = Callable[[AnyUser, uuid.UUID], bool]


@dataclass(frozen=True)
class FlaggedKind:
    label: str
    can_view: ObjectRule
    can_change: ObjectRule


_kinds: dict[str, FlaggedKind] = {}


def register(label: str, *, can_view: ObjectRule, can_change: ObjectRule) -> None:
    """Say who may see (and so read the flags of) and change (keep or dismiss a flag on) the
    records of model ``label``. Registering again replaces the rules; safe to call twice."""
    _kinds[label] = FlaggedKind(label, can_view, can_change)


def can_view_object(user: AnyUser, object_type: str, object_id: uuid.UUID) -> bool:
    kind = _kinds.get(object_type)
    return kind is not None and kind.can_view(user, object_id)


def can_change_object(user: AnyUser, object_type: str, object_id: uuid.UUID) -> bool:
    kind = _kinds.get(object_type)
    return kind is not None and kind.can_change(user, object_id)
