"""Cases in the API, known by a random code. Reading a detail is audited as VIEW."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import services
from cases.api.common import active_person, team_named
from cases.case_list import COMPILED_FILTERS, case_page
from cases.filters import CaseFilter, cleaned, filter_cases
from cases.models import Case
from cases.permissions import (
    can_change_case,
    can_list_cases,
    can_manage_case_access,
    can_open_case,
    can_view_case,
    reads_case_record,
)
from cases.querysets import co_therapist_ids
from cases.selectors import emergency_id
from cases.serializers import (
    AttendedInput,
    CaseDetailSerializer,
    CaseOpenInput,
    CaseSerializer,
    CaseUpdateInput,
    CoTherapistInput,
)
from consultteam.access import ActionRules
from consultteam.accounts.models import User
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.pagination import NewestFirst, PagedRead
from consultteam.reads import only_shown
from consultteam.web.api import REFUSED, UUID_PATTERN, path_uuid, person
from consultteam.web.rules import checked_by_service, seen_through_lookup


@extend_schema(tags=["cases"])
class CaseViewSet(viewsets.GenericViewSet[Case]):
    """Cases, known by a random code. Every active member of the team reads them."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_cases,
        # The team comes in the body.
        "create": checked_by_service(can_open_case),
        "retrieve": seen_through_lookup(can_view_case),
        "partial_update": can_change_case,
        "attended": can_change_case,
        "co_therapist_add": can_manage_case_access,
        "co_therapist_remove": can_manage_case_access,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "case_id"
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Case]:
        cases = Case.objects.visible_to(self.request.user).select_related(
            "team", "primary_therapist"
        )
        if self.action == "list":
            return only_shown(
                cases,
                "team__public_id",
                "primary_therapist__public_id",
                "primary_therapist__display_name",
            )
        return cases.prefetch_related("missed_sessions")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Case]]:
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def _detail(self, case: Case, *, reload: bool = True) -> dict[str, Any]:
        """The case with its tallies and co-therapists, read again after a write."""
        fresh = self.get_queryset().get(pk=case.pk) if reload else case
        co_therapists = User.objects.filter(pk__in=co_therapist_ids(case.pk)).order_by(
            "display_name"
        )
        context = {
            "co_therapists": co_therapists,
            "reads_record": reads_case_record(person(self.request), case),
        }
        return dict(CaseDetailSerializer(fresh, context=context).data)

    @extend_schema(parameters=[CaseFilter])
    def list(self, request: Request) -> Response:
        """Cases you can see, newest first."""
        params = cleaned(CaseFilter, request.query_params.dict())
        if params.keys() <= COMPILED_FILTERS:  # one compiled statement (cases/case_list.py)
            rows: Any = PagedRead(case_page, person=person(request).pk, mine=params.get("mine"))
        else:
            rows = filter_cases(self.get_queryset(), params, person=person(request).pk)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(request=CaseOpenInput, responses={201: CaseDetailSerializer, 403: REFUSED})
    def create(self, request: Request) -> Response:
        """Open a case with a fresh random code."""
        body = CaseOpenInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        therapist_id = data.get("primary_therapist")
        case = services.case_open(
            team=team_named(request.user, data["team"], None),
            by=person(request),
            opened=data["opened"],
            stage=data["stage"],
            primary_therapist=(
                active_person(therapist_id, "primary_therapist") if therapist_id else None
            ),
        )
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, case_id: str) -> Response:
        """One case. Audited as a view."""
        case = self.get_object()
        audit_record(
            action=Action.VIEW,
            obj=case,
            team=case.team,
            emergency_access=emergency_id(request.user, case),
        )
        return Response(self._detail(case, reload=False))

    @extend_schema(request=CaseUpdateInput, responses={200: CaseDetailSerializer, 403: REFUSED})
    def partial_update(self, request: Request, case_id: str) -> Response:
        """Change the stage, the status or the months opened and closed."""
        case = self.get_object()
        body = CaseUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.case_update(case=case, by=person(request), changes=body.validated_data)
        return Response(self._detail(case))

    @extend_schema(request=AttendedInput, responses={200: CaseDetailSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def attended(self, request: Request, case_id: str) -> Response:
        """The client came to a session of this mode: its missed-in-a-row tally starts again."""
        case = self.get_object()
        body = AttendedInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.case_session_attended(
            case=case, mode=body.validated_data["mode"], by=person(request)
        )
        return Response(self._detail(case))

    @extend_schema(request=CoTherapistInput, responses={200: CaseDetailSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"], url_path="co-therapists", url_name="co-therapists")
    def co_therapist_add(self, request: Request, case_id: str) -> Response:
        """Let a person (perhaps from another team) co-treat this case. Safe to repeat."""
        case = self.get_object()
        body = CoTherapistInput(data=request.data)
        body.is_valid(raise_exception=True)
        therapist = active_person(body.validated_data["user"], "user")
        services.case_co_therapist_add(case=case, therapist=therapist, by=person(request))
        return Response(self._detail(case))

    @extend_schema(
        parameters=[path_uuid("user_id", "The co-therapist's id.")],
        request=None,
        responses={200: CaseDetailSerializer, 403: REFUSED},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"co-therapists/(?P<user_id>{UUID_PATTERN})",
        url_name="co-therapist-detail",
    )
    def co_therapist_remove(self, request: Request, case_id: str, user_id: str) -> Response:
        """Withdraw a co-therapist's access to this case. Safe to repeat."""
        case = self.get_object()
        therapist = generics.get_object_or_404(User.objects.all(), public_id=user_id)
        services.case_co_therapist_remove(case=case, therapist=therapist, by=person(request))
        return Response(self._detail(case))
