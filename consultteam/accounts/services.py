"""Every write of the accounts app: API tokens, password sign-in for the API, and the record of
signed-in sessions.

Tokens are audited by the registry in apps.py (CREATE when issued, REVOKE when deleted), so the
services here never call `audit_record` for them. Sign-in, sign-out and failures are audited by
the receivers in signals.py; only a session that times out is recorded here, because it ends
without Django's `logout()`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
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
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultteam.accounts.lockout import lockout_message
from consultteam.accounts.models import (
    ApiToken,
    RecoveryCode,
    User,
    UserSession,
    normalize_email,
)
from consultteam.accounts.permissions import (
    can_end_user_session,
    can_revoke_api_token,
    must_enrol_two_factor,
)
from consultteam.accounts.token_lookup import token_for_key_hash
from consultteam.audit import context
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.client_address import client_ip
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

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(lockout_message(request))


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
def api_token_issue(*, user: User, name: str, second_factor: bool = False) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its key. The key is returned only here:
    the database keeps its hash, so it can never be shown again. It expires API_TOKEN_DAYS
    from now; ``second_factor`` says a code was checked besides the password.

    Audited as CREATE (by the registry). Not idempotent: every call makes a new token.
    """
    if not user.is_active:
        raise PermissionDenied("An inactive account cannot get an API token.")
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with _acting_for(user):
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            key_hash=api_token_hash(key),
            prefix=key[:8],
            created_at=now,
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
            second_factor=second_factor,
        )
    return token, key


def api_token_ended(token: ApiToken) -> str | None:
    """Why ``token`` no longer lets anyone in (past its expiry, or unused too long), or None
    while it does. The message tells its owner what to do."""
    now = timezone.now()
    if now >= token.expires_at:
        return (
            f"That token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC "
            f"(tokens last {settings.API_TOKEN_DAYS} days). Get a new one."
        )
    if now >= token.idle_until:
        return f"That token ended after {settings.API_TOKEN_IDLE_DAYS} days unused. Get a new one."
    return None


def api_tokens_end(*, user: User, password_only: bool = False) -> int:
    """End the person's API tokens (only those issued on the password alone, with
    ``password_only``): after a new password, a deactivation or a change of their second
    factor. Each is audited as REVOKE (by the registry). Safe to run twice. Returns how many."""
    tokens = ApiToken.objects.filter(user=user)
    if password_only:
        tokens = tokens.filter(second_factor=False)
    ended, _ = tokens.delete()
    return ended


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
    """The token with this key, with its user; None for an unknown or revoked key.

    The same query also answers what the two-factor rule asks of the user (attributes
    `user_is_member`: an active team membership; `user_has_device`: a confirmed
    authenticator), so a request with a token costs one query for all of it, not four. It is
    compiled once (consultteam/accounts/token_lookup.py): every API request pays for it.
    """
    return token_for_key_hash(api_token_hash(key))


TOKEN_OF_REQUEST = "_consultteam_api_token"  # noqa: S105 (an attribute name, not a secret)


def api_token_of_request(request: HttpRequest, key: str) -> ApiToken | None:
    """`api_token_for_key`, looked up once per request: the two-factor middleware and the API's
    authentication both need it. Kept on this request object only (never across requests or
    people), keyed by the key itself."""
    found = getattr(request, TOKEN_OF_REQUEST, None)
    if found is not None and found[0] == key:
        return found[1]  # type: ignore[no-any-return]
    token = api_token_for_key(key)
    setattr(request, TOKEN_OF_REQUEST, (key, token))
    return token


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
            raise SignInLockedOut(request)
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


@transaction.atomic
def user_session_end(*, session: UserSession, by: User) -> None:
    """Sign one of ``by``'s sessions out (from the sessions page): its session data is deleted,
    so the browser holding it is signed out at its next request.

    Audited as LOGOUT of the session. Safe to run twice: the row is locked first, and a session
    already gone is left alone and recorded once.
    """
    if not can_end_user_session(by, session):
        raise PermissionDenied("Only the person signed in by a session can end it.")
    locked = UserSession.objects.select_for_update().filter(pk=session.pk).first()
    if locked is None:
        return
    _session_store().delete(locked.session_key)
    locked.delete()
    audit_record(action=Action.LOGOUT, obj=locked)


@transaction.atomic
def user_sessions_end_elsewhere(*, user: User, keep_session_key: str) -> int:
    """Sign ``user`` out everywhere but the session ``keep_session_key`` ("sign out everywhere
    else" on the sessions page, and after enrolling a second factor).

    Audited as one LOGOUT per session ended. Returns how many ended. Safe to run twice: the
    second call finds nothing to end.
    """
    ended = list(
        UserSession.objects.select_for_update()
        .filter(user=user)
        .exclude(session_key=keep_session_key)
    )
    store = _session_store()
    for session in ended:
        store.delete(session.session_key)
    UserSession.objects.filter(pk__in=[session.pk for session in ended]).delete()
    for session in ended:
        audit_record(action=Action.LOGOUT, obj=session, actor_id=user.pk)
    return len(ended)


# --- Two-factor sign-in -----------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
# The marker on LOGIN_FAILED (and LOGIN) events about a second factor, as opposed to a password.
OTP_MARKER = "otp"


class TwoFactorRefused(DomainError):
    """A wrong, expired or already used code: one message for all, as for passwords."""

    status = 400

    def __init__(self) -> None:
        super().__init__(
            "That code is not valid. Enter the current 6-digit code from your authenticator "
            "app (each code works once), or one of your recovery codes."
        )


class TwoFactorThrottled(DomainError):
    """Wrong codes came too fast: django-otp refuses to check any code until the wait is over,
    doubling with each further failure."""

    status = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(
            f"Too many wrong codes. Wait {seconds} seconds before trying again; "
            "the wait doubles with each wrong code."
        )


class TwoFactorCodeRequired(DomainError):
    status = 400

    def __init__(self) -> None:
        super().__init__(
            "This account uses two-factor sign-in: send the current code from your "
            "authenticator app (or a recovery code) as `code` with the email and password."
        )


class TwoFactorEnrolmentRequired(DomainError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "Two-factor sign-in is required for your account. Set it up at "
            "/accounts/two-factor/ before getting an API token."
        )


class TwoFactorNotPending(DomainError):
    """Enrolment confirmed twice, or a code for an enrolment that was never started."""

    status = 409


def two_factor_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator, if they have one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_code_hash(code: str) -> str:
    return hashlib.sha256(_code_normalized(code).encode()).hexdigest()


def _code_normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _recovery_code_new() -> str:
    # 16 characters of base 32: 80 random bits, in groups of four to copy without mistakes.
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=recovery_code_hash(code)) for code in codes
    )
    return codes


def _wait_seconds(locked_until: datetime | None) -> int:
    if locked_until is None:
        return 1
    return max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))


def _code_check(*, device: TOTPDevice, user: User, code: str, recovery: bool) -> str | None:
    """Check ``code`` against the locked ``device`` (and, if ``recovery``, the person's recovery
    codes), with django-otp's throttle. Returns "totp" or "recovery" when accepted; raises
    TwoFactorThrottled while the throttle holds; returns None for a wrong code, having counted
    the failure. The caller records the failure after its transaction, so the count stays."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorThrottled(_wait_seconds((info or {}).get("locked_until")))
    normalized = _code_normalized(code)
    if normalized.isdigit() and len(normalized) == device.digits:
        # django-otp refuses a code at or before the last accepted time step (`last_t`), so a
        # code cannot be used twice; it counts a failure itself.
        return "totp" if device.verify_token(normalized) else None
    if recovery and normalized:
        # The delete's row count decides: of two requests with one code, only one deletes it.
        used, _ = RecoveryCode.objects.filter(
            user=user, code_hash=recovery_code_hash(normalized)
        ).delete()
        if used:
            device.throttle_reset()
            return "recovery"
    device.throttle_increment()
    return None


def _code_failed(*, user: User, error: DomainError) -> DomainError:
    marker = [OTP_MARKER, "throttled"] if isinstance(error, TwoFactorThrottled) else [OTP_MARKER]
    audit_record(action=Action.LOGIN_FAILED, obj=user, actor_id=user.pk, fields=marker)
    return error


@transaction.atomic
def two_factor_enrol_start(*, user: User) -> TOTPDevice:
    """The person's authenticator waiting for its first code, made (with a new secret) if there
    is none. Not audited: nothing is active until a code confirms it. Safe to run twice: the
    same unconfirmed device comes back, so the QR code shown does not change on a reload."""
    if not user.is_active:
        raise PermissionDenied("An inactive account cannot set up two-factor sign-in.")
    if two_factor_device(user) is not None:
        raise TwoFactorNotPending("Two-factor sign-in is already on for your account.")
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def two_factor_enrol_confirm(*, user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with the first valid code from the authenticator being set
    up, and make the person's ten recovery codes: returned only here, stored hashed.

    Audited as UPDATE of the person (fields ["two_factor"]); a wrong code as LOGIN_FAILED
    (["otp"]) and throttled like any code. Not idempotent: a second call is refused (409).
    """
    error: DomainError
    with transaction.atomic():
        if two_factor_device(user) is not None:
            raise TwoFactorNotPending("Two-factor sign-in is already on for your account.")
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise TwoFactorNotPending("Start again: open the two-factor page to get a new QR code.")
        try:
            accepted = _code_check(device=device, user=user, code=code, recovery=False)
        except TwoFactorThrottled as throttled:
            error = throttled
        else:
            if accepted is None:
                error = TwoFactorRefused()
            else:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = _recovery_codes_replace(user)
                audit_record(action=Action.UPDATE, obj=user, fields=["two_factor"])
                # From now on a token rests on a code too: those got on the password end.
                api_tokens_end(user=user, password_only=True)
                return codes
    raise _code_failed(user=user, error=error)


def two_factor_verify(*, user: User, code: str) -> str:
    """Check the second factor of a sign-in: a current code from the person's authenticator, or
    one of their recovery codes (used up by this). Returns "totp" or "recovery".

    Audited as LOGIN (fields ["otp"], plus "recovery_code" when one was used); a wrong or
    replayed code as LOGIN_FAILED (["otp"]), a throttled attempt as LOGIN_FAILED (["otp",
    "throttled"]). Not idempotent by design: an accepted code is refused the second time.
    """
    error: DomainError
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise TwoFactorNotPending("Two-factor sign-in is not set up for your account.")
        try:
            accepted = _code_check(device=device, user=user, code=code, recovery=True)
        except TwoFactorThrottled as throttled:
            error = throttled
        else:
            if accepted is not None:
                fields = [OTP_MARKER, "recovery_code"] if accepted == "recovery" else [OTP_MARKER]
                audit_record(action=Action.LOGIN, obj=user, actor_id=user.pk, fields=fields)
                return accepted
            error = TwoFactorRefused()
    raise _code_failed(user=user, error=error)


def two_factor_for_api_token(*, user: User, code: str) -> bool:
    """The second factor of `POST /api/v1/auth/token/`, after the password: a person with an
    authenticator must send a current code (so a token never rests on a password alone), and
    with REQUIRE_TWO_FACTOR a person who must enrol and has not is refused.

    Returns whether a code was checked. Raises TwoFactorEnrolmentRequired,
    TwoFactorCodeRequired, or what `two_factor_verify` raises. Audited through
    `two_factor_verify`, attributed to ``user``.
    """
    if two_factor_device(user) is None:
        if settings.REQUIRE_TWO_FACTOR and must_enrol_two_factor(user):
            raise TwoFactorEnrolmentRequired
        return False
    if not code.strip():
        raise TwoFactorCodeRequired
    with _acting_for(user):
        two_factor_verify(user=user, code=code)
    return True


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the person's recovery codes with ten new ones (the old ones stop working), for
    someone who used some or fears they were seen. Returned only here, stored hashed.

    Audited as UPDATE of the person (fields ["recovery_codes"]). Not idempotent: every call
    makes a new set.
    """
    if two_factor_device(user) is None:
        raise TwoFactorNotPending("Set up two-factor sign-in first.")
    codes = _recovery_codes_replace(user)
    audit_record(action=Action.UPDATE, obj=user, fields=["recovery_codes"])
    return codes
