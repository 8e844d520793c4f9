"""A consultation team and who belongs to it. Membership is the main path to every record."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from consultteam.accounts.models import validate_time_zone
from consultteam.teams.querysets import InvitationQuerySet, MembershipQuerySet, TeamQuerySet


class Cadence(models.TextChoices):
    WEEKLY = "WEEKLY", "Every week"
    BIWEEKLY = "BIWEEKLY", "Every other week"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Team(models.Model):
    objects: ClassVar[TeamQuerySet] = TeamQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Meeting times are planned and shown in this zone.",
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    meeting_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.WEDNESDAY
    )
    meeting_start = models.TimeField(default=dt.time(9, 0), help_text="In the team's time zone.")
    meeting_minutes = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
        help_text="How long the meeting usually runs, in minutes.",
    )
    agenda_cutoff_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(14 * 24)],
        help_text="Items submitted later than this before the meeting go to the next one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    TEAM_LEADER = "TEAM_LEADER", "Team leader"
    THERAPIST = "THERAPIST", "Therapist"
    SUPERVISOR = "SUPERVISOR", "Supervisor"
    TRAINEE = "TRAINEE", "Trainee"


# The named role sets every access rule uses (tuples: they are also the shapes of the compiled
# team reads, consultteam/access.py). The team leader alone runs the team; the team leader and
# supervisors oversee its clinical work: they read every record of the team and review it.
LEADER_ROLES: tuple[Role, ...] = (Role.TEAM_LEADER,)
OVERSEER_ROLES: tuple[Role, ...] = (Role.TEAM_LEADER, Role.SUPERVISOR)


class Membership(models.Model):
    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.THERAPIST)
    is_active = models.BooleanField(
        default=True, help_text="A former member keeps their history but sees nothing."
    )
    joined_on = models.DateField(default=dt.date.today)
    left_on = models.DateField(null=True, blank=True)
    agreements_committed_on = models.DateField(
        null=True, blank=True, help_text="When the member committed to the team agreements."
    )

    class Meta:
        ordering = ["team__name", "user__display_name"]
        constraints = [
            # One row per person and team: leaving and rejoining changes the row, and the
            # audit trail keeps the history.
            models.UniqueConstraint(fields=["team", "user"], name="membership_one_per_team"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"


# Per-object exceptions to membership: a person (or group) outside the team allowed to see it,
# for example a supervisor who reviews this team's work. Direct foreign keys, not guardian's
# generic tables, so the lookup stays an indexed integer join.
class TeamUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)


class TeamGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)


class Invitation(models.Model):
    """An email address asked to join a team with a role, by its leader or an administrator.

    The link's token is stored only as its SHA-256 (it carries 256 random bits, so a plain hash
    is enough, as for API tokens): whoever reads the database cannot accept for anyone. Resending
    gives the row a new token, so the old link stops working. Used once (accepted), revoked, or
    past `expires_at`, the link opens nothing.
    """

    objects: ClassVar[InvitationQuerySet] = InvitationQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.THERAPIST)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "accepted_at", "revoked_at"], name="invitation_team")
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.team} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
