"""The weekly meeting: its schedule, rotating roles, attendance, the agenda, action items and
the observer's flags (DOMAIN.md sections 1, 5 and 6).

Times are stored in UTC and shown in the team's time zone. An agenda item names a case by
reference only: what the meeting shows of a case is its code. Every row belongs to one team
through its meeting.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agendas.choices import (
    ActionStatus,
    AttendanceStatus,
    FlagReason,
    HelpWanted,
    ItemStatus,
    ItemType,
    LocationKind,
    MeetingRole,
    MeetingStatus,
    RoleSource,
    Section,
    Urgency,
    default_rotating_roles,
)
from agendas.links import validate_join_link
from agendas.querysets import (
    ActionItemQuerySet,
    AgendaItemQuerySet,
    MeetingPartQuerySet,
    MeetingQuerySet,
    ObserverFlagQuerySet,
)
from cases.choices import TargetLevel

User = settings.AUTH_USER_MODEL
TITLE_TEXT = 200
LONG_TEXT = 2000
MINUTES_TEXT = 20000


class TeamMeetingSettings(models.Model):
    """How a team runs its meeting beyond what `teams.Team` holds: which roles rotate, where it
    meets. Kept on this side so the teams app knows nothing of meetings."""

    team = models.OneToOneField(
        "teams.Team", on_delete=models.CASCADE, related_name="meeting_settings"
    )
    rotating_roles = models.JSONField(
        default=default_rotating_roles,
        blank=True,  # none: every role is given by hand
        help_text="Codes of the meeting roles that go round the members in turn.",
    )
    location_kind = models.CharField(
        max_length=10, choices=LocationKind.choices, default=LocationKind.IN_PERSON
    )
    join_link = models.URLField(
        blank=True, validators=[validate_join_link], help_text="For video and hybrid meetings."
    )

    class Meta:
        verbose_name_plural = "team meeting settings"

    def __str__(self) -> str:
        return f"Meeting settings of {self.team}"

    def clean(self) -> None:
        roles = self.rotating_roles
        if (
            not isinstance(roles, list)
            or any(role not in MeetingRole.values for role in roles)
            or len(set(roles)) != len(roles)
        ):
            raise ValidationError({"rotating_roles": "List each meeting role at most once."})


class Meeting(models.Model):
    """One meeting of a team. `slot` is the local date the team's cadence planned it for: it
    stays when the meeting is rescheduled or cancelled, so planning again never re-creates it.

    `version` goes up with every saved change of the meeting; a change made against an older
    version is refused (409). Minutes are locked once the meeting is completed."""

    objects: ClassVar[MeetingQuerySet] = MeetingQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="meetings")
    slot = models.DateField(
        null=True, blank=True, help_text="The date the cadence planned it for (team's zone)."
    )
    starts_at = models.DateTimeField(help_text="Stored in UTC; shown in the team's zone.")
    minutes = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    location_kind = models.CharField(
        max_length=10, choices=LocationKind.choices, default=LocationKind.IN_PERSON
    )
    join_link = models.URLField(blank=True, validators=[validate_join_link])
    agreement = models.ForeignKey(
        "reference.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="The agreement of the week, read at the opening.",
    )
    minutes_text = models.TextField(
        max_length=MINUTES_TEXT, validators=[MaxLengthValidator(MINUTES_TEXT)], blank=True
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    sequence = models.PositiveIntegerField(
        default=0,
        help_text="iCalendar SEQUENCE: goes up when what a calendar shows changes "
        "(time, length, place, cancellation), so subscribed calendars take the new entry.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "slot"], name="meeting_one_per_slot"),
            models.CheckConstraint(
                condition=Q(minutes__gte=15, minutes__lte=240),
                name="meeting_minutes_range",
                violation_error_message="A meeting runs from 15 to 240 minutes.",
            ),
            models.CheckConstraint(
                condition=Q(status=MeetingStatus.COMPLETED, completed_at__isnull=False)
                | (~Q(status=MeetingStatus.COMPLETED) & Q(completed_at__isnull=True)),
                name="meeting_completed_at_iff_completed",
                violation_error_message="Only a completed meeting has a completion time.",
            ),
        ]
        indexes = [models.Index(fields=["team", "starts_at"], name="meeting_team_start")]

    def __str__(self) -> str:
        return f"{self.team} on {self.local_start():%Y-%m-%d %H:%M}"

    def local_start(self) -> dt.datetime:
        """The start in the team's time zone."""
        return self.starts_at.astimezone(ZoneInfo(self.team.time_zone))


class RoleAssignment(models.Model):
    """Who holds one role at one meeting, and how they came to hold it."""

    objects: ClassVar[MeetingPartQuerySet[RoleAssignment]] = MeetingPartQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=MeetingRole.choices)
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="meeting_roles")
    source = models.CharField(
        max_length=10, choices=RoleSource.choices, default=RoleSource.ROTATION
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "role"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "role"], name="role_one_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.member}"


class Attendance(models.Model):
    objects: ClassVar[MeetingPartQuerySet[Attendance]] = MeetingPartQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    notice_given_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "member__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_one_per_member"),
            models.CheckConstraint(
                condition=~Q(status=AttendanceStatus.ABSENT_NOTIFIED)
                | Q(notice_given_at__isnull=False),
                name="attendance_notice_when_notified",
                violation_error_message="A notified absence records when the notice came.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()}"


class AgendaItem(models.Model):
    """One thing a member brings to the meeting, defined in behavioural terms with the help
    they want. Its place is computed (section, target level, urgency, type, submission time);
    a leader may move it, which records a position and a reason."""

    objects: ClassVar[AgendaItemQuerySet] = AgendaItemQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    submitter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="agenda_items")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    tib_entry = models.ForeignKey(
        "cases.TIBEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    chain_analysis = models.ForeignKey(
        "cases.ChainAnalysis",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    section = models.CharField(max_length=14, choices=Section.choices, default=Section.CONSULTATION)
    item_type = models.CharField(
        max_length=22, choices=ItemType.choices, default=ItemType.CONSULTATION_REQUEST
    )
    target_level = models.CharField(
        max_length=20, choices=TargetLevel.choices, default=TargetLevel.NONE
    )
    urgency = models.CharField(
        max_length=20, choices=Urgency.choices, default=Urgency.SINCE_LAST_MEETING
    )
    help_wanted = models.CharField(
        max_length=20, choices=HelpWanted.choices, default=HelpWanted.ASSESSMENT
    )
    title = models.CharField(max_length=TITLE_TEXT)
    question = models.TextField(
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        blank=True,
        help_text="The problem in behavioural terms and what you want from the team.",
    )
    minutes_requested = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    status = models.CharField(
        max_length=14, choices=ItemStatus.choices, default=ItemStatus.SUBMITTED
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    flagged_for_leader = models.BooleanField(
        default=False, help_text="Imminent risk brought after the cutoff: shown to the leader."
    )
    actual_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(240)]
    )
    outcome = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    position_override = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Where a leader moved it (1 is first)."
    )
    move_reason = models.CharField(max_length=TITLE_TEXT, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_requested__gte=1, minutes_requested__lte=120),
                name="agenda_item_minutes_range",
                violation_error_message="Ask for 1 to 120 minutes.",
            ),
            models.CheckConstraint(
                condition=Q(position_override__isnull=True)
                | (Q(position_override__gte=1) & ~Q(move_reason="")),
                name="agenda_item_move_has_reason",
                violation_error_message="Moving an item needs a reason, for the team to see.",
            ),
            # Carried exactly once: completing a meeting twice never makes a second copy.
            models.UniqueConstraint(
                fields=["carried_from"],
                condition=Q(carried_from__isnull=False),
                name="agenda_item_carried_once",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "status"], name="agenda_item_meeting_status"),
            models.Index(fields=["submitter", "-submitted_at"], name="agenda_item_submitter"),
        ]

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    """A commitment made in a meeting, with its owner. An open one is carried to the next
    meeting's follow-ups until it is done or dropped; `times_carried` counts the carries."""

    objects: ClassVar[ActionItemQuerySet] = ActionItemQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="action_items")
    description = models.TextField(max_length=1000, validators=[MaxLengthValidator(1000)])
    due_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions_due",
        help_text="The meeting where it is followed up (the next one by default).",
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    times_carried = models.PositiveSmallIntegerField(default=0)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carried_from"],
                condition=Q(carried_from__isnull=False),
                name="action_item_carried_once",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="action_item_owner_status")]

    def __str__(self) -> str:
        return f"Action for {self.owner}"


class ObserverFlag(models.Model):
    """What the observer named during the meeting. Reported only as team counts, never as a
    score of a person: the API has no per-flag read."""

    objects: ClassVar[ObserverFlagQuerySet] = ObserverFlagQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="observer_flags")
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observer_flags",
    )
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="observer_flags")
    reason = models.CharField(max_length=40, choices=FlagReason.choices)
    agreement = models.ForeignKey(
        "reference.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observer_flags",
    )
    acknowledged = models.BooleanField(default=False)
    repair_note = models.TextField(
        max_length=1000, validators=[MaxLengthValidator(1000)], blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "created_at", "id"]

    def __str__(self) -> str:
        return self.get_reason_display()


class CalendarFeed(models.Model):
    """A person's secret address for subscribing to their teams' meetings in a calendar app.

    The address is the credential (calendar apps cannot sign in), so only its SHA-256 is kept,
    as for API tokens; it is shown once. Revoking keeps the row (for the audit trail) and the
    address answers 404 from then on. One live feed per person."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
