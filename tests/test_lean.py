"""Lean read serializers (consultteam/lean.py) render exactly what DRF's own rendering gives,
row for row, over the demo's whole clinical record, meetings and audit trail; their method
fields answer from the request's own context; and a serializer that would render from the
context of a copy it keeps is refused when its plan is made."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch, QuerySet
from rest_framework import serializers

from agendas.models import AgendaItem
from agendas.serializers import AgendaItemSerializer, AgendaItemSubmittedSerializer
from cases.models import Case, ChainAnalysis, ChainConsequence, ChainLink, TIBEntry
from cases.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    ChainAnalysisListSerializer,
    ChainAnalysisSerializer,
    ChainConsequenceSerializer,
    ChainLinkSerializer,
    TIBEntrySerializer,
    TIBLoggedSerializer,
    with_citations,
)
from clinic.demo import load_demo
from consultteam.audit.models import Action, AuditEvent
from consultteam.audit.serializers import AuditEventSerializer
from consultteam.lean import Lean

pytestmark = pytest.mark.django_db


def _chains() -> QuerySet[ChainAnalysis]:
    return with_citations(
        ChainAnalysis.objects.select_related("team", "case", "author")
        .annotate(link_count=Count("links"))
        .prefetch_related(
            Prefetch("links", queryset=ChainLink.objects.order_by("position")),
            Prefetch("consequences", queryset=ChainConsequence.objects.order_by("id")),
        )
    )


def _agenda_items() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.select_related(
        "meeting", "submitter", "case", "tib_entry", "chain_analysis", "carried_from__meeting__team"
    )


# Every lean serializer, with the rows it renders and a context like its views give.
READS: list[tuple[type[serializers.Serializer[Any]], Any, dict[str, Any]]] = [
    (CaseSerializer, lambda: Case.objects.select_related("team", "primary_therapist"), {}),
    (
        CaseDetailSerializer,
        lambda: Case.objects.select_related("team", "primary_therapist"),
        {"co_therapists": []},
    ),
    (TIBEntrySerializer, lambda: with_citations(TIBEntry.objects.all()), {}),
    (TIBLoggedSerializer, lambda: with_citations(TIBEntry.objects.all()), {"warning": "Third."}),
    (ChainLinkSerializer, lambda: ChainLink.objects.all(), {}),
    (ChainConsequenceSerializer, lambda: ChainConsequence.objects.all(), {}),
    (ChainAnalysisListSerializer, _chains, {}),
    (ChainAnalysisSerializer, _chains, {}),
    (AgendaItemSerializer, _agenda_items, {"positions": {}}),
    (AgendaItemSubmittedSerializer, _agenda_items, {"notice": "Moved to the next meeting."}),
    (AuditEventSerializer, lambda: AuditEvent.objects.select_related("actor", "team"), {}),
]


@pytest.fixture
def demo() -> None:
    load_demo(password="lean-parity-0")
    # A system event: no actor, no team (the serializer's default and nulls).
    AuditEvent.objects.create(action=Action.LOGIN_FAILED, object_type="user")


def _stock(serializer: serializers.Serializer[Any], row: Any) -> dict[str, Any]:
    """What DRF's own `Serializer.to_representation` gives, past the lean one."""
    return dict(serializers.Serializer.to_representation(serializer, row))


def test_every_lean_serializer_is_held_to_drf_here() -> None:
    def lean_classes(cls: type) -> set[type]:
        return {sub for child in cls.__subclasses__() for sub in {child, *lean_classes(child)}}

    in_product = {cls for cls in lean_classes(Lean) if not cls.__module__.startswith("tests.")}
    assert in_product == {cls for cls, _, _ in READS}


@pytest.mark.parametrize(("cls", "rows", "context"), READS, ids=[r[0].__name__ for r in READS])
def test_lean_renders_what_drf_renders(demo: None, cls: Any, rows: Any, context: Any) -> None:
    found = list(rows())
    assert len(found) >= 3, "the demo should give this serializer rows to render"
    for row in found:
        serializer = cls(row, context=context)
        assert serializer.data == _stock(cls(row, context=context), row)


def test_agenda_positions_come_from_each_request(demo: None) -> None:
    items = list(_agenda_items()[:2])
    first, second = items[0], items[1]
    asked = {first.pk: 1, second.pk: 2}
    other = {first.pk: 7}
    rendered = AgendaItemSerializer(items, many=True, context={"positions": asked}).data
    again = AgendaItemSerializer(items, many=True, context={"positions": other}).data
    assert [row["position"] for row in rendered] == [1, 2]
    assert [row["position"] for row in again] == [7, None]


def test_a_nested_serializer_that_reads_its_context_is_refused() -> None:
    class Asks(serializers.Serializer[Any]):
        note = serializers.SerializerMethodField()

        def get_note(self, row: Any) -> Any:
            return self.context.get("note")

    class Holds(Lean, serializers.Serializer[Any]):
        inner = Asks(source="*")

    with pytest.raises(ImproperlyConfigured, match=r"Holds\.inner\.note renders from its context"):
        _ = Holds({"x": 1}).data


def test_a_hyperlink_is_refused() -> None:
    class Links(Lean, serializers.Serializer[Any]):
        url = serializers.HyperlinkedIdentityField(view_name="case-detail")

    with pytest.raises(ImproperlyConfigured, match=r"Links\.url renders from the request"):
        _ = Links({"pk": 1}).data


def test_missing_links_answer_as_drf_does() -> None:
    """A default, a null, or the key left out, as DRF's own rendering decides."""

    class Row:
        def __init__(self, owner: Any) -> None:
            self.owner = owner

    class Owner:
        name = "Clinician 0007"

    class Shows(Lean, serializers.Serializer[Any]):
        owner_name = serializers.CharField(source="owner.name", read_only=True)
        owner_or_blank = serializers.CharField(source="owner.name", read_only=True, default="")
        owner_or_null = serializers.CharField(source="owner.name", read_only=True, allow_null=True)

    for row in (Row(Owner()), Row(None)):
        assert Shows(row).data == _stock(Shows(row), row)
    assert Shows(Row(None)).data == {"owner_or_blank": "", "owner_or_null": None}
