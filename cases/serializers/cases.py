"""Cases in the API: their shape, and what opening or changing one takes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import (
    SESSION_MODES,
    CaseStatus,
    Stage,
)
from cases.models import (
    Case,
)
from cases.serializers.fields import (
    MonthField,
)
from consultteam.lean import Lean
from consultteam.web.api import ApiModelSerializer, EnumField, Input


class CaseSerializer(Lean, ApiModelSerializer[Any]):
    """A line of the caseload: a case, or a row of cases/case_list.py (a dict)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    primary_therapist = serializers.UUIDField(source="primary_therapist.public_id", read_only=True)
    primary_therapist_name = serializers.CharField(
        source="primary_therapist.display_name", read_only=True
    )
    stage = EnumField(Stage, read_only=True)
    status = EnumField(CaseStatus, read_only=True)
    opened = MonthField(read_only=True)
    closed = MonthField(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "code",
            "team",
            "primary_therapist",
            "primary_therapist_name",
            "stage",
            "status",
            "opened",
            "closed",
        ]
        read_only_fields = fields


class MissedInARowSerializer(serializers.Serializer[dict[str, int]]):
    """Sessions missed in a row, per mode with scheduled sessions (0 when none)."""

    INDIVIDUAL_SESSION = serializers.IntegerField(read_only=True)
    SKILLS_GROUP = serializers.IntegerField(read_only=True)


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    display_name = serializers.CharField(read_only=True)


class CaseDetailSerializer(CaseSerializer):
    """A case with its missed-session tallies and co-therapists. Expects `missed_sessions`
    prefetched, the co-therapists (people) in the context's `co_therapists`, and whether the
    reader reads the case's whole client record in `reads_record`."""

    missed_in_a_row = serializers.SerializerMethodField(
        help_text="Sessions missed in a row, by mode: counted from every TIB entry of the "
        "case, so null for a reader who does not read them all."
    )
    co_therapists = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "missed_in_a_row", "co_therapists"]
        read_only_fields = fields

    @extend_schema_field(MissedInARowSerializer(allow_null=True))
    def get_missed_in_a_row(self, case: Case) -> dict[str, int] | None:
        if not self.context.get("reads_record"):
            return None
        tallies = {mode.value: 0 for mode in SESSION_MODES}
        for tally in case.missed_sessions.all():
            tallies[tally.mode] = tally.in_a_row
        return tallies

    @extend_schema_field(PersonSerializer(many=True))
    def get_co_therapists(self, case: Case) -> Any:
        return PersonSerializer(self.context.get("co_therapists", []), many=True).data


class CaseOpenInput(Input):
    team = serializers.UUIDField(help_text="The team's id.")
    opened = MonthField()
    stage = EnumField(Stage, default=Stage.PRETREATMENT)
    primary_therapist = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The person's id. Defaults to you; only the team leader may name another.",
    )


class CaseUpdateInput(Input):
    stage = EnumField(Stage, required=False)
    status = EnumField(CaseStatus, required=False)
    opened = MonthField(required=False)
    closed = MonthField(required=False, allow_null=True)


class AttendedInput(Input):
    mode = serializers.ChoiceField(choices=[(mode.value, mode.label) for mode in SESSION_MODES])


class CoTherapistInput(Input):
    user = serializers.UUIDField(help_text="The id of the person who will co-treat the case.")
