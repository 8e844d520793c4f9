"""Where a signed-in session stands with the second factor, kept in the session itself so the
check on every request costs no query.

At sign-in (`user_logged_in`) the session is marked PENDING when the person has a confirmed
authenticator, otherwise NONE; a valid code (or a confirmed enrolment) marks it VERIFIED. A
session that began before this existed has no mark and gets one at its next request.
`TwoFactorRequiredMiddleware` (middleware.py) acts on the mark.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

import segno
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultteam.accounts.models import User

STATE_KEY = "consultteam.two_factor"
PENDING: Literal["pending"] = "pending"  # has an authenticator; no code given in this session
VERIFIED: Literal["verified"] = "verified"  # gave a code (or enrolled) in this session
NONE: Literal["none"] = "none"  # no authenticator when the session began

State = Literal["pending", "verified", "none"]


def _state_at_sign_in(user: User) -> State:
    return PENDING if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else NONE


def session_state(request: HttpRequest, user: User) -> State:
    """The session's mark, set now (one query) if the session has none."""
    state = request.session.get(STATE_KEY)
    if state in (PENDING, VERIFIED, NONE):
        return state  # type: ignore[no-any-return]
    state = _state_at_sign_in(user)
    request.session[STATE_KEY] = state
    return state


def session_verified(request: HttpRequest) -> None:
    """Mark the session as having passed the second factor."""
    request.session[STATE_KEY] = VERIFIED


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **_: Any) -> None:
    # `login()` has already given the session its new key (or a fresh one for a new person),
    # so a mark from before the sign-in cannot carry over.
    if request is not None and hasattr(request, "session"):
        request.session[STATE_KEY] = _state_at_sign_in(user)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts-two-factor-logged-in")


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code in an SVG data: URI, which the CSP allows
    as an image (`img-src data:`) where an inline script or style would be refused."""
    config_url: str = device.config_url
    qr = segno.make(config_url, error="m")
    uri: str = qr.svg_data_uri(scale=5, border=4, dark="#000", light="#fff")
    return uri


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The secret in base 32, in groups of four, for apps that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
