"""Every write of the accounts app: API tokens, password sign-in for the API, and the record of
signed-in sessions.

Tokens are audited by the registry in apps.py (CREATE when issued, REVOKE when deleted), so the
services here never call `audit_record` for them. Sign-in, sign-out and failures are audited by
the receivers in signals.py; only a session that times out is recorded here, because it ends
without Django's `logout()`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from consultteam.accounts.lockout import lockout_message
from consultteam.accounts.models import ApiToken, User, UserSession, normalize_email
from consultteam.accounts.permissions import can_revoke_api_token
from consultteam.audit import context
from consultteam.audit.middleware import client_ip
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.errors import DomainError

# How stale `last_used_at` (tokens) and `last_seen_at` (sessions) may get before one request
# writes them again: a write per request would turn every read into a write.
USE_RECORD_INTERVAL = timedelta(minutes=1)

# The sign-in form says the same (SignInForm).
SIGN_IN_REFUSED = "That email and password do not match an active account."


class SignInRefused(DomainError):
    """Wrong email or password, an unknown or inactive account: deliberately one message, so
    the answer never tells whether an account exists."""

    status = 400

    def __init__(self) -> None:
        super().__init__(SIGN_IN_REFUSED)


class SignInLockedOut(DomainError):
    """Too many failures for this email from this address: django-axes refuses every attempt,
    even with the right password, until the cool-off has passed."""

    status = 429

    def __init__(self) -> None:
        super().__init__(lockout_message())


# --- API tokens -------------------------------------------------------------------------------


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@contextmanager
def _acting_for(user: User) -> Iterator[None]:
    """Attribute audit events to ``user`` when nobody is signed in (a token is issued to an
    anonymous request that just proved the password), keeping the request id and address."""
    ctx = context.current()
    with context.acting(
        actor_id=ctx.actor if ctx.actor is not None else user.pk,
        request_id=ctx.request_id or None,
        ip=ctx.ip,
        request=ctx.request,
    ):
        yield


@transaction.atomic
def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its key. The key is returned only here:
    the database keeps its hash, so it can never be shown again.

    Audited as CREATE (by the registry). Not idempotent: every call makes a new token.
    """
    if not user.is_active:
        raise PermissionDenied("An inactive account cannot get an API token.")
    key = secrets.token_urlsafe(32)
    with _acting_for(user):
        token = ApiToken.objects.create(
            user=user, name=name.strip(), key_hash=api_token_hash(key), prefix=key[:8]
        )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    """Delete ``token``, so requests carrying its key are refused from now on.

    Audited as REVOKE (by the registry). Safe to run twice: the row is locked first, and a
    token already gone is left alone and recorded once.
    """
    if not can_revoke_api_token(by, token):
        raise PermissionDenied("Only the token's owner can revoke it.")
    locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
    if locked is not None:
        locked.delete()


def api_token_for_key(key: str) -> ApiToken | None:
    """The token with this key, with its user; None for an unknown or revoked key."""
    return ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key)).first()


def api_token_mark_used(*, token: ApiToken, ip: str | None) -> None:
    """Record that ``token`` was used now, from ``ip``: at most one write a minute per token.

    One conditional UPDATE, not audited (bookkeeping). Safe to run twice and concurrently: only
    the first request of the minute matches the condition.
    """
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORD_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USE_RECORD_INTERVAL)
    ).update(last_used_at=now, last_used_ip=ip)


def password_sign_in(*, request: HttpRequest, email: str, password: str) -> User:
    """Check an email and password for the API, through the same django-axes accounting as
    the sign-in page: a failure counts toward the lockout of this email from this address, and
    a success clears the count.

    ``request`` must be the Django request (not DRF's wrapper): axes marks it, and its
    middleware turns the mark into the lockout answer. Raises SignInLockedOut or SignInRefused.
    Does not start a session and sends no ``user_logged_in``.
    """
    # Axes reads the attempted email from the credentials under the same name as the sign-in
    # form's field ("username"), so both paths count toward one lockout.
    user = authenticate(request, username=email, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise SignInLockedOut
        raise SignInRefused
    assert isinstance(user, User)
    # The page gets this from AXES_RESET_ON_SUCCESS on `user_logged_in`; the API sends no such
    # signal, so clear this email-and-address pair here. (Without an address, axes would clear
    # the email's failures from every address: leave them.)
    ip = client_ip(request)
    if ip is not None:
        axes_reset(ip=ip, username=normalize_email(email))
    return user


# --- Sessions ---------------------------------------------------------------------------------


def _session_store() -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore()
    return store


def user_session_track(*, user: User, request: HttpRequest) -> UserSession:
    """Record the request's session as one of ``user``'s (on sign-in, or for a session that
    began before sessions were recorded). Gives the session a key if it has none yet, and drops
    the person's records of sessions past the absolute limit (ended without a sign-out).

    Safe to run twice: the row is keyed by the session key.
    """
    if request.session.session_key is None:
        request.session.save()
    session_key = request.session.session_key
    assert session_key is not None
    now = timezone.now()
    UserSession.objects.filter(
        user=user, created_at__lt=now - timedelta(hours=settings.SESSION_MAX_HOURS)
    ).delete()
    row, _ = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "last_seen_at": now},
        create_defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip": client_ip(request),
            "user_agent": request.headers.get("User-Agent", "")[:200],
        },
    )
    return row


def user_session_seen(*, user: User, request: HttpRequest) -> None:
    """Move the session's ``last_seen_at`` to now (callers do this at most once a minute).
    Recreates the row if it is missing. Safe to run twice."""
    updated = UserSession.objects.filter(session_key=request.session.session_key, user=user).update(
        last_seen_at=timezone.now()
    )
    if not updated:
        user_session_track(user=user, request=request)


@transaction.atomic
def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """Sign ``user`` out of every recorded session except ``keep_session_key``: their session
    data is deleted, so the browsers holding them are signed out at their next request.

    Returns how many sessions ended. Not audited (the sign-out or password change that calls it
    is). Safe to run twice: the second call finds nothing to end.
    """
    sessions = UserSession.objects.select_for_update().filter(user=user)
    if keep_session_key is not None:
        sessions = sessions.exclude(session_key=keep_session_key)
    keys = list(sessions.values_list("session_key", flat=True))
    # Through the session engine, not the Session model, so a cache-backed engine works too.
    store = _session_store()
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def user_sessions_end_others(
    *, user: User, current_session_key: str, previous_session_key: str | None
) -> int:
    """After a password change: keep the current session, end every other one of ``user``.

    Django gives the current session a new key when the password changes
    (`update_session_auth_hash`); its record moves from ``previous_session_key`` to
    ``current_session_key`` first. Returns how many sessions ended. Safe to run twice.
    """
    if previous_session_key and previous_session_key != current_session_key:
        UserSession.objects.filter(session_key=previous_session_key, user=user).update(
            session_key=current_session_key
        )
    return user_sessions_end(user=user, keep_session_key=current_session_key)


@transaction.atomic
def user_session_expire(*, request: HttpRequest, user: User) -> None:
    """End the request's session because it was idle or too old: only this session (unlike a
    sign-out, which ends all of the person's sessions). The request goes on as anonymous.

    Audited as LOGOUT. Not idempotent: call it once, for a session that is still signed in.
    """
    audit_record(action=Action.LOGOUT, obj=user, actor_id=user.pk)
    UserSession.objects.filter(session_key=request.session.session_key).delete()
    request.session.flush()
    request.user = AnonymousUser()
