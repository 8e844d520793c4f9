"""Request bodies of starting a team, changing its settings and changing a member's role, and
the query of a team's roster.
Validation of shape only: what makes a setting acceptable is the services' (setup.py, roles.py).
"""

from __future__ import annotations

from rest_framework import serializers

from consultteam.queryparams import QueryParams
from consultteam.teams.models import Cadence, Role, Weekday
from consultteam.teams.setup import LONGEST_CUTOFF_HOURS, LONGEST_MEETING, SHORTEST_MEETING
from consultteam.web.api import Input, LocalTimeField


class TeamChangeInput(Input):
    """Any of a team's settings; those left out stay as they are."""

    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        help_text="An IANA time zone name, such as Europe/Berlin; meetings are planned in it.",
    )
    # Plain choices, not EnumField: the schema then shares the enums of the team and membership
    # shapes (CadenceEnum, RoleEnum) instead of naming a second one alike.
    cadence = serializers.ChoiceField(choices=Cadence.choices, required=False)
    meeting_weekday = serializers.ChoiceField(
        choices=Weekday.choices, required=False, help_text="0 is Monday, 6 Sunday."
    )
    meeting_start = LocalTimeField(required=False)
    meeting_minutes = serializers.IntegerField(
        required=False,
        help_text=f"How long the meeting runs: {SHORTEST_MEETING} to {LONGEST_MEETING} minutes.",
    )
    agenda_cutoff_hours = serializers.IntegerField(
        required=False,
        help_text=(
            "Items submitted later than this many hours before the meeting go to the next one "
            f"(0 to {LONGEST_CUTOFF_HOURS})."
        ),
    )


class TeamCreateInput(TeamChangeInput):
    """A new team and the account of its first leader. Settings left out take their defaults:
    weekly on Wednesdays at 09:00 UTC, 90 minutes, agenda closing 24 hours before."""

    name = serializers.CharField(max_length=120, allow_blank=True)
    leader_email = serializers.EmailField(
        help_text="The email the team's first leader signs in with (an active account)."
    )


class MemberRoleInput(Input):
    role = serializers.ChoiceField(choices=Role.choices)


class RosterQuery(QueryParams):
    """Which of a team's members `GET /api/v1/teams/{id}/members/` lists."""

    members = serializers.ChoiceField(
        choices=[
            ("current", "current: active members with an active account"),
            ("former", "former: those who left, with the day they left"),
            ("all", "all: both"),
        ],
        default="current",
        required=False,
    )
