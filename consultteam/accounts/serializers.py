"""Shapes of sign-in and API tokens in the API. Validation and rendering only."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from consultteam.accounts.models import ApiToken
from consultteam.web.api import ApiModelSerializer, UTCDateTimeField


class ApiTokenCredentialsSerializer(serializers.Serializer[Any]):
    """What a client sends to get a token. The email is not checked for form here: any string
    goes to the one sign-in check, so every failure gets the same answer."""

    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    code = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "For an account with two-factor sign-in: the current code from the authenticator "
            "app, or a recovery code (used up by this)."
        ),
    )


class ApiTokenSerializer(ApiModelSerializer[ApiToken]):
    """A token as listed: never its key (nor the key's hash)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    ends_at = UTCDateTimeField(
        read_only=True,
        help_text="When the token stops working: the earlier of `expires_at` and "
        "API_TOKEN_IDLE_DAYS after its last use. Using it moves the second on.",
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "ends_at",
            "second_factor",
            "last_used_at",
        ]
        read_only_fields = fields


class ApiTokenIssuedSerializer(ApiModelSerializer[ApiToken]):
    """A token just issued: the only answer that carries the key."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    key = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["key", "id", "name", "created_at", "expires_at", "second_factor"]
        read_only_fields = fields

    def get_key(self, token: ApiToken) -> str:
        return str(self.context["key"])
