"""The audit trail as a team leader lists it in the API (one team, a period): a page in one
compiled statement (consultteam/compiled.py), paged by DRF's cursor pagination through
`consultteam.pagination.PagedRead`. Other lists (staff, other filters) are built by the ORM
from the same definitions (`visible_to`, `filter_events`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet

from consultteam.audit.filters import filter_events, within
from consultteam.audit.models import AuditEvent
from consultteam.audit.querysets import led_by
from consultteam.audit.serializers import AuditEventSerializer
from consultteam.compiled import PERSON, Param, as_datetime, as_uuid, compiled_rows
from consultteam.lean import columns_read
from consultteam.pagination import Order


def _moment(name: str, year: int) -> Param:
    return Param(
        name,
        (
            dt.datetime(year, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
            dt.datetime(year, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
        ),
        as_datetime,
    )


TEAM = Param(
    "team",
    (
        uuid.UUID("00000000-0000-4000-8000-0000000000e1"),
        uuid.UUID("00000000-0000-4000-8000-0000000000e3"),
    ),
    as_uuid,
)
START, END, AT = _moment("start", 1903), _moment("end", 1904), _moment("position", 1905)

# Newest first by the moment, ties by id; a cursor's position is a moment.
BY_MOMENT = Order(
    ("at", "id"),
    AuditEvent._meta.get_field("at").to_python,
    dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
    dt.datetime(1, 1, 2, tzinfo=dt.UTC),
)
# What a line of the trail shows (`AuditEventSerializer`).
COLUMNS = columns_read(AuditEventSerializer)


@compiled_rows(PERSON, TEAM, START, END, AT, shapes=[{"newer": False}, {"newer": True}])
def team_trail_page(
    *,
    person: int,
    team: uuid.UUID,
    start: dt.datetime,
    end: dt.datetime,
    position: dt.datetime,
    newer: bool,
) -> QuerySet[Any, Any]:
    """A page of one team's events from ``start`` to before ``end``, as a team leader reads
    them (`led_by`), from ``position`` as `PagedRead` asks."""
    events = within(
        filter_events(AuditEvent.objects.filter(led_by(person, compiled=False)), {"team": team}),
        start,
        end,
    )
    paged = (
        events.filter(at__gt=position).order_by("at", "id")
        if newer
        else events.filter(at__lt=position).order_by("-at", "-id")
    )
    rows: QuerySet[Any, Any] = paged.values(*COLUMNS)
    return rows
