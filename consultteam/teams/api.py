"""Teams in the API: reading them, and (setup_api.py) starting one and changing its settings."""

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
from consultteam.teams.permissions import (
    can_change_team,
    can_create_team,
    can_list_teams,
    can_view_team,
)
from consultteam.teams.serializers import MembershipSerializer, TeamSerializer
from consultteam.teams.setup_api import TeamSetupActions
from consultteam.teams.setup_serializers import RosterQuery


class TeamViewSet(TeamSetupActions, viewsets.ReadOnlyModelViewSet[Team]):
    serializer_class = TeamSerializer
    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_teams,
        "retrieve": can_view_team,
        "members": can_view_team,
        "create": can_create_team,
        "partial_update": can_change_team,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "team_id"

    def get_queryset(self) -> QuerySet[Team]:
        return Team.objects.visible_to(self.request.user).order_by("name")

    # The roster is a list: said so in the schema, which otherwise shows one membership.
    @extend_schema(parameters=[RosterQuery], responses={200: MembershipSerializer(many=True)})
    @action(detail=True, serializer_class=MembershipSerializer)
    def members(self, request: Request, team_id: str) -> Response:
        """The team's current roster; with `members=former` (or `all`) those who left, with
        the days they joined and left."""
        team = self.get_object()
        query = RosterQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        roster = Membership.objects.visible_to(request.user).filter(team=team)
        which = query.validated_data["members"]
        if which == "current":
            roster = roster.current()
        elif which == "former":
            roster = roster.filter(is_active=False)
        roster = roster.select_related("user").order_by("user__display_name")
        return Response(MembershipSerializer(roster, many=True).data)
