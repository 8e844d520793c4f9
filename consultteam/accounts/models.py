"""The person who signs in (a clinician, team leader, supervisor or admin; never a client), their
API tokens and their signed-in sessions."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from consultteam.accounts.querysets import ApiTokenQuerySet, UserSessionQuerySet


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a time zone we know; use a name such as Europe/Berlin.",
            params={"value": value},
        )


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively, so we store them folded: one person, one account."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=120, help_text="How colleagues see you, for example 'Dr. R. Vale'."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Times in your reminders and on your pages are shown in this zone.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Unticked: the person can no longer sign in or see anything."
    )
    is_staff = models.BooleanField(
        default=False, help_text="Can sign in to the admin site (not to clinical records)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_folded"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        # Once saved with it, the new password ends the person's API tokens (whatever path set
        # it: the password page, the admin, a command): see accounts/signals.py.
        self.password_was_set = True

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class ApiToken(models.Model):
    """A key a person's device or script sends as ``Authorization: Token <key>``.

    Only the SHA-256 of the key is stored: the key itself is shown once, when it is issued, and
    a copy of the database gives no one a way in. The key carries 256 random bits, so a plain
    hash (no salt, no slow hasher) is enough and lets the lookup use the unique index.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Which device or script uses it, for example 'Laptop'.",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=8, editable=False, help_text="The first characters of the key, to recognise it."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    # Issued after a second factor (a code from the authenticator, or a recovery code), not on
    # the password alone: turning two-factor sign-in on ends the tokens that were not.
    second_factor = models.BooleanField(default=False, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)

    objects: ClassVar[ApiTokenQuerySet] = ApiTokenQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user_created")]

    def __str__(self) -> str:
        return f"{self.name or 'Unnamed token'} ({self.prefix}…)"

    @property
    def idle_until(self) -> datetime:
        """When the token ends unless it is used again."""
        return (self.last_used_at or self.created_at) + timedelta(days=settings.API_TOKEN_IDLE_DAYS)

    @property
    def ends_at(self) -> datetime:
        """The earlier of its expiry and its idle end."""
        return min(self.expires_at, self.idle_until)


# Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests", "Python requests"),
]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


class UserSession(models.Model):
    """One signed-in browser session, so a person's sessions can be listed and ended together.

    The session data itself lives in Django's session store; this row only names its key.
    """

    # The id in the URLs of the sessions page: the session key itself must never appear there.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Updated at most once a minute (see SessionLimitsMiddleware), not on every request.
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    objects: ClassVar[UserSessionQuerySet] = UserSessionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-last_seen_at", "-id"]

    def __str__(self) -> str:
        return f"Session of user {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def device(self) -> str:
        """A rough name for the browser and system, from the user agent, for a person to
        recognise their own sessions ("Firefox on Windows"). Not a security check: clients
        choose what they send."""
        agent = self.user_agent
        if not agent:
            return "Unknown device"
        browser = next((name for key, name in _BROWSERS if key in agent), "A browser")
        system = next((name for key, name in _SYSTEMS if key in agent), None)
        return f"{browser} on {system}" if system else browser


class RecoveryCode(models.Model):
    """One of a person's single-use recovery codes, for when their authenticator is lost.

    Only the SHA-256 of the code is stored (the code is shown once, when the set is made). A code
    carries 80 random bits, so a plain hash is enough, as for API tokens, and the lookup uses the
    unique index. A code is used by deleting its row: the delete's row count decides, so two
    requests racing with the same code cannot both succeed.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Recovery code of user {self.user_id}"


class OnceKey(models.Model):
    """A write that must take effect once, and the answer it got (consultteam/accounts/once.py).

    An API call names itself with an `Idempotency-Key` header; a page's form post is named by
    what it sent (its path and body, which carries the form's one-time CSRF value). A second
    request with the same name, from the same person, gets the first answer again instead of
    doing the write twice. Kept a day for API keys and minutes for pages, then deleted: the
    stored answer may hold clinical text.
    """

    # Who asked: "user:<id>" for a session, "token:<hash>" for an API token.
    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=64)
    # The request's method, path and body, hashed: a key reused for another request is refused.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Empty while the first request is still being answered.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="once_key_unique")]
        indexes = [models.Index(fields=["expires_at"], name="once_key_expiry")]

    def __str__(self) -> str:
        return f"Once-key {self.key[:8]}… of {self.scope}"


class AuthenticatorResetReason(models.TextChoices):
    """Why someone's two-factor was reset: a category, so no free text ever reaches the record
    or the audit trail."""

    LOST_OR_REPLACED_PHONE = "LOST_OR_REPLACED_PHONE", "Phone lost, broken or replaced"
    APP_REMOVED = "APP_REMOVED", "Authenticator app removed or reset"
    RECOVERY_CODES_GONE = "RECOVERY_CODES_GONE", "Recovery codes used up or lost"
    SUSPECTED_COMPROMISE = "SUSPECTED_COMPROMISE", "Authenticator may be in someone else's hands"


class AuthenticatorReset(models.Model):
    """One reset of a person's two-factor sign-in by an administrator or their team leader:
    who, whose, on which team's authority, why (a category), when. Kept apart from the audit
    trail, which records its CREATE and names the person's UPDATE (["two_factor"])."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The team whose leader reset it; empty when an administrator did so from no team.
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=32, choices=AuthenticatorResetReason.choices)
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Two-factor reset of user {self.person_id} ({self.reason})"
