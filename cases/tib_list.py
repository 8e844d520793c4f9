"""The TIB log as the API lists it: a page of the entries a person reads, with what they cite,
in one compiled statement (consultteam/compiled.py), paged by DRF's cursor pagination through
`consultteam.pagination.PagedRead`.

Compiled for the two lists asked for most: everything one reads (a team leader's list) and one
case's history. A list filtered otherwise is built by the ORM from the same definition
(`filter_tib_entries` on `visible_to`)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from cases.filters import filter_tib_entries
from cases.models import TIBEntry
from cases.querysets import tib_scope
from cases.serializers.fields import cited_rows
from cases.serializers.tib import TIBEntrySerializer
from consultteam.compiled import PERSON, POSITION, Param, as_uuid, compiled_rows
from consultteam.lean import columns_read
from consultteam.reference.models import Agreement, Assumption

# The case whose history is asked for, by its public id.
CASE = Param(
    "case",
    (
        uuid.UUID("00000000-0000-4000-8000-0000000000c1"),
        uuid.UUID("00000000-0000-4000-8000-0000000000c3"),
    ),
    as_uuid,
)
# What a line of the list shows (`TIBEntrySerializer`; its citations are added below), and the
# key it is paged by.
COLUMNS = ("id", *columns_read(TIBEntrySerializer))
NEWER = [{"newer": False}, {"newer": True}]


def _page(person: int, position: int, newer: bool, **filters: Any) -> QuerySet[Any, Any]:
    """The entries ``person`` reads (`tib_scope`, as `visible_to`), filtered as
    `filter_tib_entries` filters, from ``position`` as `PagedRead` asks, with their citations."""
    entries = filter_tib_entries(
        TIBEntry.objects.filter(tib_scope(person, compiled=False)), filters
    )
    paged = (
        entries.filter(id__gt=position).order_by("id")
        if newer
        else entries.filter(id__lt=position).order_by("-id")
    )
    rows: QuerySet[Any, Any] = paged.annotate(
        assumptions_cited=cited_rows(Assumption, "cited_by_tibentry"),
        agreements_cited=cited_rows(Agreement, "cited_by_tibentry"),
    ).values(*COLUMNS, "assumptions_cited", "agreements_cited")
    return rows


@compiled_rows(PERSON, POSITION, shapes=NEWER)
def tib_page(*, person: int, position: int, newer: bool) -> QuerySet[Any, Any]:
    """A page of every entry the person reads."""
    return _page(person, position, newer)


@compiled_rows(PERSON, POSITION, CASE, shapes=NEWER)
def case_tib_page(
    *, person: int, position: int, case: uuid.UUID, newer: bool
) -> QuerySet[Any, Any]:
    """A page of one case's history, as the person reads it."""
    return _page(person, position, newer, case=case)
