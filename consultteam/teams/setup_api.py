"""Starting a team (`POST /api/v1/teams/`) and changing its settings
(`PATCH /api/v1/teams/{id}/`): the write actions of `api.TeamViewSet`, through setup.py."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from consultteam.accounts.models import User
from consultteam.teams import setup
from consultteam.teams.serializers import TeamSerializer
from consultteam.teams.setup_serializers import TeamChangeInput, TeamCreateInput


def _person(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # ActionRules let only active, signed-in people this far
    return user


class TeamSetupActions:
    """`create` and `partial_update` for a team viewset (mixed into `api.TeamViewSet`, whose
    rules name who may do each). There is no PUT: a change names only what it changes."""

    get_object: Any

    @extend_schema(
        summary="Start a team and appoint its first leader (administrators)",
        request=TeamCreateInput,
        responses={
            201: TeamSerializer,
            400: OpenApiResponse(
                description=(
                    "A setting is not acceptable (unknown time zone, a name another team has, "
                    "a length out of range) or no active account has the leader's email."
                )
            ),
            403: OpenApiResponse(description="Only an administrator starts a team."),
        },
    )
    def create(self, request: Request) -> Response:
        body = TeamCreateInput(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        leader = setup.leader_by_email(values.pop("leader_email"))
        team = setup.team_create(by=_person(request), leader=leader, **values)
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a team's settings (its leader, or an administrator)",
        request=TeamChangeInput,
        responses={
            200: TeamSerializer,
            400: OpenApiResponse(
                description="A setting is not acceptable: the answer names each and why."
            ),
            403: OpenApiResponse(description="You see the team, but only its leader changes it."),
        },
    )
    def partial_update(self, request: Request, team_id: str) -> Response:
        team = self.get_object()
        body = TeamChangeInput(data=request.data)
        body.is_valid(raise_exception=True)
        team = setup.team_change(team=team, by=_person(request), changes=body.validated_data)
        return Response(TeamSerializer(team).data)
