"""API tokens in the API: get one with an email and password, list and revoke your own."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from consultteam.access import ActionRules
from consultteam.accounts.models import ApiToken, User
from consultteam.accounts.permissions import can_list_api_tokens, can_revoke_api_token
from consultteam.accounts.serializers import (
    ApiTokenCredentialsSerializer,
    ApiTokenIssuedSerializer,
    ApiTokenSerializer,
)
from consultteam.accounts.services import (
    api_token_issue,
    api_token_revoke,
    password_sign_in,
    two_factor_for_api_token,
)
from consultteam.client_address import client_ip


class ApiTokenIssueThrottle(AnonRateThrottle):
    """A ceiling on password attempts from one address, whatever the emails tried (django-axes
    locks out one email at one address).

    Keyed on the client's address as everywhere else (`client_ip`: X-Forwarded-For only from
    TRUSTED_PROXIES): DRF's default would read X-Forwarded-For from anyone, varied at will.
    The count lives in the default cache, so with several processes each keeps its own.
    """

    scope = "api_token_issue"
    rate = "20/min"

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or ""


@extend_schema_view(
    post=extend_schema(
        request=ApiTokenCredentialsSerializer,
        responses={
            201: ApiTokenIssuedSerializer,
            400: OpenApiResponse(
                description="The email and password match no active account, or the account "
                "uses two-factor sign-in and `code` is missing, wrong or already used."
            ),
            403: OpenApiResponse(
                description="Two-factor sign-in is required and the account has not set it up."
            ),
            429: OpenApiResponse(
                description="Too many failures: locked out for a while, or wrong codes "
                "came too fast."
            ),
        },
        auth=[],
    )
)
class ApiTokenIssueView(APIView):
    """POST email, password, an optional name and, for an account with two-factor sign-in, a
    current ``code``: 201 with the new key (shown only here)."""

    # The body is the credential. Neither a session nor a token is read, so a stale
    # Authorization header or a session without a CSRF token cannot get in the way.
    authentication_classes = ()
    permission_classes = [AllowAny]
    throttle_classes = [ApiTokenIssueThrottle]

    def post(self, request: Request) -> Response:
        incoming = ApiTokenCredentialsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # Axes marks the Django request, which its middleware reads, not DRF's wrapper.
        # A refusal (400) or a lockout (429) is a DomainError, answered by the API's handler.
        user = password_sign_in(
            request=request._request,
            email=incoming.validated_data["email"],
            password=incoming.validated_data["password"],
        )
        # A token never rests on a password alone for someone with a second factor.
        second_factor = two_factor_for_api_token(user=user, code=incoming.validated_data["code"])
        token, key = api_token_issue(
            user=user, name=incoming.validated_data["name"], second_factor=second_factor
        )
        body = ApiTokenIssuedSerializer(token, context={"key": key}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ApiTokenListView(generics.ListAPIView[ApiToken]):
    """The caller's own tokens, newest first."""

    serializer_class = ApiTokenSerializer
    permission_classes = [ActionRules]
    rules: ClassVar = {"get": can_list_api_tokens}

    def get_queryset(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.visible_to(self.request.user).order_by("-created_at", "-id")


@extend_schema_view(delete=extend_schema(responses={204: None}))
class ApiTokenDetailView(APIView):
    """DELETE revokes one of the caller's tokens; anyone else's answers 404."""

    permission_classes = [ActionRules]
    rules: ClassVar = {"delete": can_revoke_api_token}
    detail = True

    def delete(self, request: Request, token_id: str) -> Response:
        token = get_object_or_404(ApiToken.objects.visible_to(request.user), public_id=token_id)
        self.check_object_permissions(request, token)
        by = request.user
        assert isinstance(by, User)  # ActionRules let only active, signed-in people this far
        api_token_revoke(token=token, by=by)
        return Response(status=status.HTTP_204_NO_CONTENT)
