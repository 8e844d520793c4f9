"""How a team's meetings run, in the API: which roles rotate, where it meets. Anyone who can see
the team reads it; the team leader changes it (the service checks)."""

from __future__ import annotations

from typing import ClassVar

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agendas import services
from agendas.choices import LocationKind, MeetingRole
from agendas.links import validate_join_link
from agendas.models import TeamMeetingSettings
from agendas.permissions import can_plan_meetings
from consultteam.access import ActionRules
from consultteam.accounts.models import User
from consultteam.teams.models import Team
from consultteam.teams.permissions import can_view_team
from consultteam.web.api import EnumField, Input, LinkOrNoneField
from consultteam.web.rules import checked_by_service, seen_through_lookup

TEAM_ID = OpenApiParameter(
    "team_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The team's id."
)


class MeetingSettingsSerializer(serializers.Serializer[TeamMeetingSettings]):
    rotating_roles = serializers.ListField(
        child=EnumField(MeetingRole),
        help_text="The meeting roles that go round the members in turn, in the roles' order.",
    )
    location_kind = EnumField(LocationKind)
    join_link = LinkOrNoneField(
        allow_blank=True,
        validators=[validate_join_link],
        help_text="For video and hybrid meetings (required for them): an https link.",
    )


class MeetingSettingsInput(Input, MeetingSettingsSerializer):
    """A change: any of the settings, and nothing else (an unknown name is a 400)."""

    planned_too = serializers.BooleanField(
        required=False,
        help_text="Also move every meeting planned and not yet started to this place and "
        "link (subscribed calendars follow). Left out or false: only meetings planned from "
        "now on.",
    )


class TeamMeetingSettingsView(APIView):
    """GET: the settings (the defaults for a team that never changed them). PATCH: change any
    of them, for the meetings planned and rotated from now on (with `planned_too`, the place
    for those already planned as well); the team leader only (403)."""

    permission_classes = [ActionRules]
    # The team is found through the caller's teams (404 otherwise); the leader changes them.
    rules: ClassVar = {
        "get": seen_through_lookup(can_view_team),
        "patch": checked_by_service(can_plan_meetings),
    }

    def _team(self, request: Request, team_id: str) -> Team:
        team = Team.objects.visible_to(request.user).filter(public_id=team_id).first()
        if team is None:
            raise Http404
        return team

    @extend_schema(parameters=[TEAM_ID], responses={200: MeetingSettingsSerializer})
    def get(self, request: Request, team_id: str) -> Response:
        return Response(
            MeetingSettingsSerializer(
                services.meeting_settings_shown(self._team(request, team_id))
            ).data
        )

    @extend_schema(
        parameters=[TEAM_ID],
        request=MeetingSettingsInput,
        responses={200: MeetingSettingsSerializer},
    )
    def patch(self, request: Request, team_id: str) -> Response:
        team = self._team(request, team_id)
        body = MeetingSettingsInput(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        current = MeetingSettingsSerializer(services.meeting_settings_shown(team)).data
        assert isinstance(request.user, User)  # ActionRules let only an active person through
        saved = services.meeting_settings_update(
            team=team, by=request.user, **{**current, **body.validated_data}
        )
        return Response(MeetingSettingsSerializer(saved).data)
