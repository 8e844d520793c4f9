"""Cases, known only by a random code: who treats them, their missed sessions, and emergency
(break-glass) access to one. The texts' lengths every record model shares are here too.

Nothing here identifies a client (cases/models/__init__.py).
"""

from __future__ import annotations

import secrets
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.choices import (
    SESSION_MODES,
    CaseStatus,
    Stage,
)
from cases.querysets import (
    CaseQuerySet,
    EmergencyAccessQuerySet,
)

# Unambiguous characters only (no 0/O, 1/I/L), so a code read aloud in team is not misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
SHORT_TEXT = 200
LONG_TEXT = 2000

User = settings.AUTH_USER_MODEL


def new_case_code() -> str:
    """A random code such as C-7F3K9Q: drawn from the OS's random source, never derived."""
    return "C-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _first_of_month(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__day": 1})


class Case(models.Model):
    objects: ClassVar[CaseQuerySet] = CaseQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="cases")
    code = models.CharField(max_length=8, default=new_case_code, editable=False)
    primary_therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PRETREATMENT)
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    # Month and year only: a full date could help identify the client.
    opened = models.DateField(help_text="Month and year the case opened (stored as the 1st).")
    closed = models.DateField(null=True, blank=True, help_text="Month and year it closed.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["team", "code"], name="case_code_unique_per_team"),
            models.CheckConstraint(
                condition=_first_of_month("opened"),
                name="case_opened_month",
                violation_error_message="Cases record the month they opened, not the day.",
            ),
            models.CheckConstraint(
                condition=_first_of_month("closed"),
                name="case_closed_month",
                violation_error_message="Cases record the month they closed, not the day.",
            ),
            models.CheckConstraint(
                condition=Q(closed__isnull=True) | Q(closed__gte=models.F("opened")),
                name="case_closed_after_opened",
                violation_error_message="A case cannot close before the month it opened.",
            ),
        ]
        indexes = [models.Index(fields=["team", "status"], name="case_team_status")]
        permissions = [("co_treat_case", "Co-treat this case (read and write its record)")]

    def __str__(self) -> str:
        return self.code


# Per-object exceptions: a co-therapist (perhaps from another team) on one case.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class MissedSessions(models.Model):
    """How many sessions of one mode a client has missed in a row. Reset when they attend."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="missed_sessions")
    mode = models.CharField(max_length=20, choices=[(m.value, m.label) for m in SESSION_MODES])
    in_a_row = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "mode"], name="missed_sessions_one_per_mode"),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.in_a_row} {self.mode} missed in a row"


# --- Emergency (break-glass) access -------------------------------------------------------------

REASON_MIN_LENGTH = 20


def at_least_a_sentence(value: str) -> None:
    """A break-glass reason must say why, not just "urgent": at least a short sentence."""
    text = value.strip()
    if len(text) < REASON_MIN_LENGTH or " " not in text:
        raise ValidationError(
            f"Say in at least a sentence ({REASON_MIN_LENGTH} characters or more) why you "
            "need this case now."
        )


class EmergencyAccess(models.Model):
    """A team leader or supervisor reads one case they cannot normally see, for a few hours,
    because a client is at risk and the primary therapist cannot be reached. Read-only, as a
    co-therapist would read it; every audit event under it carries its public id; a second
    person reviews it afterwards (cases/services/emergency.py)."""

    objects: ClassVar[EmergencyAccessQuerySet] = EmergencyAccessQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="emergency_accesses")
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
        help_text="Who opened it.",
    )
    reason = models.TextField(validators=[at_least_a_sentence, MaxLengthValidator(LONG_TEXT)])
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, validators=[MaxLengthValidator(LONG_TEXT)])

    class Meta:
        # Named by an administrator (on a person or a group): may open emergency access to a
        # case of any team, not only of the teams they lead or supervise.
        permissions = [("open_across_teams", "On call across teams (emergency access)")]
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("opened_at")),
                name="emergency_expires_after_opening",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "expires_at"], name="emergency_user_expiry"),
            models.Index(fields=["reviewed_at", "opened_at"], name="emergency_unreviewed"),
        ]

    def __str__(self) -> str:
        return f"Emergency access {self.public_id} ({self.opened_at:%Y-%m-%d %H:%M})"
