"""Emergency (break-glass) access in the API: open one on a case of another team, and the
review list. The person opening it cannot see the case: they name it by its team and code."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import services
from cases.models import EmergencyAccess
from cases.permissions import (
    can_list_emergency_accesses,
    can_open_emergency_access,
    can_review_emergency_access,
    emergency_team_ids,
)
from cases.selectors import case_coded, emergency_accesses_to_review
from cases.serializers.emergency import (
    EmergencyAccessSerializer,
    EmergencyOpenInput,
    EmergencyReviewInput,
)
from consultteam.access import ActionRules
from consultteam.teams.models import Team
from consultteam.web.api import invalid, one_named, person

REFUSED = OpenApiResponse(description="Your role cannot take this step.")


@extend_schema(tags=["emergency access"])
class EmergencyAccessViewSet(viewsets.GenericViewSet[EmergencyAccess]):
    """Emergency (break-glass) access: open one on a case you cannot see (someone on call
    across teams), and the review list (team leaders of the case's team, staff)."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_emergency_accesses,
        "create": can_open_emergency_access,
        "review": can_review_emergency_access,
    }
    serializer_class = EmergencyAccessSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "access_id"
    pagination_class = None

    def get_queryset(self) -> QuerySet[EmergencyAccess]:
        return emergency_accesses_to_review(self.request.user)

    def list(self, request: Request) -> Response:
        """Emergency accesses waiting for review, newest first."""
        waiting = self.get_queryset().filter(reviewed_at__isnull=True)
        return Response(EmergencyAccessSerializer(waiting, many=True).data)

    @extend_schema(
        request=EmergencyOpenInput, responses={201: EmergencyAccessSerializer, 403: REFUSED}
    )
    def create(self, request: Request) -> Response:
        """Open an emergency access to a case of another team for `BREAK_GLASS_HOURS`."""
        body = EmergencyOpenInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # Among the teams whose cases they may break into (not a team they see: the opener
        # is not on the case's team when on call across teams).
        teams = Team.objects.filter(pk__in=emergency_team_ids(person(request)))
        team = one_named(teams, data["team"], field="team", what="team")
        case = case_coded(team, data["code"])
        if case is None:
            raise invalid("code", "There is no case with this code.")
        access = services.emergency_access_open(
            case=case,
            by=person(request),
            reason=data["reason"],
            review_link=request.build_absolute_uri(reverse("emergency-review")),
        )
        return Response(EmergencyAccessSerializer(access).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EmergencyReviewInput, responses={200: EmergencyAccessSerializer, 403: REFUSED}
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, access_id: str) -> Response:
        """Mark it reviewed (a second person: never its opener). Safe to repeat."""
        access = self.get_object()
        body = EmergencyReviewInput(data=request.data)
        body.is_valid(raise_exception=True)
        access = services.emergency_access_review(
            access=access, by=person(request), note=body.validated_data["note"]
        )
        return Response(EmergencyAccessSerializer(access).data)
