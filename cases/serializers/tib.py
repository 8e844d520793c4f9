"""The TIB log in the API: an entry's shape, and what logging or correcting one takes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.choices import (
    Actor,
    Setting,
    TIBCategory,
    TIBStatus,
)
from cases.models import (
    LONG_TEXT,
    TIBEntry,
)
from cases.serializers.fields import (
    CitedCodes,
    citations_field,
    text_field,
)
from consultteam.lean import Lean
from consultteam.web.api import ApiModelSerializer, EnumField, Input, identifier_override_field


class TIBEntrySerializer(Lean, ApiModelSerializer[Any]):
    """An entry, or a row of cases/tib_list.py (a dict)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True, allow_null=True)
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    author = serializers.UUIDField(source="author.public_id", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    actor = EnumField(Actor, read_only=True)
    category = EnumField(TIBCategory, read_only=True)
    setting = EnumField(Setting, read_only=True)
    status = EnumField(TIBStatus, read_only=True)
    chain_analysis = serializers.UUIDField(
        source="chain_analysis.public_id", read_only=True, allow_null=True
    )
    # Expects `assumptions` and `agreements` prefetched.
    assumptions = CitedCodes()
    agreements = CitedCodes()

    class Meta:
        model = TIBEntry
        fields = [
            "id",
            "team",
            "case",
            "case_code",
            "author",
            "author_name",
            "actor",
            "category",
            "setting",
            "description",
            "occurred_on",
            "count",
            "status",
            "shared_with_team",
            "chain_analysis",
            "assumptions",
            "agreements",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TIBLoggedSerializer(TIBEntrySerializer):
    """A freshly logged entry, with the warning the log gave (missed sessions), if any."""

    warning = serializers.SerializerMethodField()

    class Meta(TIBEntrySerializer.Meta):
        fields = [*TIBEntrySerializer.Meta.fields, "warning"]
        read_only_fields = fields

    def get_warning(self, entry: TIBEntry) -> str | None:
        warning = self.context.get("warning")
        return warning if isinstance(warning, str) else None


class TIBLogInput(Input):
    team = serializers.UUIDField(
        required=False, help_text="The team's id. For a client's TIB, the case's team is used."
    )
    case = serializers.UUIDField(
        required=False, allow_null=True, help_text="The case's id: for a client's TIB only."
    )
    actor = EnumField(Actor)
    category = EnumField(TIBCategory)
    setting = EnumField(Setting)
    description = text_field(LONG_TEXT)
    occurred_on = serializers.DateField()
    count = serializers.IntegerField(min_value=1, max_value=99, default=1)
    status = EnumField(TIBStatus, default=TIBStatus.OPEN)
    assumptions = citations_field("assumptions")
    agreements = citations_field("agreements")
    identifier_override = identifier_override_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("team") is None and attrs.get("case") is None:
            raise serializers.ValidationError(
                {"team": "Name the team (or, for a client, the case)."}
            )
        return attrs


class TIBUpdateInput(Input):
    category = EnumField(TIBCategory, required=False)
    setting = EnumField(Setting, required=False)
    description = text_field(LONG_TEXT, required=False)
    occurred_on = serializers.DateField(required=False)
    count = serializers.IntegerField(min_value=1, max_value=99, required=False)
    status = EnumField(TIBStatus, required=False)
    assumptions = citations_field("assumptions")
    agreements = citations_field("agreements")
    identifier_override = identifier_override_field()
