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

from django.db.models import QuerySet
from django.http import Http404

from agendas.models import AgendaItem, Meeting
from consultteam.access import member_team_ids
from consultteam.compiled import PERSON, PUBLIC_ID, Param, compiled_rows
from consultteam.reference.models import Agreement
from consultteam.row_objects import instance_of
from consultteam.teams.models import Team
from consultteam.web.api import public_id_in_path

# The meeting whose agenda is read, by its key.
MEETING = Param("meeting", (-2_000_000_041, -2_000_000_043))

OWN = tuple(field.attname for field in AgendaItem._meta.concrete_fields)
JOINED = (
    "submitter__id",
    "submitter__public_id",
    "submitter__display_name",
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
    """The meeting's items in the order they were brought."""
    rows: QuerySet[Any, Any] = (
        AgendaItem.objects.filter(meeting_id=meeting)
        .order_by("submitted_at", "id")
        .values(*OWN, *JOINED)
    )
    return rows


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items as objects, each holding ``meeting`` itself."""
    items = [instance_of(AgendaItem, row) for row in agenda_rows(meeting=meeting.pk)]
    for item in items:
        item.meeting = meeting
    return items


def _columns(model: type[Any], prefix: str = "") -> list[str]:
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields]


@compiled_rows(PERSON, PUBLIC_ID)
def meeting_row(*, person: int, public_id: uuid.UUID) -> QuerySet[Any, Any]:
    """The meeting ``public_id`` if the person reads it (as `Meeting.objects.visible_to`: an
    active member of its team), with its team and agreement."""
    rows: QuerySet[Any, Any] = Meeting.objects.filter(
        team_id__in=member_team_ids.queryset(person=person, roles=None), public_id=public_id
    ).values(*_columns(Meeting), *_columns(Team, "team__"), *_columns(Agreement, "agreement__"))
    return rows


def meeting_seen_by(person: int, public_id: uuid.UUID | str) -> Meeting:
    """The meeting as the person reads it, with its team and agreement; 404 otherwise."""
    found = meeting_row(person=person, public_id=public_id_in_path(public_id))
    if not found:
        raise Http404
    return instance_of(Meeting, found[0])
