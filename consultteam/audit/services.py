"""Recording audit events. The one write path into the trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from consultteam import request_ids
from consultteam.audit import context
from consultteam.audit.models import Action, AuditEvent
from consultteam.teams.models import Team


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def public_id_of(obj: models.Model) -> str:
    """Public UUID where the model has one, else the key (reference rows, join tables)."""
    return str(getattr(obj, "public_id", None) or obj.pk)


def audit_read(
    obj: models.Model,
    *,
    team: Team | int | None,
    parts: Iterable[str] = (),
    emergency_access: str = "",
) -> AuditEvent:
    """One VIEW event for a record a person read, naming in ``parts`` what of it a page or an
    answer showed when that is not the whole (a meeting's "agenda", its "minutes")."""
    return audit_record(
        action=Action.VIEW, obj=obj, team=team, fields=parts, emergency_access=emergency_access
    )


def audit_list_read(
    model: type[models.Model], public_ids: Iterable[object], *, team: Team | int | None = None
) -> AuditEvent | None:
    """One VIEW event for a list of clinical records a person read: the kind of record and the
    public ids of those the page showed, in its order. None (and no event) for an empty page,
    which showed nothing. ``team`` when the list is of one team's records."""
    ids = [str(public_id) for public_id in public_ids]
    if not ids:
        return None
    return _append(action=Action.VIEW, object_type=model._meta.label_lower, team=team, read_ids=ids)


def audit_record(
    *,
    action: Action,
    obj: models.Model | None = None,
    team: Team | int | None = None,
    actor_id: int | None = None,
    fields: Iterable[str] = (),
    emergency_access: str = "",
) -> AuditEvent:
    """Append one event. Actor, request id and client address come from the audit context
    unless ``actor_id`` is given. ``emergency_access`` is the public id of the emergency access
    the actor reads the record through, when that is their only way to it. Runs in the caller's
    transaction, so a change that rolls back leaves no event behind. Not idempotent: every call
    appends a row."""
    return _append(
        action=action,
        actor_id=actor_id,
        object_type=object_type_of(obj) if obj is not None else "",
        object_id=public_id_of(obj) if obj is not None else "",
        team=team,
        fields=sorted(fields),
        emergency_access=emergency_access,
    )


def _append(
    *, action: Action, team: Team | int | None, actor_id: int | None = None, **event: Any
) -> AuditEvent:
    """The one INSERT into the trail: who and where from the audit context."""
    ctx = context.current()
    return AuditEvent.objects.create(
        actor_id=actor_id if actor_id is not None else ctx.actor,
        action=action,
        team_id=team.pk if isinstance(team, Team) else team,
        # In a worker, the task's id: that of the request which enqueued it (task_ids.py).
        request_id=ctx.request_id or request_ids.current(),
        ip=ctx.ip,
        **event,
    )
