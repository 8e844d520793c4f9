"""Emergency (break-glass) access in the API: an access's shape, and what opening or reviewing
one takes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.models import EmergencyAccess
from consultteam.web.api import ApiModelSerializer


class EmergencyAccessSerializer(ApiModelSerializer[EmergencyAccess]):
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
