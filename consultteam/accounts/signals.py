"""Receivers for sign-in, sign-out, failures and lockouts: the audit trail and the record of
signed-in sessions. Connected in `AccountsConfig.ready()`.

An event about a failed sign-in names the account (by its public id) when the typed email
belongs to one, and otherwise nothing: the typed email and password are never stored.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultteam.accounts.lockout import attempted_email
from consultteam.accounts.middleware import session_clocks_start
from consultteam.accounts.models import User
from consultteam.accounts.services import (
    api_tokens_end,
    user_session_track,
    user_sessions_end,
)
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record


def _account_for(email: str | None) -> User | None:
    if not email:
        return None
    return User.objects.filter(email=email).first()


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **_: Any) -> None:
    audit_record(action=Action.LOGIN, obj=user, actor_id=user.pk)
    if request is not None and hasattr(request, "session"):
        session_clocks_start(request)
        user_session_track(user=user, request=request)


def on_logged_out(sender: Any, request: HttpRequest | None, user: User | None, **_: Any) -> None:
    if user is None:  # signing out without being signed in
        return
    audit_record(action=Action.LOGOUT, obj=user, actor_id=user.pk)
    # Signing out signs out everywhere: a clinician who leaves a shared computer ends the
    # session left open at home too. (A session that times out ends alone; see services.)
    user_sessions_end(user=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    account = _account_for(attempted_email(request, credentials))
    audit_record(action=Action.LOGIN_FAILED, obj=account)


def on_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **_: Any
) -> None:
    # `username` is what AXES_USERNAME_CALLABLE returned: the folded email.
    audit_record(action=Action.LOCKOUT, obj=_account_for(username))


def on_user_saved(sender: Any, instance: User, created: bool, **_: Any) -> None:
    """A new password or a deactivation ends the person's API tokens, whichever path saved it
    (the password page, the admin, a command): a token must not outlive the credentials it was
    issued on, nor come back if the account is turned on again."""
    if created:
        return
    if getattr(instance, "password_was_set", False) or not instance.is_active:
        instance.password_was_set = False
        api_tokens_end(user=instance)


def on_device_removed(sender: Any, instance: TOTPDevice, **_: Any) -> None:
    """An authenticator removed (a two-factor reset by an administrator) ends every token that
    was issued while it guarded the account."""
    if instance.confirmed:
        api_tokens_end(user=instance.user)


def connect() -> None:
    post_save.connect(on_user_saved, sender=User, dispatch_uid="accounts-user-saved")
    post_delete.connect(on_device_removed, sender=TOTPDevice, dispatch_uid="accounts-otp-removed")
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts-logged-in")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts-logged-out")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="accounts-locked-out")
