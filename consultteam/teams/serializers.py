"""Shapes of teams and rosters in the API. Validation and rendering only."""

from __future__ import annotations

from rest_framework import serializers

from consultteam.teams.models import Membership, Team
from consultteam.web.api import ApiModelSerializer


class TeamSerializer(ApiModelSerializer[Team]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "time_zone",
            "cadence",
            "meeting_weekday",
            "meeting_start",
            "meeting_minutes",
            "agenda_cutoff_hours",
        ]
        read_only_fields = fields


class MembershipSerializer(ApiModelSerializer[Membership]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    user = serializers.UUIDField(source="user.public_id", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "display_name", "role", "is_active", "joined_on", "left_on"]
        read_only_fields = fields
