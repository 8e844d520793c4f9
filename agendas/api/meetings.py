"""Meetings in the API: planning, the meeting itself, its roles, attendance, agenda and minutes."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agendas import services
from agendas.agenda_read import agenda_items, meeting_seen_by
from agendas.api.common import (
    LOCKED,
    REFUSED,
    MarkdownRenderer,
    MeetingsInTimeOrder,
    PdfRenderer,
    action_items_query,
    agenda_items_of,
    invalid,
    item_of,
    member_named,
    visible_target,
)
from agendas.choices import AttendanceStatus
from agendas.exports import minutes_markdown
from agendas.models import Attendance, Meeting, RoleAssignment
from agendas.pdf import minutes_pdf
from agendas.permissions import (
    can_list_meetings,
    can_notify_absence,
    can_plan_meetings,
    can_raise_observer_flag,
    can_run_meeting,
    can_schedule_meeting,
    can_submit_agenda_item,
    can_swap_role,
    can_view_meeting,
    can_write_minutes,
)
from agendas.serializers import (
    ActionItemAddInput,
    ActionItemSerializer,
    AgendaItemSubmitInput,
    AgendaItemSubmittedSerializer,
    AgendaRowSerializer,
    AgendaSerializer,
    AttendanceInput,
    AttendanceSerializer,
    MeetingCompleteInput,
    MeetingDetailSerializer,
    MeetingFilter,
    MeetingPlanInput,
    MeetingRescheduleInput,
    MeetingSerializer,
    MeetingUpdateInput,
    ObserverFlagInput,
    ObserverFlagSerializer,
    RoleAssignInput,
    RoleAssignmentSerializer,
    RoleSwapInput,
)
from cases.models import ChainAnalysis, TIBEntry
from cases.selectors import case_named
from consultteam.access import ActionRules
from consultteam.audit.models import Action
from consultteam.audit.services import audit_read, audit_record
from consultteam.reference.models import Agreement
from consultteam.teams.models import Team
from consultteam.web.api import person
from consultteam.web.rules import checked_by_service, seen_through_lookup

# --- Meetings -----------------------------------------------------------------------------------


@extend_schema(tags=["meetings"])
class MeetingViewSet(viewsets.GenericViewSet[Meeting]):
    """A team's meetings. Every active member of the team reads them; the team leader plans,
    moves and cancels; the meeting's leader (or the team leader) runs and completes it."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_meetings,
        # The team comes in the body.
        "plan": checked_by_service(can_plan_meetings),
        "retrieve": seen_through_lookup(can_view_meeting),
        # Minutes (note-taker, leaders) or setup (team leader), by the fields changed.
        "partial_update": checked_by_service(can_write_minutes, can_schedule_meeting),
        "reschedule": can_schedule_meeting,
        "cancel": can_schedule_meeting,
        "start": can_run_meeting,
        "complete": can_run_meeting,
        "agenda": seen_through_lookup(can_view_meeting),
        "agenda_submit": can_submit_agenda_item,
        "roles": seen_through_lookup(can_view_meeting),
        "role_assign": can_schedule_meeting,
        "roles_rotate": can_schedule_meeting,
        # The holder of the role named, or the team leader.
        "roles_swap": checked_by_service(can_swap_role),
        "attendance": seen_through_lookup(can_view_meeting),
        # Notice for oneself (any member) or a record by whoever runs it, by whose it is.
        "attendance_set": checked_by_service(can_notify_absence, can_write_minutes),
        "action_items": seen_through_lookup(can_view_meeting),
        "action_item_add": can_write_minutes,
        "observer_flag_raise": can_raise_observer_flag,
        "minutes_markdown": seen_through_lookup(can_view_meeting),
        "minutes_pdf": seen_through_lookup(can_view_meeting),
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "meeting_id"
    pagination_class = MeetingsInTimeOrder

    def get_queryset(self) -> QuerySet[Meeting]:
        meetings = Meeting.objects.visible_to(self.request.user).select_related("team", "agreement")
        if self.action in {"retrieve", "partial_update"}:
            meetings = meetings.prefetch_related(
                Prefetch("roles", queryset=RoleAssignment.objects.select_related("member"))
            )
        return meetings

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Meeting]]:
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def _detail(self, meeting: Meeting) -> dict[str, Any]:
        fresh = (
            Meeting.objects.select_related("team", "agreement")
            .prefetch_related(
                Prefetch("roles", queryset=RoleAssignment.objects.select_related("member"))
            )
            .get(pk=meeting.pk)
        )
        return dict(MeetingDetailSerializer(fresh).data)

    @extend_schema(parameters=[MeetingFilter])
    def list(self, request: Request) -> Response:
        """Meetings of your teams, latest first (`team` narrows it to one)."""
        query = MeetingFilter(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        meetings = self.get_queryset()
        if "team" in query.validated_data:
            meetings = meetings.filter(team__public_id=query.validated_data["team"])
        page = self.paginate_queryset(meetings)
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    @extend_schema(request=MeetingPlanInput, responses={200: MeetingSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def plan(self, request: Request) -> Response:
        """Create the team's meetings for the coming weeks from its cadence (the team leader).
        Answers with the meetings created; safe to repeat (a planned slot is never re-made)."""
        body = MeetingPlanInput(data=request.data)
        body.is_valid(raise_exception=True)
        team = Team.objects.visible_to(request.user).filter(public_id=body.validated_data["team"])
        found = team.first()
        if found is None:
            raise invalid("team", "There is no team with this id.")
        created = services.meetings_plan(
            team=found, by=person(request), weeks=body.validated_data["weeks"]
        )
        fresh = Meeting.objects.filter(pk__in=[m.pk for m in created]).select_related(
            "team", "agreement"
        )
        return Response(MeetingSerializer(fresh, many=True).data)

    def retrieve(self, request: Request, meeting_id: str) -> Response:
        """One meeting with its roles and minutes. Audited as a view of its minutes."""
        meeting = self.get_object()
        audit_read(meeting, team=meeting.team_id, parts=["minutes"])
        return Response(MeetingDetailSerializer(meeting).data)

    @extend_schema(
        request=MeetingUpdateInput,
        responses={200: MeetingDetailSerializer, 403: REFUSED, 409: LOCKED},
    )
    def partial_update(self, request: Request, meeting_id: str) -> Response:
        """Write the minutes (note-taker, meeting leader, team leader) or change the setup (team
        leader). `version` is required; a completed meeting's minutes are locked (409)."""
        meeting = self.get_object()
        body = MeetingUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        version = changes.pop("version")
        services.meeting_update(
            meeting=meeting,
            by=person(request),
            expected_version=version,
            identifier_override=changes.pop("identifier_override", None),
            changes=changes,
        )
        return Response(self._detail(meeting))

    @extend_schema(
        request=MeetingRescheduleInput,
        responses={200: MeetingDetailSerializer, 403: REFUSED, 409: LOCKED},
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, meeting_id: str) -> Response:
        """Move the meeting to another time (the team leader)."""
        meeting = self.get_object()
        body = MeetingRescheduleInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.meeting_reschedule(
            meeting=meeting,
            by=person(request),
            starts_at=data["starts_at"],
            minutes=data.get("minutes"),
            expected_version=data.get("version"),
        )
        return Response(self._detail(meeting))

    @extend_schema(request=None, responses={200: MeetingDetailSerializer, 409: LOCKED})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, meeting_id: str) -> Response:
        """Call the meeting off (the team leader); its waiting items move to the next one.
        Safe to repeat."""
        meeting = self.get_object()
        services.meeting_cancel(meeting=meeting, by=person(request))
        return Response(self._detail(meeting))

    @extend_schema(request=None, responses={200: MeetingDetailSerializer, 409: LOCKED})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, meeting_id: str) -> Response:
        """Mark the meeting in progress. Safe to repeat."""
        meeting = self.get_object()
        services.meeting_start(meeting=meeting, by=person(request))
        return Response(self._detail(meeting))

    @extend_schema(request=MeetingCompleteInput, responses={200: MeetingDetailSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, meeting_id: str) -> Response:
        """Complete the meeting: minutes locked, undiscussed items and open actions carried to
        the next meeting. Safe to repeat: a second call changes nothing."""
        meeting = self.get_object()
        body = MeetingCompleteInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.meeting_complete(
            meeting=meeting,
            by=person(request),
            minutes_text=body.validated_data.get("minutes_text"),
            identifier_override=body.validated_data.get("identifier_override"),
        )
        return Response(self._detail(meeting))

    # --- The agenda --------------------------------------------------------------------------

    @extend_schema(responses={200: AgendaSerializer})
    @action(detail=True, methods=["get"])
    def agenda(self, request: Request, meeting_id: str) -> Response:
        """The agenda in its computed order (with the leaders' moves), the minutes asked for
        against the meeting's length, and the items that will not fit."""
        # The meeting and its items, a compiled statement each (agendas/agenda_read.py).
        meeting = meeting_seen_by(person(request).pk, meeting_id)
        items = agenda_items(meeting)
        agenda = services.agenda_for(meeting, items)
        positions = {item.pk: place for place, item in enumerate(agenda.items, start=1)}
        waiting = {item.pk for item in agenda.items}
        settled = sorted(
            (item for item in items if item.pk not in waiting), key=services.agenda.order_key
        )
        # One serializer for both lists: its fields are built once, not twice.
        rendered = AgendaRowSerializer(
            [item.row for item in (*agenda.items, *settled)],
            many=True,
            context={"positions": positions},
        ).data
        waiting_count = len(agenda.items)
        audit_read(meeting, team=meeting.team_id, parts=["agenda"])
        return Response(
            {
                "meeting": str(meeting.public_id),
                "items": rendered[:waiting_count],
                "settled": rendered[waiting_count:],
                "minutes_requested": agenda.minutes_requested,
                "meeting_minutes": agenda.meeting_minutes,
                "over_by": agenda.over_by,
                "will_not_fit": [str(item.public_id) for item in agenda.will_not_fit],
                "warning": agenda.warning,
            }
        )

    @extend_schema(
        request=AgendaItemSubmitInput,
        responses={201: AgendaItemSubmittedSerializer, 403: REFUSED, 409: LOCKED},
    )
    @agenda.mapping.post
    def agenda_submit(self, request: Request, meeting_id: str) -> Response:
        """Bring an item. After the cutoff it goes to the next meeting, unless its urgency is
        IMMINENT (it stays, flagged for the leader); `notice` says so."""
        meeting = self.get_object()
        body = AgendaItemSubmitInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request.user
        submitted = services.agenda_item_submit(
            meeting=meeting,
            by=person(request),
            case=case_named(user, data.pop("case", None)),
            tib_entry=visible_target(user, TIBEntry, data.pop("tib_entry", None), "tib_entry"),
            chain_analysis=visible_target(
                user, ChainAnalysis, data.pop("chain_analysis", None), "chain_analysis"
            ),
            **data,
        )
        item = agenda_items_of(submitted.item.meeting).get(pk=submitted.item.pk)
        body_out = AgendaItemSubmittedSerializer(item, context={"notice": submitted.notice}).data
        return Response(body_out, status=status.HTTP_201_CREATED)

    # --- Roles and attendance ----------------------------------------------------------------

    def _roles(self, meeting: Meeting) -> Response:
        roles = RoleAssignment.objects.filter(meeting=meeting).select_related("member")
        ordered = sorted(roles, key=lambda assignment: assignment.role)
        return Response(RoleAssignmentSerializer(ordered, many=True).data)

    # These three answer the meeting's whole list, never a page: no pagination, in the schema
    # as in the answer.
    @extend_schema(responses={200: RoleAssignmentSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def roles(self, request: Request, meeting_id: str) -> Response:
        """Who holds which role at this meeting, and how they came to hold it."""
        return self._roles(self.get_object())

    @extend_schema(
        request=RoleAssignInput,
        responses={200: RoleAssignmentSerializer(many=True), 403: REFUSED, 409: LOCKED},
    )
    @roles.mapping.post
    def role_assign(self, request: Request, meeting_id: str) -> Response:
        """Give a role to a member by hand (the team leader); rotation keeps it."""
        meeting = self.get_object()
        body = RoleAssignInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.role_assign(
            meeting=meeting,
            role=body.validated_data["role"],
            member=member_named(meeting, body.validated_data["member"], "member"),
            by=person(request),
        )
        return self._roles(meeting)

    @extend_schema(
        request=None,
        responses={200: RoleAssignmentSerializer(many=True), 403: REFUSED, 409: LOCKED},
    )
    @action(detail=True, methods=["post"], url_path="roles/rotate", url_name="roles-rotate")
    def roles_rotate(self, request: Request, meeting_id: str) -> Response:
        """Hand the rotating roles to the next members in turn (skipping notified absences) and
        set the agreement of the week. Safe to repeat."""
        meeting = self.get_object()
        services.roles_rotate(meeting=meeting, by=person(request))
        return self._roles(meeting)

    @extend_schema(
        request=RoleSwapInput,
        responses={200: RoleAssignmentSerializer(many=True), 403: REFUSED, 409: LOCKED},
    )
    @action(detail=True, methods=["post"], url_path="roles/swap", url_name="roles-swap")
    def roles_swap(self, request: Request, meeting_id: str) -> Response:
        """Swap a role with another member (its holder or the team leader); recorded as SWAP."""
        meeting = self.get_object()
        body = RoleSwapInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.role_swap(
            meeting=meeting,
            role=body.validated_data["role"],
            with_member=member_named(meeting, body.validated_data["with_member"], "with_member"),
            by=person(request),
        )
        return self._roles(meeting)

    def _attendance(self, meeting: Meeting) -> Response:
        rows = Attendance.objects.filter(meeting=meeting).select_related("member")
        return Response(AttendanceSerializer(rows, many=True).data)

    @extend_schema(responses={200: AttendanceSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def attendance(self, request: Request, meeting_id: str) -> Response:
        """Who sent notice of absence, and who came."""
        return self._attendance(self.get_object())

    @extend_schema(
        request=AttendanceInput,
        responses={200: AttendanceSerializer(many=True), 403: REFUSED, 409: LOCKED},
    )
    @attendance.mapping.post
    def attendance_set(self, request: Request, meeting_id: str) -> Response:
        """Send notice of absence (for yourself; the team leader for anyone) or record who came
        (whoever runs the meeting or takes its notes)."""
        meeting = self.get_object()
        body = AttendanceInput(data=request.data)
        body.is_valid(raise_exception=True)
        by = person(request)
        member_id = body.validated_data.get("member")
        member = by if member_id is None else member_named(meeting, member_id, "member")
        if body.validated_data["status"] == AttendanceStatus.ABSENT_NOTIFIED:
            services.attendance_notify_absence(meeting=meeting, member=member, by=by)
        else:
            services.attendance_record(
                meeting=meeting, member=member, status=body.validated_data["status"], by=by
            )
        return self._attendance(meeting)

    # --- Action items and flags ----------------------------------------------------------------

    @extend_schema(responses={200: ActionItemSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        url_path="action-items",
        url_name="action-items",
        pagination_class=None,
    )
    def action_items(self, request: Request, meeting_id: str) -> Response:
        """The meeting's action items: those made here and the follow-ups carried in."""
        meeting = self.get_object()
        audit_read(meeting, team=meeting.team_id, parts=["action_items"])
        actions = action_items_query().filter(meeting=meeting).order_by("id")
        return Response(ActionItemSerializer(actions, many=True).data)

    @extend_schema(
        request=ActionItemAddInput,
        responses={201: ActionItemSerializer, 403: REFUSED, 409: LOCKED},
    )
    @action_items.mapping.post
    def action_item_add(self, request: Request, meeting_id: str) -> Response:
        """Record a commitment with its owner; due at the next meeting unless dated."""
        meeting = self.get_object()
        body = ActionItemAddInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        created = services.action_item_add(
            meeting=meeting,
            by=person(request),
            owner=member_named(meeting, data["owner"], "owner"),
            description=data["description"],
            agenda_item=item_of(meeting, data.get("agenda_item")),
            due_on=data.get("due_on"),
            identifier_override=data.get("identifier_override") or None,
        )
        fresh = action_items_query().get(pk=created.pk)
        return Response(ActionItemSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ObserverFlagInput,
        responses={201: ObserverFlagSerializer, 403: REFUSED, 409: LOCKED},
    )
    @action(detail=True, methods=["post"], url_path="observer-flags", url_name="observer-flags")
    def observer_flag_raise(self, request: Request, meeting_id: str) -> Response:
        """Name what was noticed (the meeting's observer or the team leader). Flags are read
        back only as the team's counts (/observer-summary/)."""
        meeting = self.get_object()
        body = ObserverFlagInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        code = data.get("agreement")
        agreement = Agreement.objects.active().filter(code=code).first() if code else None
        if code and agreement is None:
            raise invalid("agreement", "This agreement is not in use.")
        flag = services.observer_flag_raise(
            meeting=meeting,
            by=person(request),
            reason=data["reason"],
            agreement=agreement,
            agenda_item=item_of(meeting, data.get("agenda_item")),
        )
        return Response(ObserverFlagSerializer(flag).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "text/markdown"): OpenApiTypes.STR})
    @action(
        detail=True,
        methods=["get"],
        url_path="minutes.md",
        url_name="minutes-markdown",
        renderer_classes=[MarkdownRenderer],
    )
    def minutes_markdown(self, request: Request, meeting_id: str) -> Response:
        """The meeting's record as Markdown: case codes only, nothing of a TIB entry or chain
        analysis. Audited as an export."""
        meeting = self.get_object()
        audit_record(action=Action.EXPORT, obj=meeting, team=meeting.team_id)
        return Response(minutes_markdown(meeting), content_type="text/markdown; charset=utf-8")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path="minutes.pdf",
        url_name="minutes-pdf",
        renderer_classes=[PdfRenderer],
    )
    def minutes_pdf(self, request: Request, meeting_id: str) -> Response:
        """The same record as a PDF document: case codes only. Audited as an export."""
        meeting = self.get_object()
        audit_record(action=Action.EXPORT, obj=meeting, team=meeting.team_id)
        return Response(minutes_pdf(meeting), content_type="application/pdf")
