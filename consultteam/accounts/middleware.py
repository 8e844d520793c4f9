"""Session limits: a signed-in session ends after SESSION_IDLE_MINUTES without a request and
after SESSION_MAX_HOURS in all, whatever the browser's cookie says. And the second factor:
`TwoFactorRequiredMiddleware` holds a session that owes a code, or a person who must enrol, to
the two-factor pages.

The clocks live in the session (epoch seconds), started at sign-in by `session_clocks_start`.
Requests authenticated by an API token carry no session and are not affected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from consultteam.accounts import two_factor
from consultteam.accounts.models import User
from consultteam.accounts.permissions import must_enrol_two_factor
from consultteam.accounts.services import (
    USE_RECORD_INTERVAL,
    api_token_of_request,
    two_factor_device,
    user_session_expire,
    user_session_seen,
)
from consultteam.accounts.time_zones import zone_of

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


# Reachable whatever the second factor's state: the pages that settle it, signing out, and
# what carries no personal data. The token endpoint reads no session and checks codes itself.
ALWAYS_OPEN = frozenset(
    {"two-factor-verify", "logout", "api-token-issue", "api-schema", "api-docs"}
)
# Open also to a person who must enrol but has not: enrolment, and their password.
OPEN_BEFORE_ENROLMENT = ALWAYS_OPEN | {"two-factor-setup", "password-change"}

VERIFY_FIRST = "Enter the code from your authenticator app to finish signing in."
ENROL_FIRST = (
    "Two-factor sign-in is required for your account: set it up at /accounts/two-factor/ "
    "before using the API."
)


def _route_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


class TwoFactorRequiredMiddleware:
    """Holds back a signed-in session until its second factor is settled.

    - A session whose person has an authenticator (whatever REQUIRE_TWO_FACTOR says) reaches
      only the verify page and sign-out until a code is given.
    - With REQUIRE_TWO_FACTOR, a person with access to clinical records (active member or staff)
      who has no authenticator reaches only enrolment, verify, sign-out and the password page.
    - With REQUIRE_TWO_FACTOR, an API token of such a person is refused (403) too.

    Pages are redirected; the API (/api/) answers 403 with a message. `/healthz` and static
    files are always open. The state lives in the session (two_factor.py): no query for a
    session that is verified or pending; one (membership) per request for a person without an
    authenticator while the requirement is on, and three for a request with an API token.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._held(request) or self.get_response(request)

    def _held(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path_info
        if path == "/healthz" or path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return None
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            state = two_factor.session_state(request, user)
            if state == two_factor.PENDING:
                if _route_name(request) in ALWAYS_OPEN:
                    return None
                return self._send(request, "two-factor-verify", VERIFY_FIRST)
            if (
                state == two_factor.NONE
                and settings.REQUIRE_TWO_FACTOR
                and must_enrol_two_factor(user)
            ):
                if _route_name(request) in OPEN_BEFORE_ENROLMENT:
                    return None
                return self._send(request, "two-factor-setup", ENROL_FIRST)
            return None
        if settings.REQUIRE_TWO_FACTOR and path.startswith("/api/"):
            return self._token_held(request)
        return None

    def _token_held(self, request: HttpRequest) -> HttpResponse | None:
        parts = request.headers.get("Authorization", "").split()
        if len(parts) != 2 or parts[0].lower() != "token":
            return None  # no token: the API's own authentication answers
        token = api_token_of_request(request, parts[1])
        if token is None or not token.user.is_active:
            return None  # TokenAuthentication refuses it with its own message
        # The token's lookup already answered both questions (see api_token_for_key), so
        # neither costs a query here.
        is_member: bool | None = getattr(token, "user_is_member", None)
        has_device: bool | None = getattr(token, "user_has_device", None)
        if not must_enrol_two_factor(token.user, is_member=is_member):
            return None
        if has_device is None:
            has_device = two_factor_device(token.user) is not None
        if not has_device:
            return JsonResponse({"detail": ENROL_FIRST}, status=403)
        return None

    def _send(self, request: HttpRequest, route: str, message: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        url = reverse(route)
        if request.method == "GET" and route == "two-factor-verify":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)


class PersonTimeZoneMiddleware:
    """Pages in the signed-in person's own zone (their setting, which says so): the times they
    show and the "today" of date pickers and form checks. Meeting times keep naming the team's
    zone, as the templates ask. The API keeps UTC (its times are ISO 8601 with a Z); its
    services decide what is in the future with the person's zone all the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and user.is_authenticated
            and not request.path_info.startswith("/api/")
        ):
            timezone.activate(zone_of(user))
        try:
            return self.get_response(request)
        finally:
            # The zone is per thread: the next request on it must not inherit this person's.
            timezone.deactivate()
