from __future__ import annotations

from typing import Any

from rest_framework import serializers

from consultteam.audit.models import AuditEvent
from consultteam.lean import Lean
from consultteam.web.api import ApiModelSerializer


class AuditEventSerializer(Lean, ApiModelSerializer[Any]):
    """An event, or a row of consultteam/audit/trail.py (a dict)."""

    actor = serializers.UUIDField(source="actor.public_id", read_only=True, allow_null=True)
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default="")
    team = serializers.UUIDField(source="team.public_id", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "action",
            "actor",
            "actor_name",
            "object_type",
            "object_id",
            "team",
            "fields",
            "request_id",
            "ip",
        ]
        read_only_fields = fields
