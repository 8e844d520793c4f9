"""How django-axes sees our sign-ins, and how a lockout is answered.

Settings point here: AXES_USERNAME_CALLABLE (`attempted_email`) and AXES_LOCKOUT_CALLABLE
(`lockout_response`). Neither the message nor the response says whether the email belongs to
an account: an unknown email is counted and locked out exactly like a known one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from consultteam.accounts.models import normalize_email


def lockout_minutes() -> int:
    cool_off: timedelta | None = get_cool_off()
    if cool_off is None:  # not configured so; settings always set a cool-off
        raise ImproperlyConfigured("AXES_COOLOFF_TIME must be set: lockouts must end.")
    return max(1, round(cool_off.total_seconds() / 60))


def lockout_message() -> str:
    return (
        f"Too many failed sign-ins. Try again in {lockout_minutes()} minutes, "
        "or ask an administrator."
    )


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
    message = lockout_message()
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
