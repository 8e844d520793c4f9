"""Emergency (break-glass) access in the API: open one on a case of another team, and the
review list. The person opening it cannot see the case: they name it by its team and code."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import services
from cases.models import EmergencyAccess
from cases.permissions import (
    can_list_emergency_accesses,
    can_open_emergency_access,
    can_review_emergency_access,
)
from cases.selectors import case_coded, emergency_accesses_to_review
from consultteam.access import ActionRules
from consultteam.teams.models import Team
from consultteam.web.api import person

REFUSED = OpenApiResponse(description="Your role cannot take this step.")


class EmergencyAccessSerializer(serializers.ModelSerializer[EmergencyAccess]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_code = serializers.CharField(source="case.code", read_only=True)
    team = serializers.CharField(source="case.team.name", read_only=True)
    opened_by = serializers.CharField(source="user.display_name", read_only=True)
    reviewed_by = serializers.CharField(
        source="reviewed_by.display_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = EmergencyAccess
        fields = [
            "id",
            "case",
            "case_code",
            "team",
            "opened_by",
            "reason",
            "opened_at",
            "expires_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
        ]
        read_only_fields = fields


class EmergencyOpenInput(serializers.Serializer[Any]):
    team = serializers.UUIDField(help_text="The public id of the case's team.")
    code = serializers.CharField(max_length=12, help_text="The case code, e.g. C-7F3K9Q.")
    reason = serializers.CharField(help_text="Why, in at least a sentence.")


class EmergencyReviewInput(serializers.Serializer[Any]):
    note = serializers.CharField()


@extend_schema(tags=["emergency access"])
class EmergencyAccessViewSet(viewsets.GenericViewSet[EmergencyAccess]):
    """Emergency (break-glass) access: open one on a case you cannot see (team leaders and
    supervisors), and the review list (team leaders of the case's team, staff)."""

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
        team = Team.objects.filter(public_id=data["team"]).first()
        if team is None:
            raise serializers.ValidationError({"team": ["There is no team with this id."]})
        case = case_coded(team, data["code"])
        if case is None:
            raise serializers.ValidationError({"code": ["There is no case with this code."]})
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
