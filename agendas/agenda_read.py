"""A meeting and its agenda items as the agenda shows them, each in one compiled statement
(consultteam/compiled.py): the meeting with its team and agreement, as `visible_to` lets the
person read it, made into an object (consultteam/row_objects.py); each item's own columns,
and what its rendering reads of its case, TIB entry, chain analysis, submitter and the
meeting it was carried from, ordered and rendered as rows (`ItemRow`).

Why: the ORM built the items' six-way query and the submitters' prefetch on every request, for
a shape that never changes (docs/performance.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from agendas.models import AgendaItem, Meeting
from agendas.querysets import meeting_scope
from cases.models import Case
from consultteam.accounts.models import User
from consultteam.compiled import PERSON, PUBLIC_ID, Param, compiled_rows
from consultteam.reference.models import Agreement
from consultteam.row_objects import instance_of
from consultteam.teams.models import Team
from consultteam.web.api import public_id_in_path

# The meeting whose agenda is read, by its key.
MEETING = Param("meeting", (-2_000_000_041, -2_000_000_043))

OWN = tuple(field.attname for field in AgendaItem._meta.concrete_fields)
JOINED = (
    "tib_entry__id",
    "tib_entry__public_id",
    "chain_analysis__id",
    "chain_analysis__public_id",
    "carried_from__id",
    "carried_from__public_id",
    "carried_from__meeting__id",
    "carried_from__meeting__starts_at",
    "carried_from__meeting__team__id",
    "carried_from__meeting__team__time_zone",
)


# Relations whose columns are read by key, one subquery each, not joined: joined, PostgreSQL
# hashes the whole table of people (or of cases) to name the handful an agenda shows
# (docs/performance.md).
BY_KEY: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "submitter": (User, ("public_id", "display_name")),
    "case": (Case, ("code",)),
}


@compiled_rows(MEETING)
def agenda_rows(*, meeting: int) -> QuerySet[Any, Any]:
    """The meeting's items in the order they were brought, with what `BY_KEY` reads of their
    submitter and case as ``<relation>_<column>``."""
    by_key = {
        f"{relation}_{column}": Subquery(
            model.objects.filter(pk=OuterRef(f"{relation}_id")).order_by().values(column)[:1]
        )
        for relation, (model, columns) in BY_KEY.items()
        for column in columns
    }
    rows: QuerySet[Any, Any] = (
        AgendaItem.objects.filter(meeting_id=meeting)
        .order_by("submitted_at", "id")
        .annotate(**by_key)
        .values(*OWN, *JOINED, *by_key)
    )
    return rows


def _nest_by_key(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with what was read by key nested under its relation (None for none), as a
    joined relation is."""
    for relation, (_, columns) in BY_KEY.items():
        key = row[f"{relation}_id"]
        read = {column: row.pop(f"{relation}_{column}") for column in columns}
        row[relation] = None if key is None else {"id": key, **read}
    return row


@dataclass(slots=True)
class ItemRow:
    """An item as the agenda orders it (agendas/services/agenda.py `in_order`), and its row as
    `AgendaRowSerializer` renders it."""

    pk: int
    public_id: uuid.UUID
    section: str
    target_level: str
    urgency: str
    item_type: str
    status: str
    minutes_requested: int
    submitted_at: dt.datetime
    moved_at: dt.datetime | None
    position_override: int | None
    row: dict[str, Any]


def agenda_items(meeting: Meeting) -> list[ItemRow]:
    """The meeting's items in the order they were brought, to be ordered and rendered from
    their rows: no object is made (a model instance each cost more than its rendering)."""
    items = []
    for row in agenda_rows(meeting=meeting.pk):
        row = _nest_by_key(row)
        row["meeting"] = {"public_id": meeting.public_id}
        items.append(
            ItemRow(
                pk=row["id"],
                public_id=row["public_id"],
                section=row["section"],
                target_level=row["target_level"],
                urgency=row["urgency"],
                item_type=row["item_type"],
                status=row["status"],
                minutes_requested=row["minutes_requested"],
                submitted_at=row["submitted_at"],
                moved_at=row["moved_at"],
                position_override=row["position_override"],
                row=row,
            )
        )
    return items


def _columns(model: type[Any], prefix: str = "") -> list[str]:
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields]


@compiled_rows(PERSON, PUBLIC_ID)
def meeting_row(*, person: int, public_id: uuid.UUID) -> QuerySet[Any, Any]:
    """The meeting ``public_id`` if the person reads it (`meeting_scope`, as `visible_to`),
    with its team and agreement."""
    rows: QuerySet[Any, Any] = Meeting.objects.filter(
        meeting_scope(person, compiled=False), public_id=public_id
    ).values(*_columns(Meeting), *_columns(Team, "team__"), *_columns(Agreement, "agreement__"))
    return rows


def meeting_seen_by(person: int, public_id: uuid.UUID | str) -> Meeting:
    """The meeting as the person reads it, with its team and agreement; 404 otherwise."""
    found = meeting_row(person=person, public_id=public_id_in_path(public_id))
    if not found:
        raise Http404
    return instance_of(Meeting, found[0])
