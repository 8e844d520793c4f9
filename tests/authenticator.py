"""An authenticator app for the two-factor tests: a device's code worked out from its key with
django-otp's own TOTP function (the real algorithm, no mocks), and a person enrolled through
the services as the setup page does it."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultteam.accounts.services import two_factor_enrol_confirm, two_factor_enrol_start

# Where a person enrols (and, once enrolled, sees their recovery codes).
SETUP_URL = "/accounts/two-factor/"


def code_of(device: TOTPDevice, *, ahead: int = 0) -> str:
    """The device's current code (or one ``ahead`` steps later), as an authenticator app
    would show it."""
    device.refresh_from_db()
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead)
    return f"{token:0{device.digits}d}"


def enrolled(user: Any) -> tuple[TOTPDevice, list[str]]:
    """Enrol ``user`` through the services, as the setup page does; the device and the
    recovery codes it was given."""
    device = two_factor_enrol_start(user=user)
    codes = two_factor_enrol_confirm(user=user, code=code_of(device))
    device.refresh_from_db()
    return device, codes
