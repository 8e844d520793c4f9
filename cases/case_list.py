"""The caseload as the API lists it: a page of the cases a person reads, in one compiled
statement (consultteam/compiled.py), paged by DRF's cursor pagination through
`consultteam.pagination.PagedRead`.

Compiled for the lists a therapist asks for most (all their cases, or ``mine`` true or
false); a list filtered by team, status or stage is built by the ORM from the same
definition (`filter_cases` on `visible_to`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cases.filters import filter_cases
from cases.models import Case
from cases.querysets import case_scope
from cases.serializers import CaseSerializer
from consultteam.compiled import PERSON, POSITION, compiled_rows
from consultteam.lean import columns_read

# What a line of the list shows (`CaseSerializer`), and the key it is paged by.
COLUMNS = ("id", *columns_read(CaseSerializer))
# The filters the compiled read takes; any other goes through the ORM.
COMPILED_FILTERS = {"mine"}


@compiled_rows(
    PERSON,
    POSITION,
    shapes=[
        {"mine": mine, "newer": newer} for mine in (None, True, False) for newer in (False, True)
    ],
)
def case_page(*, person: int, position: int, mine: bool | None, newer: bool) -> QuerySet[Any, Any]:
    """The cases ``person`` reads (`case_scope`, as `visible_to`), filtered by ``mine`` as
    `filter_cases` does, from ``position``: older ones newest first, or (``newer``) newer
    ones oldest first, as `PagedRead` asks."""
    cases = filter_cases(
        Case.objects.filter(case_scope(person, compiled=False)), {"mine": mine}, person=person
    )
    paged = (
        cases.filter(id__gt=position).order_by("id")
        if newer
        else cases.filter(id__lt=position).order_by("-id")
    )
    rows: QuerySet[Any, Any] = paged.values(*COLUMNS)
    return rows
