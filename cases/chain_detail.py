"""A chain analysis read whole, in one statement: the worksheet's own columns, what its page
and API show of its team, case and author, its links, consequences and citations (JSON
columns, consultteam/json_rows.py), and the emergency access its reader reads it through (for
the read's audit line). Compiled once (consultteam/compiled.py): a request only sends the
statement with its person and the analysis's public id.

Why: with the children prefetched, a detail read took five statements before its audit line,
each built by the ORM on every request (docs/performance.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Case as Choose
from django.db.models import Exists, OuterRef, QuerySet, Subquery, UUIDField, Value, When
from django.db.models.functions import Now

from cases.models import (
    CONSEQUENCE_FIELDS,
    LINK_FIELDS,
    ChainAnalysis,
    ChainConsequence,
    ChainLink,
    EmergencyAccess,
)
from cases.querysets import chain_scope
from cases.serializers.chains import ChainAnalysisSerializer
from cases.serializers.fields import cited_rows
from consultteam.access import member_team_ids
from consultteam.compiled import PERSON, PUBLIC_ID, compiled_rows
from consultteam.json_rows import rows_of
from consultteam.lean import columns_read
from consultteam.reference.models import Agreement, Assumption

# What the detail shows (`ChainAnalysisSerializer`: its children's JSON columns among them, its
# citations added below), and the analysis's ids for the audit line.
COLUMNS = ("id", "team_id", *columns_read(ChainAnalysisSerializer))
# Its children's columns, and the order each list is shown in (links by position,
# consequences as they were added, citations in the reference lists' order).
LINK_COLUMNS = ("public_id", "position", *LINK_FIELDS)
CONSEQUENCE_COLUMNS = ("id", "public_id", *CONSEQUENCE_FIELDS)


def reader_emergency_access(person: int) -> Choose:
    """The public id of the unexpired emergency access through which ``person`` reads a
    record's case, when that is their way to it (they are not on its team), else NULL."""
    on_team = member_team_ids.queryset(person=person, roles=None).filter(
        team_id=OuterRef("case__team_id")
    )
    through = (
        EmergencyAccess.objects.filter(user_id=person, case_id=OuterRef("case_id"))
        .filter(expires_at__gt=Now())
        .order_by("-expires_at")
        .values("public_id")[:1]
    )
    return Choose(
        When(Exists(on_team), then=Value(None, output_field=UUIDField())),
        default=Subquery(through),
    )


@compiled_rows(PERSON, PUBLIC_ID)
def chain_worksheet(*, person: int, public_id: uuid.UUID) -> QuerySet[Any, Any]:
    """The analysis ``public_id`` if ``person`` reads it (`chain_scope`, as `visible_to`), as
    one row: `COLUMNS`, then ``links_in_order``, ``consequences_in_order``,
    ``assumptions_cited``, ``agreements_cited`` (lists of rows, as `CitedCodes` and the
    serializers read them) and ``reader_emergency_access``."""
    chains = ChainAnalysis.objects.filter(chain_scope(person, compiled=False), public_id=public_id)
    return chains.annotate(
        links_in_order=rows_of(
            ChainLink.objects.filter(chain=OuterRef("pk")),
            parent="chain",
            fields=LINK_COLUMNS,
            order_by=["position"],
        ),
        consequences_in_order=rows_of(
            ChainConsequence.objects.filter(chain=OuterRef("pk")),
            parent="chain",
            fields=CONSEQUENCE_COLUMNS,
            order_by=["id"],
        ),
        assumptions_cited=cited_rows(Assumption, "cited_by_chainanalysis"),
        agreements_cited=cited_rows(Agreement, "cited_by_chainanalysis"),
        reader_emergency_access=reader_emergency_access(person),
    ).values(*COLUMNS, "assumptions_cited", "agreements_cited", "reader_emergency_access")


def emergency_id_of(row: dict[str, Any]) -> str:
    """What `chain_worksheet` found of the reader's emergency access, as the audit trail
    records it (as `emergency_id`)."""
    found = row["reader_emergency_access"]
    return str(found) if found is not None else ""
