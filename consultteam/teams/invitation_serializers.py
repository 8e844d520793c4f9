"""Shapes of invitations and two-factor resets in the API. Validation and rendering only."""

from __future__ import annotations

from rest_framework import serializers

from consultteam.accounts.models import AuthenticatorReset, AuthenticatorResetReason
from consultteam.teams.models import Invitation, Role
from consultteam.web.api import ApiModelSerializer, EnumField, Input


class InvitationSerializer(ApiModelSerializer[Invitation]):
    """An invitation as its team's leader sees it: never the link, and nothing that says
    whether the address has an account."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    # Plain choices, as the team and membership shapes: the schema shares their RoleEnum.
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    invited_by = serializers.CharField(source="invited_by.display_name", read_only=True)
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "invited_by", "sent_at", "expires_at", "is_expired"]
        read_only_fields = fields


class InvitationInput(Input):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.THERAPIST)


class InvitationAcceptInput(Input):
    token = serializers.CharField(max_length=100, help_text="The last part of the emailed link.")
    display_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="For an address with no account: the name colleagues will see.",
    )
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4096,
        write_only=True,
        style={"input_type": "password"},
        help_text="For an address with no account: the new account's password.",
    )


class InvitationAcceptedSerializer(serializers.Serializer[object]):
    team = serializers.UUIDField(help_text="The team joined.")
    role = serializers.ChoiceField(choices=Role.choices)
    detail = serializers.CharField(help_text="What to do next.")


class AuthenticatorResetInput(Input):
    reason = EnumField(AuthenticatorResetReason)


class AuthenticatorResetSerializer(ApiModelSerializer[AuthenticatorReset]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = serializers.UUIDField(source="person.public_id", read_only=True)
    reason = EnumField(AuthenticatorResetReason, read_only=True)

    class Meta:
        model = AuthenticatorReset
        fields = ["id", "person", "reason", "at"]
        read_only_fields = fields
