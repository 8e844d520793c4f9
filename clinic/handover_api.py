"""A member's last day in the API: what they would hand over, and ending their membership with
the decisions for each item. Thin: the team and the membership are found through the caller's
teams (404 otherwise), and `clinic/handover.py` and `clinic/last_day.py` ask the rule (the team's
leader or an administrator, 403) and do the work."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.handover import HandoverKind, Outcome, membership_handover
from clinic.last_day import Decision, membership_end
from clinic.permissions import can_end_membership
from consultteam.access import ActionRules
from consultteam.teams.models import Membership, Team
from consultteam.teams.serializers import MembershipSerializer
from consultteam.web.api import REFUSED, EnumField, Input, path_uuid, person
from consultteam.web.rules import checked_by_service

PATH = [
    path_uuid("team_id", "The team's id."),
    path_uuid("member_id", "The membership's id (`id` in the team's roster)."),
]
ALREADY_ENDED = OpenApiResponse(description="The membership has ended already: reload.")


class CandidateSerializer(serializers.Serializer[Membership]):
    id = serializers.UUIDField(source="public_id", help_text="Their membership's id.")
    display_name = serializers.CharField(source="user.display_name")
    role = serializers.CharField()


class HandoverItemSerializer(serializers.Serializer[Any]):
    kind = EnumField(HandoverKind)
    id = serializers.UUIDField(
        help_text="The record's id (for a grant, the case or analysis it opens)."
    )
    label = serializers.CharField(  # type: ignore[assignment]  # the item's label, not the field's
        help_text="What it is, by code, kind and date: no content."
    )
    close_means = serializers.CharField(help_text="What closing it does.")
    candidates = CandidateSerializer(
        many=True, help_text="The current members who may take it over."
    )


class HandoverSerializer(serializers.Serializer[Any]):
    member = MembershipSerializer(source="membership")
    items = HandoverItemSerializer(many=True)


class DecisionInput(Input):
    kind = EnumField(HandoverKind)
    id = serializers.UUIDField(help_text="The item's id, as the handover lists it.")
    outcome = EnumField(Outcome)
    to = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="For REASSIGN: the membership id of one of the item's candidates.",
    )


class MembershipEndInput(Input):
    left_on = serializers.DateField(help_text="The last day: today or earlier.")
    decisions = DecisionInput(
        many=True, help_text="One decision for every item of the handover, none left out."
    )


class MembershipEndedSerializer(serializers.Serializer[Any]):
    member = MembershipSerializer(source="membership")
    reassigned = serializers.DictField(
        child=serializers.IntegerField(), help_text="How many of each kind were handed over."
    )
    closed = serializers.DictField(
        child=serializers.IntegerField(), help_text="How many of each kind were closed."
    )
    grants_ended = serializers.IntegerField()
    sessions_ended = serializers.IntegerField(
        help_text="Their sessions ended (only when this was their last team)."
    )
    tokens_ended = serializers.IntegerField(
        help_text="Their API tokens ended (only when this was their last team)."
    )


def membership_in_path(request: Request, team_id: uuid.UUID, member_id: uuid.UUID) -> Membership:
    """The membership a path names, among the rosters the caller can see (404 otherwise)."""
    team = Team.objects.visible_to(request.user).filter(public_id=team_id).first()
    membership = (
        Membership.objects.visible_to(request.user)
        .filter(team=team, public_id=member_id)
        .select_related("team", "user")
        .first()
    )
    if team is None or membership is None:
        raise Http404
    return membership


class MembershipHandoverView(APIView):
    """What the member would hand over on this team before their last day: each item with
    who may take it over. For the team's leader or an administrator (403 for other members)."""

    permission_classes = [ActionRules]
    rules: ClassVar = {"get": checked_by_service(can_end_membership)}

    @extend_schema(
        tags=["teams"], parameters=PATH, responses={200: HandoverSerializer, 403: REFUSED}
    )
    def get(self, request: Request, team_id: uuid.UUID, member_id: uuid.UUID) -> Response:
        membership = membership_in_path(request, team_id, member_id)
        handover = membership_handover(membership, by=person(request))
        return Response(HandoverSerializer(handover).data)


class MembershipEndView(APIView):
    """End the membership on `left_on`, with a decision (hand over to a candidate, or close)
    for every item of its handover: all of it, or nothing (400 naming what is missing or does
    not fit). Then every grant on the team ends, the person gets 404 on everything of the
    team, and if it was their last team their sessions and API tokens end."""

    permission_classes = [ActionRules]
    rules: ClassVar = {"post": checked_by_service(can_end_membership)}

    @extend_schema(
        tags=["teams"],
        parameters=PATH,
        request=MembershipEndInput,
        responses={200: MembershipEndedSerializer, 403: REFUSED, 409: ALREADY_ENDED},
    )
    def post(self, request: Request, team_id: uuid.UUID, member_id: uuid.UUID) -> Response:
        membership = membership_in_path(request, team_id, member_id)
        by = person(request)
        # The rule before the body: a member who may not end it hears so, whatever they sent.
        if not can_end_membership(by, membership):
            raise PermissionDenied("Only the team's leader or an administrator can end this.")
        body = MembershipEndInput(data=request.data)
        body.is_valid(raise_exception=True)
        ended = membership_end(
            membership=membership,
            by=by,
            left_on=body.validated_data["left_on"],
            decisions=[Decision(**decision) for decision in body.validated_data["decisions"]],
        )
        return Response(MembershipEndedSerializer(ended).data)
