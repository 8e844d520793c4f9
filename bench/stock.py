"""Stock-DRF twins of the API's hot paths: what a team would write with DRF's generic views and
ModelSerializer over the same `visible_to`, for bench/api.py to time side by side (bench-only,
mounted by bench/http_urls.py under /api/bench/stock/, never by the product).

Each twin answers the same rows with the same fields as the product's endpoint, authenticated
and permitted by the product's own defaults (token, second factor, `IsAuthenticated`), with the
select_related / prefetch_related a careful team would add, and the same audit line on a read
of clinical text. What it does not have is the product's own speed-ups: lean serializers, compiled
reads, citations as plain lists, the audit trail's key lookup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agendas import services as agenda_services
from agendas.models import AgendaItem, Meeting
from cases.models import Case, ChainAnalysis, ChainConsequence, ChainLink, TIBEntry
from cases.selectors import emergency_id
from consultteam.audit.models import Action, AuditEvent
from consultteam.audit.services import audit_record
from consultteam.pagination import NewestFirst


def _public_id(**kwargs: Any) -> serializers.SlugRelatedField[Any]:
    """A related row named by its public id (the field's own name is the relation)."""
    return serializers.SlugRelatedField(slug_field="public_id", read_only=True, **kwargs)


def _codes() -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)


# --- A therapist's caseload ---------------------------------------------------------------------


class StockCaseSerializer(serializers.ModelSerializer[Case]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    team = _public_id()
    primary_therapist = _public_id()
    primary_therapist_name = serializers.CharField(
        source="primary_therapist.display_name", read_only=True
    )

    class Meta:
        model = Case
        fields = [
            "id", "code", "team", "primary_therapist", "primary_therapist_name", "stage",
            "status", "opened", "closed",
        ]  # fmt: skip


class StockCaseList(generics.ListAPIView[Case]):
    serializer_class = StockCaseSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Case]:
        cases = Case.objects.visible_to(self.request.user)
        if self.request.query_params.get("mine") == "true":
            cases = cases.filter(primary_therapist_id=self.request.user.pk)
        return cases.select_related("team", "primary_therapist")


# --- A case's TIB history -----------------------------------------------------------------------


class StockTIBEntrySerializer(serializers.ModelSerializer[TIBEntry]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    team = _public_id()
    case = _public_id(allow_null=True)
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    author = _public_id()
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    chain_analysis = _public_id(allow_null=True)
    assumptions = _codes()
    agreements = _codes()

    class Meta:
        model = TIBEntry
        fields = [
            "id", "team", "case", "case_code", "author", "author_name", "actor", "category",
            "setting", "description", "occurred_on", "count", "status", "shared_with_team",
            "chain_analysis", "assumptions", "agreements", "created_at", "updated_at",
        ]  # fmt: skip


class StockTIBEntryList(generics.ListAPIView[TIBEntry]):
    serializer_class = StockTIBEntrySerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[TIBEntry]:
        entries = TIBEntry.objects.visible_to(self.request.user)
        if case := self.request.query_params.get("case"):
            entries = entries.filter(case__public_id=case)
        return entries.select_related("team", "case", "author", "chain_analysis").prefetch_related(
            "assumptions", "agreements"
        )


# --- A chain analysis with its links ------------------------------------------------------------


class StockChainLinkSerializer(serializers.ModelSerializer[ChainLink]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = ChainLink
        fields = [
            "id", "position", "kind", "description", "intensity", "solution_type",
            "skill_module", "replacement_behavior",
        ]  # fmt: skip


class StockChainConsequenceSerializer(serializers.ModelSerializer[ChainConsequence]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = ChainConsequence
        fields = ["id", "description", "timing", "locus"]


class StockChainSerializer(serializers.ModelSerializer[ChainAnalysis]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    team = _public_id()
    case = _public_id(allow_null=True)
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    author = _public_id()
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    assumptions = _codes()
    agreements = _codes()
    links = StockChainLinkSerializer(many=True, read_only=True)
    consequences = StockChainConsequenceSerializer(many=True, read_only=True)

    class Meta:
        model = ChainAnalysis
        fields = [
            "id", "version", "team", "case", "case_code", "author", "author_name", "subject",
            "kind", "target_level", "status", "problem_behavior", "behavior_on", "intensity",
            "assumptions", "agreements", "prompting_event", "prompting_event_started",
            "vulnerabilities", "vulnerability_notes", "links", "consequences",
            "prevention_plan", "repair", "commitment", "knew_what_was_needed",
            "knowing_barrier", "was_willing", "willingness_barrier", "thought_occurred",
            "thought_barrier", "what_got_in_the_way", "problem_solving_plan", "created_at",
            "updated_at",
        ]  # fmt: skip


class StockChainDetail(generics.RetrieveAPIView[ChainAnalysis]):
    serializer_class = StockChainSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "chain_id"

    def get_queryset(self) -> QuerySet[ChainAnalysis]:
        return (
            ChainAnalysis.objects.visible_to(self.request.user)
            .select_related("team", "case", "author")
            .prefetch_related(
                "assumptions",
                "agreements",
                Prefetch("links", ChainLink.objects.order_by("position")),
                Prefetch("consequences", ChainConsequence.objects.order_by("id")),
            )
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        chain = self.get_object()
        audit_record(
            action=Action.VIEW,
            obj=chain,
            team=chain.team,
            emergency_access=emergency_id(request.user, chain.case),
        )
        return Response(self.get_serializer(chain).data)


# --- The next meeting's agenda ------------------------------------------------------------------


class StockAgendaItemSerializer(serializers.ModelSerializer[AgendaItem]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    meeting = _public_id()
    submitter = _public_id()
    submitter_name = serializers.CharField(source="submitter.display_name", read_only=True)
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    tib_entry = _public_id(allow_null=True)
    chain_analysis = _public_id(allow_null=True)
    carried_from = _public_id(allow_null=True)
    carried_from_date = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id", "meeting", "submitter", "submitter_name", "case_code", "tib_entry",
            "chain_analysis", "section", "item_type", "target_level", "urgency", "help_wanted",
            "title", "question", "minutes_requested", "status", "flagged_for_leader",
            "carried_from", "carried_from_date", "actual_minutes", "outcome", "position",
            "position_override", "move_reason", "submitted_at", "updated_at",
        ]  # fmt: skip

    def get_carried_from_date(self, item: AgendaItem) -> str | None:
        if item.carried_from is None:
            return None
        return item.carried_from.meeting.local_start().date().isoformat()

    def get_position(self, item: AgendaItem) -> int | None:
        position = self.context["positions"].get(item.pk)
        return position if isinstance(position, int) else None


class StockAgenda(generics.GenericAPIView[Meeting]):
    lookup_field = "public_id"
    lookup_url_kwarg = "meeting_id"

    def get_queryset(self) -> QuerySet[Meeting]:
        return Meeting.objects.visible_to(self.request.user).select_related("team")

    def get(self, request: Request, meeting_id: str) -> Response:
        meeting = self.get_object()
        joined = ("meeting", "submitter", "case", "tib_entry", "chain_analysis")
        items = list(meeting.agenda_items.select_related(*joined, "carried_from__meeting__team"))
        agenda = agenda_services.agenda_for(meeting, items)
        positions = {item.pk: place for place, item in enumerate(agenda.items, start=1)}
        waiting = {item.pk for item in agenda.items}
        settled = sorted(
            (item for item in items if item.pk not in waiting),
            key=agenda_services.agenda.order_key,
        )
        context = {"positions": positions}
        audit_record(action=Action.VIEW, obj=meeting, team=meeting.team, fields=["agenda"])
        return Response(
            {
                "meeting": str(meeting.public_id),
                "items": StockAgendaItemSerializer(agenda.items, many=True, context=context).data,
                "settled": StockAgendaItemSerializer(settled, many=True, context=context).data,
                "minutes_requested": agenda.minutes_requested,
                "meeting_minutes": agenda.meeting_minutes,
                "over_by": agenda.over_by,
                "will_not_fit": [str(item.public_id) for item in agenda.will_not_fit],
                "warning": agenda.warning,
            }
        )


# --- The audit trail of a team over a quarter ---------------------------------------------------


class StockAuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = _public_id(allow_null=True)
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default="")
    team = _public_id(allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "action", "actor", "actor_name", "object_type", "object_id", "team",
            "fields", "request_id", "ip",
        ]  # fmt: skip


class StockAuditList(generics.ListAPIView[AuditEvent]):
    serializer_class = StockAuditEventSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[AuditEvent]:
        events = AuditEvent.objects.visible_to(self.request.user)
        query = self.request.query_params
        if team := query.get("team"):
            events = events.filter(team__public_id=team)
        if since := query.get("since"):
            events = events.filter(at__date__gte=dt.date.fromisoformat(since))
        if until := query.get("until"):
            events = events.filter(at__date__lte=dt.date.fromisoformat(until))
        return events.select_related("actor", "team")


# --- The thinnest authenticated request ---------------------------------------------------------


class Thin(APIView):
    """A constant answer behind the product's authentication, second factor and permission: the
    fixed cost of an API request (bench/api.py counts its instructions)."""

    def get(self, request: Request) -> Response:
        return Response({"ok": True})
