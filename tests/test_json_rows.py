"""A chain analysis's children read as JSON columns of its own row (`with_worksheet`, on
consultteam/json_rows.py) render exactly what the same children fetched as rows render, over
the demo's whole record: UUIDs, enums, nulls and order alike, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef

from cases.models import ChainAnalysis, ChainConsequence, ChainLink
from cases.serializers import ChainConsequenceSerializer, ChainLinkSerializer, with_worksheet
from clinic.demo import load_demo
from consultteam.audit.models import AuditEvent
from consultteam.json_rows import rows_of
from consultteam.reference.models import Agreement, Assumption

pytestmark = pytest.mark.django_db


def test_the_worksheet_columns_render_as_the_rows_fetched_one_by_one() -> None:
    load_demo(password="json-rows-0")
    cited = ChainAnalysis.objects.order_by("pk").first()
    assert cited is not None
    cited.assumptions.add(*Assumption.objects.order_by("-position")[:3])
    cited.agreements.add(*Agreement.objects.order_by("-position")[:2])
    # Annotated rows: their JSON columns are attributes the model does not declare.
    chains: list[Any] = list(with_worksheet(ChainAnalysis.objects.order_by("pk")))
    assert any(chain.links_in_order for chain in chains)
    assert any(chain.consequences_in_order for chain in chains)
    assert any(chain.assumptions_cited for chain in chains)
    for chain in chains:
        links = ChainLink.objects.filter(chain=chain).order_by("position")
        consequences = ChainConsequence.objects.filter(chain=chain).order_by("id")
        assert ChainLinkSerializer(chain.links_in_order, many=True).data == (
            ChainLinkSerializer(links, many=True).data
        )
        assert ChainConsequenceSerializer(chain.consequences_in_order, many=True).data == (
            ChainConsequenceSerializer(consequences, many=True).data
        )
        assert [row.code for row in chain.assumptions_cited] == [
            row.code for row in chain.assumptions.order_by("position", "code")
        ]
        assert [row.code for row in chain.agreements_cited] == [
            row.code for row in chain.agreements.order_by("position", "code")
        ]


def test_a_datetime_is_refused_because_it_would_not_read_back_alike() -> None:
    with pytest.raises(ImproperlyConfigured):
        rows_of(
            AuditEvent.objects.filter(team=OuterRef("pk")),
            parent="team",
            fields=["at"],
            order_by=["at"],
        )
