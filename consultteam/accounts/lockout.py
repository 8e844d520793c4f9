"""How django-axes sees our sign-ins, and how a lockout is answered.

Settings point here: AXES_USERNAME_CALLABLE (`attempted_email`) and AXES_LOCKOUT_CALLABLE
(`lockout_response`). Neither the message nor the response says whether the email belongs to
an account: an unknown email is counted and locked out exactly like a known one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from consultteam.accounts.models import normalize_email
from consultteam.client_address import client_ip

# Set on a request refused for its address, so the answer says why.
ADDRESS_LIMITED = "_consultteam_address_limited"


def lockout_minutes() -> int:
    cool_off: timedelta | None = get_cool_off()
    if cool_off is None:  # not configured so; settings always set a cool-off
        raise ImproperlyConfigured("AXES_COOLOFF_TIME must be set: lockouts must end.")
    return max(1, round(cool_off.total_seconds() / 60))


def lockout_message(request: HttpRequest | None = None) -> str:
    if request is not None and getattr(request, ADDRESS_LIMITED, False):
        return (
            "Too many failed sign-ins from your network, for several accounts. Try again in "
            f"{lockout_minutes()} minutes, or ask an administrator."
        )
    return (
        f"Too many failed sign-ins. Try again in {lockout_minutes()} minutes, "
        "or ask an administrator."
    )


def failures_from(ip: str) -> int:
    """Failed sign-ins from ``ip`` within the cool-off, whatever emails were tried: the sum of
    django-axes' counts for each email tried from there (one database query)."""
    since = timezone.now() - timedelta(minutes=lockout_minutes())
    counted = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start")
    )
    return int(counted["failures"] or 0)


class AddressCeiling:
    """Refuses every sign-in attempt, right password or not, from an address that failed
    LOGIN_ADDRESS_FAILURE_LIMIT times within the cool-off across any number of accounts:
    django-axes locks out one email at one address, which a spray of one guess at each of many
    accounts never reaches. Listed after axes' backend, so the form and the API token endpoint
    (both call `authenticate`) share it, and axes' middleware answers 429 as for a lockout.
    Authenticates no one itself, and has no `get_user`: a backend with one could be the one a
    session is signed in through (Django's test client picks the first such)."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        ip = client_ip(request) if request is not None else None
        if ip is not None and failures_from(ip) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            assert request is not None
            setattr(request, ADDRESS_LIMITED, True)
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied
        return None


def attempted_email(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The email an attempt was made for, folded like stored emails, so 'Tara@…' and 'tara@…'
    count toward one lockout (and a success clears both).

    Both paths pass it to `authenticate` as ``username``: the sign-in form (its field is named
    so) and the token endpoint (which maps its ``email`` field). Axes passes the credentials it
    has; without them it falls back to the posted form.
    """
    value: Any = None
    if credentials:
        value = credentials.get("username")
    elif request is not None:
        value = request.POST.get("username")
    if not isinstance(value, str) or not value.strip():
        return None
    return normalize_email(value)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 for a locked-out attempt: JSON under /api/ (where consultteam/urls.py mounts the
    API), the locked-out page elsewhere. Retry-After tells clients when to come back."""
    message = lockout_message(request)
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"message": message, "minutes": lockout_minutes()},
            status=429,
        )
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response
