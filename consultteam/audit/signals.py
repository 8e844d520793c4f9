"""Changes to audited models are recorded whatever path made them: API, pages, admin, services
called from tasks or commands. Models join with `audited(...)`.

Signals do not fire for `QuerySet.update()`, `bulk_create()` or raw SQL: services that change
audited rows must not use them, or must call `audit_record` themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from consultteam.audit.models import Action
from consultteam.audit.services import audit_record

TeamOf = Callable[[Any], int | None]


@dataclass(frozen=True)
class _Audited:
    team_of: TeamOf
    on_create: Action
    on_delete: Action
    quiet_fields: frozenset[str]


_registry: dict[type[models.Model], _Audited] = {}


def audited(
    model: type[models.Model],
    *,
    team_of: TeamOf,
    on_create: Action = Action.CREATE,
    on_delete: Action = Action.DELETE,
    quiet_fields: frozenset[str] = frozenset(),
) -> None:
    """Record every save and delete of ``model``. ``team_of(instance)`` gives the team id the
    event belongs to (what a team leader's view of the trail filters on). A save that touches
    only ``quiet_fields`` (bookkeeping such as last_login, recorded as LOGIN) is not an UPDATE."""
    _registry[model] = _Audited(team_of, on_create, on_delete, quiet_fields)
    post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-del-{model._meta.label}")


def _on_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    update_fields: frozenset[str] | None,
    raw: bool,
    **_: object,
) -> None:
    if raw:  # loaddata: fixtures are not anyone's action
        return
    entry = _registry[sender]
    if update_fields and update_fields <= entry.quiet_fields:
        return
    audit_record(
        action=entry.on_create if created else Action.UPDATE,
        obj=instance,
        team=entry.team_of(instance),
        fields=update_fields or (),
    )


def _on_delete(sender: type[models.Model], instance: models.Model, **_: object) -> None:
    entry = _registry[sender]
    audit_record(action=entry.on_delete, obj=instance, team=entry.team_of(instance))
