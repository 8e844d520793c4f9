"""A chain analysis read whole in one statement (cases/chain_detail.py) renders exactly what the
same analysis fetched as objects, its children prefetched, renders: every field, its links in
order, its consequences, its citations, on SQLite and PostgreSQL, over the demo's whole record
(and an analysis citing several assumptions and agreements out of their order)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Prefetch
from rest_framework import serializers

from cases.chain_detail import chain_worksheet
from cases.models import ChainAnalysis, ChainConsequence, ChainLink
from cases.serializers import (
    ChainAnalysisSerializer,
    ChainConsequenceSerializer,
    ChainLinkSerializer,
    with_citations,
)
from clinic.demo import load_demo
from consultteam.reference.models import Agreement, Assumption

pytestmark = pytest.mark.django_db


class FromObjects(ChainAnalysisSerializer):
    """The same worksheet read off a model instance with its children prefetched."""

    links = ChainLinkSerializer(many=True, read_only=True)
    consequences = ChainConsequenceSerializer(many=True, read_only=True)


def _as_objects() -> list[ChainAnalysis]:
    return list(
        with_citations(ChainAnalysis.objects.select_related("team", "case", "author"))
        .prefetch_related(
            Prefetch("links", queryset=ChainLink.objects.order_by("position")),
            Prefetch("consequences", queryset=ChainConsequence.objects.order_by("id")),
        )
        .order_by("pk")
    )


def _stock(serializer: serializers.Serializer[Any], row: Any) -> dict[str, Any]:
    return dict(serializers.Serializer.to_representation(serializer, row))


def test_the_row_renders_what_the_objects_render() -> None:
    load_demo(password="chain-detail-0")
    cited = ChainAnalysis.objects.order_by("pk").first()
    assert cited is not None
    cited.assumptions.add(*Assumption.objects.order_by("-position")[:3])
    cited.agreements.add(*Agreement.objects.order_by("-position")[:2])
    chains = _as_objects()
    assert len(chains) >= 3
    assert any(chain.links.all() for chain in chains)
    assert any(chain.consequences.all() for chain in chains)
    for chain in chains:
        (row,) = chain_worksheet(person=chain.author_id, public_id=chain.public_id)
        rendered = ChainAnalysisSerializer(row).data
        assert set(rendered) == set(ChainAnalysisSerializer.Meta.fields)
        assert rendered == FromObjects(chain).data
        assert rendered == _stock(ChainAnalysisSerializer(row), row)  # Lean over a dict, as DRF
    (row,) = chain_worksheet(person=cited.author_id, public_id=cited.public_id)
    assert len(ChainAnalysisSerializer(row).data["assumptions"]) == 3  # in the lists' order
