"""Teams in the API: read-only here; teams and rosters are managed in the admin."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from consultteam.access import ActionRules
from consultteam.teams.models import Membership, Team
from consultteam.teams.permissions import can_list_teams, can_view_team
from consultteam.teams.serializers import MembershipSerializer, TeamSerializer


class TeamViewSet(viewsets.ReadOnlyModelViewSet[Team]):
    serializer_class = TeamSerializer
    permission_classes = [ActionRules]
    rules: ClassVar = {"list": can_list_teams, "retrieve": can_view_team, "members": can_view_team}
    lookup_field = "public_id"
    lookup_url_kwarg = "team_id"

    def get_queryset(self) -> QuerySet[Team]:
        return Team.objects.visible_to(self.request.user).order_by("name")

    # The roster is a list: said so in the schema, which otherwise shows one membership.
    @extend_schema(responses={200: MembershipSerializer(many=True)})
    @action(detail=True, serializer_class=MembershipSerializer)
    def members(self, request: Request, team_id: str) -> Response:
        """The team's current roster."""
        team = self.get_object()
        roster = (
            Membership.objects.visible_to(request.user)
            .current()
            .filter(team=team)
            .select_related("user")
            .order_by("user__display_name")
        )
        return Response(MembershipSerializer(roster, many=True).data)
