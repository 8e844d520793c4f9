"""A meeting and its agenda items as the agenda shows them, each in one compiled statement
(consultteam/compiled.py), made into the objects the agenda's ordering rules work on
(consultteam/row_objects.py): the meeting with its team and agreement, as `visible_to` lets
the person read it; each item's own columns, and what its rendering reads of its case, TIB
entry, chain analysis, submitter and the meeting it was carried from.

Why: the ORM built the items' six-way query and the submitters' prefetch on every request, for
a shape that never changes (docs/performance.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from agendas.models import AgendaItem, Meeting
from agendas.querysets import meeting_scope
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
    "case__id",
    "case__code",
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


@compiled_rows(MEETING)
def agenda_rows(*, meeting: int) -> QuerySet[Any, Any]:
    """The meeting's items in the order they were brought. Their submitters are read by key,
    one subquery each, not joined: joined, PostgreSQL hashes the whole table of people to name
    a handful (docs/performance.md)."""
    submitter = User.objects.filter(pk=OuterRef("submitter_id"))
    rows: QuerySet[Any, Any] = (
        AgendaItem.objects.filter(meeting_id=meeting)
        .order_by("submitted_at", "id")
        .annotate(
            submitter_public_id=Subquery(submitter.values("public_id")[:1]),
            submitter_display_name=Subquery(submitter.values("display_name")[:1]),
        )
        .values(*OWN, *JOINED, "submitter_public_id", "submitter_display_name")
    )
    return rows


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items as objects, each holding ``meeting`` itself and its submitter."""
    items = []
    for row in agenda_rows(meeting=meeting.pk):
        row["submitter"] = {
            "id": row["submitter_id"],
            "public_id": row.pop("submitter_public_id"),
            "display_name": row.pop("submitter_display_name"),
        }
        item = instance_of(AgendaItem, row)
        item.meeting = meeting
        items.append(item)
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
