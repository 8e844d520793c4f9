"""Receivers for sign-in, sign-out, failures and lockouts: the audit trail and the record of
signed-in sessions. Connected in `AccountsConfig.ready()`.

An event about a failed sign-in names the account (by its public id) when the typed email
belongs to one, and otherwise nothing: the typed email and password are never stored.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from consultteam.accounts.lockout import attempted_email
from consultteam.accounts.middleware import session_clocks_start
from consultteam.accounts.models import User
from consultteam.accounts.services import user_session_track, user_sessions_end
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


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts-logged-in")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts-logged-out")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="accounts-locked-out")
