"""Session limits: a signed-in session ends after SESSION_IDLE_MINUTES without a request and
after SESSION_MAX_HOURS in all, whatever the browser's cookie says.

The clocks live in the session (epoch seconds), started at sign-in by `session_clocks_start`.
Requests authenticated by an API token carry no session and are not affected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from consultteam.accounts.models import User
from consultteam.accounts.services import (
    USE_RECORD_INTERVAL,
    user_session_expire,
    user_session_seen,
)

SIGNED_IN_AT = "consultteam.signed_in_at"
LAST_SEEN_AT = "consultteam.last_seen_at"


def session_clocks_start(request: HttpRequest) -> None:
    """Start the idle and absolute clocks of the request's session, and let the session (its
    cookie and its stored row) expire by itself at the absolute limit as well."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now
    deadline = now + settings.SESSION_MAX_HOURS * 3600
    request.session.set_expiry(datetime.fromtimestamp(deadline, tz=UTC))


def _clock(request: HttpRequest, key: str) -> float | None:
    value = request.session.get(key)
    return float(value) if isinstance(value, int | float) else None


class SessionLimitsMiddleware:
    """Ends a session that has been idle or open too long, and keeps its last-seen time.

    Goes after AuthenticationMiddleware (it reads the user), AuditContextMiddleware (the
    sign-out is audited with the request's id and address) and MessageMiddleware (it leaves a
    message for the sign-in page). A session that ends here ends alone; the request goes on as
    anonymous, so a page redirects to sign-in and the API answers 401.

    The last-seen time is written at most once a minute (USE_RECORD_INTERVAL), not on every
    request: so the idle limit counts from a time up to a minute before the last request, and a
    session may end up to a minute early, never late.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: User) -> None:
        now = time.time()
        signed_in_at = _clock(request, SIGNED_IN_AT)
        last_seen_at = _clock(request, LAST_SEEN_AT)
        if signed_in_at is None or last_seen_at is None:
            # Signed in before these limits existed: start counting from now.
            session_clocks_start(request)
            user_session_seen(user=user, request=request)
            return
        idle_minutes: int = settings.SESSION_IDLE_MINUTES
        max_hours: int = settings.SESSION_MAX_HOURS
        if now - signed_in_at >= max_hours * 3600:
            user_session_expire(request=request, user=user)
            messages.info(
                request,
                f"You were signed out because a session lasts at most {max_hours} hours. "
                "Please sign in again.",
            )
        elif now - last_seen_at >= idle_minutes * 60:
            user_session_expire(request=request, user=user)
            messages.info(
                request, f"You were signed out after {idle_minutes} minutes without activity."
            )
        elif now - last_seen_at >= USE_RECORD_INTERVAL.total_seconds():
            request.session[LAST_SEEN_AT] = now
            user_session_seen(user=user, request=request)
