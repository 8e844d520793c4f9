"""Middleware that pages need and a sessionless API call does not: run it for pages only.

An API client with a token sends no session cookie. For its requests the session,
authentication, messages and session-limit middleware do nothing but cost time: the session is
empty, so the person is anonymous until the API's own authentication reads the token; there are
no messages to show and no session clock to keep. Django's CSRF middleware stays as it is, for
every request: DRF's views are exempt from it already (it returns at once for them), and
`check --deploy` rightly asks to see it by name. Each class here wraps one of them and skips
it for a request to `/api/` that carries no session cookie, and for nothing else.

A browser calling the API sends its session cookie, so its request passes every middleware as
before: the session is read, its idle and absolute limits apply, and DRF's session
authentication enforces CSRF. Security headers, the request id and audit context, the
two-factor rule for tokens and the idle expiry of tokens are not wrapped and apply to every
request (tests/core/test_pages_only.py holds both halves).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

from consultteam.accounts.middleware import SessionLimitsMiddleware

API_PREFIX = "/api/"


def sessionless_api_call(request: HttpRequest) -> bool:
    """A request to the API without a session cookie: a token client, or nobody signed in."""
    return request.path_info.startswith(API_PREFIX) and (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PagesOnly:
    """Mixed in before a middleware class: skips it for a sessionless API call.

    The classes below are subclasses of the middleware they wrap, so Django's own checks (the
    admin's need for the session, authentication and messages middleware) still see them."""

    get_response: Any  # each middleware base types it its own way

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if sessionless_api_call(request):
            self.instead(request)
            skipped: HttpResponse = self.get_response(request)
            return skipped
        response: HttpResponse = super().__call__(request)  # type: ignore[misc]
        return response

    def instead(self, request: HttpRequest) -> None:
        """What a skipped request gets in place of the middleware's work (nothing by default)."""


class SessionForPages(PagesOnly, SessionMiddleware):
    pass


class AuthenticationForPages(PagesOnly, AuthenticationMiddleware):
    """Without a session cookie the session is empty and Django's middleware would find nobody:
    the request is anonymous until the API's authentication reads the token, as before."""

    def instead(self, request: HttpRequest) -> None:
        anonymous = AnonymousUser()
        request.user = anonymous

        async def auser() -> AnonymousUser:
            return anonymous

        request.auser = auser


class MessagesForPages(PagesOnly, MessageMiddleware):
    pass


class SessionLimitsForPages(PagesOnly, SessionLimitsMiddleware):
    pass
