"""Invitations and two-factor resets in the API: a team's leader or an administrator sends,
lists, resends and revokes invitations and resets a member's lost authenticator; whoever holds
an emailed link accepts it."""

from __future__ import annotations

from typing import ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consultteam.access import ActionRules
from consultteam.accounts.authenticator_reset import authenticator_reset
from consultteam.accounts.models import User
from consultteam.errors import DomainError
from consultteam.teams.invitation_serializers import (
    AuthenticatorResetInput,
    AuthenticatorResetSerializer,
    InvitationAcceptedSerializer,
    InvitationAcceptInput,
    InvitationInput,
    InvitationSerializer,
)
from consultteam.teams.invitations import (
    invitation_accept_as,
    invitation_accept_new,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitation_send,
)
from consultteam.teams.models import Invitation, Membership, Team
from consultteam.teams.permissions import can_manage_invitations, can_reset_authenticator

REFUSED = {
    403: OpenApiResponse(description="You see the team but do not lead it."),
    404: OpenApiResponse(description="No such team (or invitation) that you can see."),
}
SENT = {
    **REFUSED,
    409: OpenApiResponse(description="Already accepted, or revoked."),
    429: OpenApiResponse(description="Too many invitations sent in the last hour."),
    503: OpenApiResponse(description="Saved, but the email could not be sent: resend later."),
}


def _person(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # ActionRules let only active, signed-in people this far
    return user


class _TeamScoped(APIView):
    permission_classes = [ActionRules]
    detail = True

    def team(self, request: Request, team_id: str) -> Team:
        team = get_object_or_404(Team.objects.visible_to(request.user), public_id=team_id)
        self.check_object_permissions(request, team)
        return team

    def invitation(self, request: Request, team_id: str, invitation_id: str) -> Invitation:
        team = self.team(request, team_id)
        return get_object_or_404(
            Invitation.objects.visible_to(request.user).select_related("team", "invited_by"),
            team=team,
            public_id=invitation_id,
        )


@extend_schema_view(
    get=extend_schema(responses={200: InvitationSerializer(many=True), **REFUSED}),
    post=extend_schema(request=InvitationInput, responses={201: InvitationSerializer, **SENT}),
)
class TeamInvitationsView(_TeamScoped):
    """GET the team's pending invitations; POST an email and a role to invite someone (the
    answer is the same whether or not the address has an account)."""

    rules: ClassVar = {"get": can_manage_invitations, "post": can_manage_invitations}

    def get(self, request: Request, team_id: str) -> Response:
        team = self.team(request, team_id)
        pending = (
            Invitation.objects.visible_to(request.user)
            .pending()
            .filter(team=team)
            .select_related("invited_by")
            .order_by("-sent_at", "-id")
        )
        return Response(InvitationSerializer(pending, many=True).data)

    def post(self, request: Request, team_id: str) -> Response:
        team = self.team(request, team_id)
        incoming = InvitationInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        sent = invitation_send(team=team, by=_person(request), **incoming.validated_data)
        return Response(InvitationSerializer(sent.invitation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(request=None, responses={200: InvitationSerializer, **SENT}))
class InvitationResendView(_TeamScoped):
    """POST: mail a fresh link; the old one stops working."""

    rules: ClassVar = {"post": can_manage_invitations}

    def post(self, request: Request, team_id: str, invitation_id: str) -> Response:
        invitation = self.invitation(request, team_id, invitation_id)
        sent = invitation_resend(invitation=invitation, by=_person(request))
        return Response(InvitationSerializer(sent.invitation).data)


@extend_schema_view(
    post=extend_schema(request=None, responses={200: InvitationSerializer, **REFUSED})
)
class InvitationRevokeView(_TeamScoped):
    """POST: withdraw the invitation; its link opens nothing from now on. Safe to repeat."""

    rules: ClassVar = {"post": can_manage_invitations}

    def post(self, request: Request, team_id: str, invitation_id: str) -> Response:
        invitation = self.invitation(request, team_id, invitation_id)
        return Response(
            InvitationSerializer(invitation_revoke(invitation=invitation, by=_person(request))).data
        )


class NameAndPasswordNeeded(DomainError):
    status = 400

    def __init__(self) -> None:
        super().__init__(
            "Send `display_name` and `password` to make your account, or accept signed in as "
            "the invited address."
        )


@extend_schema_view(
    post=extend_schema(
        request=InvitationAcceptInput,
        responses={
            201: InvitationAcceptedSerializer,
            400: OpenApiResponse(description="A name or password refused, or missing."),
            403: OpenApiResponse(description="Signed in as another address than the invited."),
            404: OpenApiResponse(description="No invitation has this token."),
            409: OpenApiResponse(description="The address has an account: accept signed in as it."),
            410: OpenApiResponse(description="The invitation was used, revoked or expired."),
        },
    )
)
class InvitationAcceptView(APIView):
    """POST the token from the emailed link. Signed in (a token or a session) as the invited
    address: join the team. Not signed in, for an address with no account: `display_name` and
    `password` make the account; then sign in and set up two-factor sign-in."""

    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        incoming = InvitationAcceptInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            membership = invitation_accept_as(token=data["token"], user=user)
            team, role = membership.team, membership.role
            detail = f"You are a member of {team.name}."
        else:
            invitation_for_token(data["token"])  # an unknown or used link says so first
            if not data.get("display_name") or not data.get("password"):
                raise NameAndPasswordNeeded
            person = invitation_accept_new(
                token=data["token"], display_name=data["display_name"], password=data["password"]
            )
            joined = Membership.objects.select_related("team").get(user=person, is_active=True)
            team, role = joined.team, joined.role
            detail = (
                "Your account is made. Sign in, and set up two-factor sign-in at "
                "/accounts/two-factor/ before anything else."
            )
        body = {"team": team.public_id, "role": role, "detail": detail}
        return Response(InvitationAcceptedSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        request=AuthenticatorResetInput,
        responses={201: AuthenticatorResetSerializer, **REFUSED},
    )
)
class MemberAuthenticatorResetView(APIView):
    """POST a reason: reset the member's lost authenticator. Their authenticator and recovery
    codes are removed and their sessions and API tokens end; they enrol again at next sign-in."""

    permission_classes = [ActionRules]
    rules: ClassVar = {"post": can_reset_authenticator}
    detail = True

    def post(self, request: Request, team_id: str, membership_id: str) -> Response:
        team = get_object_or_404(Team.objects.visible_to(request.user), public_id=team_id)
        membership = get_object_or_404(
            Membership.objects.visible_to(request.user).select_related("user", "team"),
            team=team,
            public_id=membership_id,
        )
        self.check_object_permissions(request, membership)
        incoming = AuthenticatorResetInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        reset = authenticator_reset(
            membership=membership, reason=incoming.validated_data["reason"], by=_person(request)
        )
        return Response(AuthenticatorResetSerializer(reset).data, status=status.HTTP_201_CREATED)
