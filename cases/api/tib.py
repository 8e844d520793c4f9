"""The TIB log in the API: therapy-interfering behaviour, the client's, the therapist's own,
the team's. Reading a detail is audited as VIEW."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import services
from cases.api.common import RECORD_JOINS, take_override, team_named
from cases.filters import TIBFilter, cleaned, filter_tib_entries
from cases.models import TIBEntry
from cases.permissions import can_change_tib, can_list_cases, can_log_tib, can_view_tib
from cases.selectors import case_named, emergency_id
from cases.serializers import (
    TIBEntrySerializer,
    TIBLoggedSerializer,
    TIBLogInput,
    TIBUpdateInput,
    with_citations,
)
from cases.tib_list import case_tib_page, tib_page
from consultteam.access import ActionRules
from consultteam.audit.models import Action
from consultteam.audit.services import audit_list_read, audit_record
from consultteam.pagination import NewestFirst, PagedRead
from consultteam.reads import only_shown
from consultteam.web.api import REFUSED, person
from consultteam.web.rules import checked_by_service, seen_through_lookup


@extend_schema(tags=["tib-entries"])
class TIBEntryViewSet(viewsets.GenericViewSet[TIBEntry]):
    """Therapy-interfering behaviour: the client's, the therapist's own, the team's."""

    serializer_class = TIBEntrySerializer
    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_cases,
        # Team, actor and case come in the body.
        "create": checked_by_service(can_log_tib),
        "retrieve": seen_through_lookup(can_view_tib),
        "partial_update": can_change_tib,
        "share": can_change_tib,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "tib_id"
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[TIBEntry]:
        entries = with_citations(
            TIBEntry.objects.visible_to(self.request.user).select_related(
                "team", "case", "author", "chain_analysis"
            )
        )
        if self.action == "list":
            return only_shown(entries, *RECORD_JOINS, "chain_analysis__public_id")
        return entries

    def _detail(self, entry: TIBEntry) -> dict[str, Any]:
        return dict(TIBEntrySerializer(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(parameters=[TIBFilter])
    def list(self, request: Request) -> Response:
        """TIB entries you can see, newest first."""
        params = cleaned(TIBFilter, request.query_params.dict())
        me = person(request).pk
        rows: Any
        if not params:  # one compiled statement a page (cases/tib_list.py)
            rows = PagedRead(tib_page, person=me)
        elif params.keys() == {"case"}:
            rows = PagedRead(case_tib_page, person=me, case=params["case"])
        else:
            rows = filter_tib_entries(self.get_queryset(), params)
        page = self.paginate_queryset(rows)
        shown = TIBEntrySerializer(page, many=True).data
        audit_list_read(TIBEntry, (entry["id"] for entry in shown))
        return self.get_paginated_response(shown)

    @extend_schema(request=TIBLogInput, responses={201: TIBLoggedSerializer, 403: REFUSED})
    def create(self, request: Request) -> Response:
        """Log an entry. A client's third missed session in a row comes back with a warning."""
        body = TIBLogInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = case_named(request.user, data.pop("case", None))
        team = team_named(request.user, data.pop("team", None), case)
        override = take_override(data)
        logged = services.tib_log(
            by=person(request), team=team, case=case, identifier_override=override, **data
        )
        entry = self.get_queryset().get(pk=logged.entry.pk)
        body_out = TIBLoggedSerializer(entry, context={"warning": logged.warning}).data
        return Response(body_out, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, tib_id: str) -> Response:
        """One entry. Audited as a view."""
        entry = self.get_object()
        audit_record(
            action=Action.VIEW,
            obj=entry,
            team=entry.team,
            emergency_access=emergency_id(request.user, entry.case),
        )
        return Response(TIBEntrySerializer(entry).data)

    @extend_schema(request=TIBUpdateInput, responses={200: TIBEntrySerializer, 403: REFUSED})
    def partial_update(self, request: Request, tib_id: str) -> Response:
        """Correct an entry or move its status along."""
        entry = self.get_object()
        body = TIBUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        override = take_override(changes)
        services.tib_update(
            entry=entry, by=person(request), changes=changes, identifier_override=override
        )
        return Response(self._detail(entry))

    @extend_schema(request=None, responses={200: TIBEntrySerializer, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def share(self, request: Request, tib_id: str) -> Response:
        """Bring the entry to team: teammates may read it from now on. Safe to repeat."""
        entry = self.get_object()
        services.tib_share_with_team(entry=entry, by=person(request))
        return Response(self._detail(entry))
