"""Agenda items, action items and the observer's team counts in the API."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agendas import services
from agendas.api.common import (
    LOCKED,
    REFUSED,
    member_named,
)
from agendas.models import ActionItem, AgendaItem, ObserverFlag
from agendas.permissions import (
    can_acknowledge_observer_flag,
    can_change_action_item,
    can_change_agenda_item,
    can_list_meetings,
    can_move_agenda_item,
    can_run_agenda_item,
    can_view_action_item,
    can_view_agenda_item,
    can_view_observer_summary,
)
from agendas.serializers import (
    ActionItemFilter,
    ActionItemSerializer,
    ActionItemUpdateInput,
    AgendaItemDiscussInput,
    AgendaItemFieldsInput,
    AgendaItemMoveInput,
    AgendaItemSerializer,
    ObserverFlagAcknowledgeInput,
    ObserverFlagSerializer,
    ObserverSummaryQuery,
    ObserverSummarySerializer,
)
from consultteam.access import ActionRules
from consultteam.audit.services import audit_list_read, audit_read
from consultteam.pagination import NewestFirst
from consultteam.teams.models import Team
from consultteam.web.api import person
from consultteam.web.rules import seen_through_lookup

# --- Agenda items -------------------------------------------------------------------------------


@extend_schema(tags=["agenda-items"])
class AgendaItemViewSet(viewsets.GenericViewSet[AgendaItem]):
    """One agenda item: its submitter changes it until the meeting starts; whoever runs the
    meeting moves it (with a reason), marks it discussed or defers it."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "retrieve": can_view_agenda_item,
        "partial_update": can_change_agenda_item,
        "move": can_move_agenda_item,
        "discuss": can_run_agenda_item,
        "defer": can_run_agenda_item,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "item_id"
    serializer_class = AgendaItemSerializer

    def get_queryset(self) -> QuerySet[AgendaItem]:
        return AgendaItem.objects.visible_to(self.request.user).select_related(
            "meeting__team",
            "submitter",
            "case",
            "tib_entry",
            "chain_analysis",
            "carried_from__meeting__team",
        )

    def _detail(self, item: AgendaItem) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=item.pk)
        agenda = services.agenda_for(fresh.meeting)
        positions = {entry.pk: place for place, entry in enumerate(agenda.items, start=1)}
        return dict(AgendaItemSerializer(fresh, context={"positions": positions}).data)

    def retrieve(self, request: Request, item_id: str) -> Response:
        """One item, with its place on the agenda. Audited as a view."""
        item = self.get_object()
        audit_read(item, team=item.meeting.team_id)
        return Response(self._detail(item))

    @extend_schema(
        request=AgendaItemFieldsInput,
        responses={200: AgendaItemSerializer, 403: REFUSED, 409: LOCKED},
    )
    def partial_update(self, request: Request, item_id: str) -> Response:
        """Change your item until the meeting starts; status WITHDRAWN takes it off. An item
        kept past the cutoff as IMMINENT whose urgency is lowered goes to the next meeting
        (its `meeting` in the answer says which)."""
        item = self.get_object()
        body = AgendaItemFieldsInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        override = changes.pop("identifier_override", None)
        services.agenda_item_update(
            item=item, by=person(request), changes=changes, identifier_override=override
        )
        return Response(self._detail(item))

    @extend_schema(
        request=AgendaItemMoveInput,
        responses={200: AgendaItemSerializer, 403: REFUSED, 409: LOCKED},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, item_id: str) -> Response:
        """Put the item at a place on the agenda (null: back in computed order). A reason is
        required; the move is audited."""
        item = self.get_object()
        body = AgendaItemMoveInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.agenda_item_move(
            item=item,
            by=person(request),
            position=body.validated_data["position"],
            reason=body.validated_data["reason"],
            identifier_override=body.validated_data.get("identifier_override") or None,
        )
        return Response(self._detail(item))

    @extend_schema(
        request=AgendaItemDiscussInput,
        responses={200: AgendaItemSerializer, 403: REFUSED, 409: LOCKED},
    )
    @action(detail=True, methods=["post"])
    def discuss(self, request: Request, item_id: str) -> Response:
        """Mark it discussed, with the outcome and the minutes it took."""
        item = self.get_object()
        body = AgendaItemDiscussInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.agenda_item_discuss(
            item=item,
            by=person(request),
            outcome=body.validated_data["outcome"],
            actual_minutes=body.validated_data.get("actual_minutes"),
            identifier_override=body.validated_data.get("identifier_override"),
        )
        return Response(self._detail(item))

    @extend_schema(request=None, responses={200: AgendaItemSerializer, 403: REFUSED, 409: LOCKED})
    @action(detail=True, methods=["post"])
    def defer(self, request: Request, item_id: str) -> Response:
        """Leave it for the next meeting (completing this one carries it there)."""
        item = self.get_object()
        services.agenda_item_defer(item=item, by=person(request))
        return Response(self._detail(item))


# --- Action items -------------------------------------------------------------------------------


@extend_schema(tags=["action-items"])
class ActionItemViewSet(viewsets.GenericViewSet[ActionItem]):
    """Commitments made in meetings. Every member of the team reads them; the owner marks one
    done; whoever writes the minutes corrects it."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_meetings,
        "retrieve": can_view_action_item,
        "partial_update": can_change_action_item,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "action_id"
    serializer_class = ActionItemSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[ActionItem]:
        return ActionItem.objects.visible_to(self.request.user).select_related(
            "meeting", "owner", "agenda_item", "due_meeting", "carried_from"
        )

    @extend_schema(parameters=[ActionItemFilter])
    def list(self, request: Request) -> Response:
        """Action items of your teams, newest first (`mine`, `status`, `meeting` narrow it)."""
        query = ActionItemFilter(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        actions = self.get_queryset()
        if params.get("mine"):
            actions = actions.filter(owner_id=request.user.pk)
        if "status" in params:
            actions = actions.filter(status=params["status"])
        if "meeting" in params:
            actions = actions.filter(meeting__public_id=params["meeting"])
        page = self.paginate_queryset(actions)
        audit_list_read(ActionItem, (action.public_id for action in page or ()))
        return self.get_paginated_response(ActionItemSerializer(page, many=True).data)

    def retrieve(self, request: Request, action_id: str) -> Response:
        """One action item. Audited as a view."""
        action = self.get_object()
        audit_read(action, team=action.meeting.team_id)
        return Response(ActionItemSerializer(action).data)

    @extend_schema(
        request=ActionItemUpdateInput,
        responses={200: ActionItemSerializer, 403: REFUSED, 409: LOCKED},
    )
    def partial_update(self, request: Request, action_id: str) -> Response:
        """Mark it done or dropped (its owner), or correct it (whoever writes the minutes)."""
        action_item = self.get_object()
        body = ActionItemUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        override = changes.pop("identifier_override", None) or None
        if "owner" in changes:
            changes["owner"] = member_named(action_item.meeting, changes["owner"], "owner")
        services.action_item_update(
            action=action_item, by=person(request), changes=changes, identifier_override=override
        )
        return Response(ActionItemSerializer(self.get_queryset().get(pk=action_item.pk)).data)


# --- Observer flags ------------------------------------------------------------------------------


@extend_schema(tags=["meetings"])
class ObserverFlagViewSet(viewsets.GenericViewSet[ObserverFlag]):
    """A flag the observer raised, known by the id its raising answered with. There is no list
    and no read: flags are read back only as the team's counts (/observer-summary/)."""

    permission_classes = [ActionRules]
    rules: ClassVar = {"acknowledge": can_acknowledge_observer_flag}
    lookup_field = "public_id"
    lookup_url_kwarg = "flag_id"
    serializer_class = ObserverFlagSerializer

    def get_queryset(self) -> QuerySet[ObserverFlag]:
        return ObserverFlag.objects.visible_to(self.request.user).select_related(
            "meeting__team", "agreement", "agenda_item"
        )

    @extend_schema(
        request=ObserverFlagAcknowledgeInput,
        responses={200: ObserverFlagSerializer, 403: REFUSED, 409: LOCKED},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, flag_id: str) -> Response:
        """Record that the team heard the flag and how it was repaired: the meeting's leader
        or the team leader, while the meeting is open. Safe to repeat (the last note stands)."""
        flag = self.get_object()
        body = ObserverFlagAcknowledgeInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.observer_flag_acknowledge(
            flag=flag,
            by=person(request),
            repair_note=body.validated_data["repair_note"],
            identifier_override=body.validated_data.get("identifier_override") or None,
        )
        return Response(ObserverFlagSerializer(self.get_queryset().get(pk=flag.pk)).data)


# --- The observer's team counts ------------------------------------------------------------------


@extend_schema(tags=["meetings"])
class ObserverSummaryView(APIView):
    """How often each reason and agreement was named at a team's meetings: counts for the
    team, never per person. Members of the team read it; anyone else gets 404."""

    permission_classes = [ActionRules]
    # The view finds the team only where the rule holds (404 otherwise: a team one is not on
    # does not exist for them).
    rules: ClassVar = {"get": seen_through_lookup(can_view_observer_summary)}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "team_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The team's id."
            ),
            ObserverSummaryQuery,
        ],
        responses={200: ObserverSummarySerializer},
    )
    def get(self, request: Request, team_id: str) -> Response:
        team = Team.objects.filter(public_id=team_id).first()
        if team is None or not can_view_observer_summary(request.user, team):
            raise Http404
        query = ObserverSummaryQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        summary = services.observer_summary(team=team, since=query.validated_data.get("since"))
        return Response(ObserverSummarySerializer(summary).data)
