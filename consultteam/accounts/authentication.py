"""API authentication by per-person token: ``Authorization: Token <key>``."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from consultteam.accounts.models import ApiToken, User
from consultteam.client_address import client_ip


class TokenAuthentication(BaseAuthentication):
    """Reads ``Authorization: Token <key>``. Another scheme (or no header) is left to the next
    authentication class; a Token header that is malformed, unknown, revoked or belongs to an
    inactive account is refused with 401 and a message saying which."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        # Imported here: DRF imports this module while it reads its settings, and the services
        # import DRF's views, which read those settings: a cycle at import time.
        from consultteam.accounts.services import (
            api_token_ended,
            api_token_mark_used,
            api_token_of_request,
        )

        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) == 1:
            raise AuthenticationFailed("The Authorization header names Token but gives no key.")
        if len(parts) > 2:
            raise AuthenticationFailed(
                "The Authorization header must be 'Token <key>'; a key contains no spaces."
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("That token is not valid.") from None
        token = api_token_of_request(request._request, key)
        if token is None:
            raise AuthenticationFailed("That token is not valid. It may have been revoked.")
        if not token.user.is_active:
            raise AuthenticationFailed("The account this token belongs to is inactive.")
        ended = api_token_ended(token)
        if ended is not None:
            raise AuthenticationFailed(ended)
        api_token_mark_used(token=token, ip=client_ip(request._request))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Listed first in DEFAULT_AUTHENTICATION_CLASSES, this is what makes DRF answer 401
        # (with this challenge) rather than 403 to a request that is not authenticated.
        return self.keyword
