"""Shapes of the meeting in the API: validation of what comes in, rendering of what goes out.
Nothing here writes: the views hand validated data to `agendas.services`.

A case appears by its code only; TIB entries and chain analyses by their ids (readers open them
through their own, access-checked routes). Observer flags are never rendered with the person
who raised them. Related objects are named by public ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agendas.choices import (
    ActionStatus,
    AttendanceStatus,
    FlagReason,
    HelpWanted,
    ItemStatus,
    ItemType,
    LocationKind,
    MeetingRole,
    MeetingStatus,
    RoleSource,
    Section,
    Urgency,
)
from agendas.links import validate_join_link
from agendas.models import (
    LONG_TEXT,
    MINUTES_TEXT,
    TITLE_TEXT,
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    ObserverFlag,
    RoleAssignment,
)
from cases.choices import TargetLevel
from consultteam.lean import Lean
from consultteam.queryparams import QueryParams
from consultteam.reference.models import AgreementCode
from consultteam.web.api import (
    ApiModelSerializer,
    EnumField,
    Input,
    LinkOrNoneField,
    UTCDateTimeField,
    identifier_override_field,
)

# --- Meetings -----------------------------------------------------------------------------------


class RoleAssignmentSerializer(ApiModelSerializer[RoleAssignment]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    role = EnumField(MeetingRole, read_only=True)
    member = serializers.UUIDField(source="member.public_id", read_only=True)
    member_name = serializers.CharField(source="member.display_name", read_only=True)
    # The serializer's metaclass takes declared fields off the class, so this does not
    # shadow `Field.source` at run time.
    source = EnumField(RoleSource, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "member", "member_name", "source"]
        read_only_fields = fields


class MeetingSerializer(ApiModelSerializer[Meeting]):
    """One meeting. Expects `team` and `agreement` fetched with it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    time_zone = serializers.CharField(source="team.time_zone", read_only=True)
    local_starts_at = serializers.SerializerMethodField(
        help_text="The start in the team's time zone, with its offset."
    )
    status = EnumField(MeetingStatus, read_only=True)
    location_kind = EnumField(LocationKind, read_only=True)
    agreement = serializers.CharField(source="agreement.code", read_only=True, allow_null=True)
    agreement_name = serializers.CharField(source="agreement.name", read_only=True, allow_null=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "version",
            "team",
            "team_name",
            "starts_at",
            "local_starts_at",
            "time_zone",
            "minutes",
            "status",
            "location_kind",
            "join_link",
            "agreement",
            "agreement_name",
            "completed_at",
        ]
        read_only_fields = fields

    def get_local_starts_at(self, meeting: Meeting) -> str:
        return meeting.local_start().isoformat()


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its minutes and roles. Expects `roles__member` prefetched."""

    roles = RoleAssignmentSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes_text", "roles"]
        read_only_fields = fields


class MeetingPlanInput(Input):
    team = serializers.UUIDField(help_text="The team's id.")
    weeks = serializers.IntegerField(min_value=1, max_value=52, default=8)


class MeetingFilter(QueryParams):
    team = serializers.UUIDField(required=False, help_text="Only this team's meetings.")


class MeetingUpdateInput(Input):
    version = serializers.IntegerField(
        min_value=1, help_text="The version of the meeting this change was made against."
    )
    minutes_text = serializers.CharField(max_length=MINUTES_TEXT, required=False, allow_blank=True)
    location_kind = EnumField(LocationKind, required=False)
    join_link = LinkOrNoneField(required=False, allow_blank=True, validators=[validate_join_link])
    minutes = serializers.IntegerField(min_value=15, max_value=240, required=False)
    identifier_override = identifier_override_field()


class MeetingRescheduleInput(Input):
    starts_at = UTCDateTimeField(help_text="The new start, with its offset.")
    minutes = serializers.IntegerField(min_value=15, max_value=240, required=False)
    version = serializers.IntegerField(min_value=1, required=False)


class MeetingCompleteInput(Input):
    minutes_text = serializers.CharField(
        max_length=MINUTES_TEXT,
        required=False,
        allow_blank=True,
        help_text="The final minutes (kept as they are if left out). Locked from now on.",
    )
    identifier_override = identifier_override_field()


# --- Roles and attendance -----------------------------------------------------------------------


class RoleSwapInput(Input):
    role = EnumField(MeetingRole)
    with_member = serializers.UUIDField(help_text="The id of the member who takes the role.")


class RoleAssignInput(Input):
    role = EnumField(MeetingRole)
    member = serializers.UUIDField(help_text="The id of the member who takes the role.")


class AttendanceSerializer(ApiModelSerializer[Attendance]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    member = serializers.UUIDField(source="member.public_id", read_only=True)
    member_name = serializers.CharField(source="member.display_name", read_only=True)
    status = EnumField(AttendanceStatus, read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "member", "member_name", "status", "notice_given_at"]
        read_only_fields = fields


class AttendanceInput(Input):
    member = serializers.UUIDField(
        required=False, help_text="The member's id; yourself if left out."
    )
    status = EnumField(
        AttendanceStatus,
        help_text="ABSENT_NOTIFIED sends notice of absence before the meeting; the others are "
        "recorded by whoever runs the meeting or takes its notes.",
    )


# --- Agenda items -------------------------------------------------------------------------------


class AgendaItemSerializer(Lean, ApiModelSerializer[Any]):
    """One item. Expects `case`, `submitter`, `tib_entry`, `chain_analysis` and
    `carried_from__meeting__team` fetched with it; `position` comes from the context's
    `positions` (its place on the agenda, or null when it is no longer waiting)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    meeting = serializers.UUIDField(source="meeting.public_id", read_only=True)
    submitter = serializers.UUIDField(source="submitter.public_id", read_only=True)
    submitter_name = serializers.CharField(source="submitter.display_name", read_only=True)
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    tib_entry = serializers.UUIDField(source="tib_entry.public_id", read_only=True, allow_null=True)
    chain_analysis = serializers.UUIDField(
        source="chain_analysis.public_id", read_only=True, allow_null=True
    )
    section = EnumField(Section, read_only=True)
    item_type = EnumField(ItemType, read_only=True)
    target_level = EnumField(TargetLevel, read_only=True)
    urgency = EnumField(Urgency, read_only=True)
    help_wanted = EnumField(HelpWanted, read_only=True)
    status = EnumField(ItemStatus, read_only=True)
    carried_from = serializers.UUIDField(
        source="carried_from.public_id", read_only=True, allow_null=True
    )
    carried_from_date = serializers.SerializerMethodField(
        help_text="The date (team's zone) of the meeting it was carried from."
    )
    position = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "submitter",
            "submitter_name",
            "case_code",
            "tib_entry",
            "chain_analysis",
            "section",
            "item_type",
            "target_level",
            "urgency",
            "help_wanted",
            "title",
            "question",
            "minutes_requested",
            "status",
            "flagged_for_leader",
            "carried_from",
            "carried_from_date",
            "actual_minutes",
            "outcome",
            "position",
            "position_override",
            "move_reason",
            "submitted_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_carried_from_date(self, item: AgendaItem) -> str | None:
        if item.carried_from is None:
            return None
        return item.carried_from.meeting.local_start().date().isoformat()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_position(self, item: AgendaItem) -> int | None:
        positions = self.context.get("positions", {})
        position = positions.get(item.pk)
        return position if isinstance(position, int) else None


class AgendaRowSerializer(AgendaItemSerializer):
    """One item rendered from its row of the agenda's compiled read (agendas/agenda_read.py),
    as `AgendaItemSerializer` renders the object: the same fields, the two it works out read
    by key."""

    def get_carried_from_date(self, row: Mapping[str, Any]) -> str | None:  # type: ignore[override]
        carried_from = row["carried_from"]
        if carried_from is None:
            return None
        meeting = carried_from["meeting"]
        starts_at: dt.datetime = meeting["starts_at"]
        return starts_at.astimezone(ZoneInfo(meeting["team"]["time_zone"])).date().isoformat()

    def get_position(self, row: Mapping[str, Any]) -> int | None:  # type: ignore[override]
        position = self.context.get("positions", {}).get(row["id"])
        return position if isinstance(position, int) else None


class AgendaItemSubmittedSerializer(AgendaItemSerializer):
    notice = serializers.SerializerMethodField(
        help_text="Where the item went when that is not where it was asked for."
    )

    class Meta(AgendaItemSerializer.Meta):
        fields = [*AgendaItemSerializer.Meta.fields, "notice"]
        read_only_fields = fields

    def get_notice(self, item: AgendaItem) -> str | None:
        notice = self.context.get("notice")
        return notice if isinstance(notice, str) else None


class AgendaSerializer(serializers.Serializer[Any]):
    """A meeting's agenda: waiting items in order, timed against the meeting's length."""

    meeting = serializers.UUIDField(source="meeting.public_id", read_only=True)
    items = AgendaItemSerializer(many=True, read_only=True)
    settled = AgendaItemSerializer(
        many=True, read_only=True, help_text="Items discussed, deferred, carried or withdrawn."
    )
    minutes_requested = serializers.IntegerField(read_only=True)
    meeting_minutes = serializers.IntegerField(read_only=True)
    over_by = serializers.IntegerField(read_only=True)
    will_not_fit = serializers.ListField(
        child=serializers.UUIDField(),
        read_only=True,
        help_text="Ids of the items that run past the meeting's end.",
    )
    warning = serializers.CharField(read_only=True, allow_null=True)


class AgendaItemFieldsInput(Input):
    section = EnumField(Section, required=False)
    item_type = EnumField(ItemType, required=False)
    target_level = EnumField(TargetLevel, required=False)
    urgency = EnumField(Urgency, required=False)
    help_wanted = EnumField(HelpWanted, required=False)
    title = serializers.CharField(max_length=TITLE_TEXT, required=False)
    question = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    minutes_requested = serializers.IntegerField(min_value=1, max_value=120, required=False)
    status = EnumField(ItemStatus, required=False)
    identifier_override = identifier_override_field()


class AgendaItemSubmitInput(AgendaItemFieldsInput):
    title = serializers.CharField(max_length=TITLE_TEXT)
    case = serializers.UUIDField(required=False, allow_null=True, help_text="The case's id.")
    tib_entry = serializers.UUIDField(
        required=False, allow_null=True, help_text="A TIB entry to bring (shares it with the team)."
    )
    chain_analysis = serializers.UUIDField(
        required=False, allow_null=True, help_text="A chain analysis ready for team."
    )


class AgendaItemMoveInput(Input):
    position = serializers.IntegerField(
        min_value=1, allow_null=True, help_text="1 is first; null puts it back in computed order."
    )
    reason = serializers.CharField(max_length=TITLE_TEXT, help_text="Shown to the team.")
    identifier_override = identifier_override_field()


class AgendaItemDiscussInput(Input):
    outcome = serializers.CharField(max_length=LONG_TEXT, allow_blank=True, default="")
    actual_minutes = serializers.IntegerField(
        min_value=0, max_value=240, required=False, allow_null=True
    )
    identifier_override = identifier_override_field()


# --- Action items and observer flags ------------------------------------------------------------


class ActionItemSerializer(ApiModelSerializer[ActionItem]):
    """Expects `meeting`, `owner`, `agenda_item`, `due_meeting` and `carried_from` fetched."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    meeting = serializers.UUIDField(source="meeting.public_id", read_only=True)
    agenda_item = serializers.UUIDField(
        source="agenda_item.public_id", read_only=True, allow_null=True
    )
    owner = serializers.UUIDField(source="owner.public_id", read_only=True)
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    due_meeting = serializers.UUIDField(
        source="due_meeting.public_id", read_only=True, allow_null=True
    )
    status = EnumField(ActionStatus, read_only=True)
    carried_from = serializers.UUIDField(
        source="carried_from.public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "agenda_item",
            "owner",
            "owner_name",
            "description",
            "due_meeting",
            "due_on",
            "status",
            "times_carried",
            "carried_from",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActionItemAddInput(Input):
    owner = serializers.UUIDField(help_text="The id of the member who owns it.")
    description = serializers.CharField(max_length=1000)
    agenda_item = serializers.UUIDField(required=False, allow_null=True)
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text="A date; the next meeting if left out."
    )
    identifier_override = identifier_override_field()


class ActionItemUpdateInput(Input):
    status = serializers.ChoiceField(
        choices=[
            (status.value, status.label)
            for status in (ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.DROPPED)
        ],
        required=False,
    )
    description = serializers.CharField(max_length=1000, required=False)
    owner = serializers.UUIDField(required=False)
    due_on = serializers.DateField(required=False, allow_null=True)
    identifier_override = identifier_override_field()


class ActionItemFilter(QueryParams):
    mine = serializers.BooleanField(required=False, help_text="Only actions you own.")
    status = EnumField(ActionStatus, required=False)
    meeting = serializers.UUIDField(required=False, help_text="The meeting's id.")


class ObserverFlagSerializer(ApiModelSerializer[ObserverFlag]):
    """A flag as its observer sees it just after raising it. No person is named."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    meeting = serializers.UUIDField(source="meeting.public_id", read_only=True)
    agenda_item = serializers.UUIDField(
        source="agenda_item.public_id", read_only=True, allow_null=True
    )
    reason = EnumField(FlagReason, read_only=True)
    agreement = serializers.CharField(source="agreement.code", read_only=True, allow_null=True)

    class Meta:
        model = ObserverFlag
        fields = [
            "id",
            "meeting",
            "agenda_item",
            "reason",
            "agreement",
            "acknowledged",
            "repair_note",
            "created_at",
        ]
        read_only_fields = fields


class ObserverFlagInput(Input):
    reason = EnumField(FlagReason)
    agreement = serializers.CharField(
        max_length=40,
        required=False,
        allow_null=True,
        help_text="The code of the agreement it concerns: " + ", ".join(AgreementCode.values),
    )
    agenda_item = serializers.UUIDField(required=False, allow_null=True)


class ObserverFlagAcknowledgeInput(Input):
    repair_note = serializers.CharField(
        max_length=1000, help_text="How the team repaired it, in a line that names no one."
    )
    identifier_override = identifier_override_field()


class ObserverSummaryQuery(QueryParams):
    since = serializers.DateField(required=False, help_text="Count meetings from this date.")


class ObserverSummarySerializer(serializers.Serializer[Any]):
    """How often each reason and agreement came up: the team's counts, never a person's."""

    team = serializers.UUIDField(source="team.public_id", read_only=True)
    since = serializers.DateField(read_only=True, allow_null=True)
    meetings = serializers.IntegerField(read_only=True, help_text="Completed meetings counted.")
    by_reason = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    by_agreement = serializers.DictField(child=serializers.IntegerField(), read_only=True)
