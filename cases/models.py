"""The clinical record: cases known only by a random code, the TIB log, and chain analyses.

Nothing here identifies a client: there is no field for a name, birth date, address, phone,
email or record number, and case codes are random. Every row belongs to exactly one team.
"""

from __future__ import annotations

import secrets
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.choices import (
    CATEGORIES_BY_ACTOR,
    SESSION_MODES,
    Actor,
    CaseStatus,
    ChainKind,
    ChainStatus,
    ChainSubject,
    ConsequenceLocus,
    ConsequenceTiming,
    LinkKind,
    Setting,
    SkillModule,
    SolutionType,
    Stage,
    TargetLevel,
    TIBCategory,
    TIBStatus,
)
from cases.querysets import (
    CaseQuerySet,
    ChainAnalysisQuerySet,
    EmergencyAccessQuerySet,
    FeedbackQuerySet,
    ReviewRequestQuerySet,
    TIBEntryQuerySet,
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


def _category_matches_actor() -> Q:
    condition = Q()
    for actor, categories in CATEGORIES_BY_ACTOR.items():
        condition |= Q(actor=actor, category__in=categories)
    return condition


class TIBEntry(models.Model):
    """One observed therapy-interfering behaviour: the client's, the therapist's own, or the
    team's. Described as behaviour someone could observe, never as a trait."""

    objects: ClassVar[TIBEntryQuerySet] = TIBEntryQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="tib_entries")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="tib_entries"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="tib_entries")
    actor = models.CharField(max_length=10, choices=Actor.choices)
    category = models.CharField(max_length=40, choices=TIBCategory.choices)
    setting = models.CharField(max_length=20, choices=Setting.choices)
    description = models.TextField(
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="What happened, as someone in the room could have seen or heard it.",
    )
    occurred_on = models.DateField()
    count = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    status = models.CharField(max_length=10, choices=TIBStatus.choices, default=TIBStatus.OPEN)
    shared_with_team = models.BooleanField(
        default=False, help_text="Brought to team: teammates may read it from now on."
    )
    chain_analysis = models.ForeignKey(
        "ChainAnalysis", null=True, blank=True, on_delete=models.SET_NULL, related_name="tibs"
    )
    # Framing by the assumptions: what the entry draws on (see services/citations.py).
    assumptions = models.ManyToManyField(
        "reference.Assumption", blank=True, related_name="cited_by_tibentry"
    )
    agreements = models.ManyToManyField(
        "reference.Agreement", blank=True, related_name="cited_by_tibentry"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = "TIB entry"
        verbose_name_plural = "TIB entries"
        constraints = [
            models.CheckConstraint(
                condition=_category_matches_actor(),
                name="tib_category_of_actor",
                violation_error_message=(
                    "This category is not one for who did it (the client, the therapist or "
                    "the team)."
                ),
            ),
            # A client's TIB belongs to a case; the therapist's and the team's never do.
            models.CheckConstraint(
                condition=Q(actor=Actor.CLIENT, case__isnull=False)
                | (~Q(actor=Actor.CLIENT) & Q(case__isnull=True)),
                name="tib_case_iff_client",
                violation_error_message=(
                    "A client's TIB belongs to a case; a therapist's own and the team's do not."
                ),
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1, count__lte=99),
                name="tib_count_range",
                violation_error_message="Count how many times, from 1 to 99.",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "-occurred_on"], name="tib_case_date"),
            models.Index(fields=["team", "-occurred_on"], name="tib_team_date"),
            models.Index(fields=["author", "-occurred_on"], name="tib_author_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} on {self.occurred_on}"


class ChainAnalysis(models.Model):
    """A behaviour-chain or missing-links analysis, fields in the worksheet's order.

    `version` goes up with every saved change; an edit made against an older version is refused
    (see services), so two people editing at once never silently overwrite each other.
    """

    objects: ClassVar[ChainAnalysisQuerySet] = ChainAnalysisQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="chains")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="chains"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="chains")
    subject = models.CharField(max_length=20, choices=ChainSubject.choices)
    kind = models.CharField(
        max_length=16, choices=ChainKind.choices, default=ChainKind.BEHAVIOR_CHAIN
    )
    target_level = models.CharField(
        max_length=20, choices=TargetLevel.choices, default=TargetLevel.THERAPY_INTERFERING
    )
    # 1. The problem behaviour
    problem_behavior = models.TextField(
        max_length=LONG_TEXT,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text="Specific enough that an actor could re-enact it: what, where, how much.",
    )
    behavior_on = models.DateField()
    intensity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)], help_text="0 to 10."
    )
    # 2. The prompting event
    prompting_event = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    prompting_event_started = models.CharField(
        max_length=SHORT_TEXT, blank=True, help_text="When it started, as near as is known."
    )
    # 3. Vulnerability factors: codes from choices.Vulnerability
    vulnerabilities = models.JSONField(default=list, blank=True)
    vulnerability_notes = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    # 4. Links: ChainLink rows.  5. Consequences: ChainConsequence rows.
    # 6. What comes next
    prevention_plan = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    repair = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    commitment = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    # Missing-links analyses ask four questions in order; each "no" records its barrier.
    knew_what_was_needed = models.BooleanField(null=True, blank=True)
    knowing_barrier = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    was_willing = models.BooleanField(null=True, blank=True)
    willingness_barrier = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    thought_occurred = models.BooleanField(null=True, blank=True)
    thought_barrier = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    what_got_in_the_way = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    problem_solving_plan = models.TextField(
        max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True
    )
    # 7. Where it stands
    status = models.CharField(max_length=16, choices=ChainStatus.choices, default=ChainStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    # Framing by the assumptions: what the analysis draws on (see services/citations.py).
    assumptions = models.ManyToManyField(
        "reference.Assumption", blank=True, related_name="cited_by_chainanalysis"
    )
    agreements = models.ManyToManyField(
        "reference.Agreement", blank=True, related_name="cited_by_chainanalysis"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-behavior_on", "-id"]
        verbose_name_plural = "chain analyses"
        constraints = [
            models.CheckConstraint(
                condition=Q(subject=ChainSubject.CLIENT_BEHAVIOR, case__isnull=False)
                | Q(subject=ChainSubject.THERAPIST_BEHAVIOR, case__isnull=True),
                name="chain_case_iff_client",
                violation_error_message=(
                    "An analysis of a client's behaviour belongs to their case; one of your "
                    "own does not."
                ),
            ),
            models.CheckConstraint(
                condition=Q(intensity__isnull=True) | Q(intensity__lte=10),
                name="chain_intensity",
                violation_error_message="Intensity runs from 0 to 10.",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "-behavior_on"], name="chain_case_date"),
            models.Index(fields=["team", "status"], name="chain_team_status"),
            models.Index(fields=["author", "-behavior_on"], name="chain_author_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.behavior_on}"


class ChainAnalysisUserObjectPermission(UserObjectPermissionBase):
    """A reviewer outside the team (a supervisor asked to look at one analysis)."""

    content_object = models.ForeignKey(ChainAnalysis, on_delete=models.CASCADE)


class ChainAnalysisGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ChainAnalysis, on_delete=models.CASCADE)


class ChainLink(models.Model):
    """One link between the prompting event and the problem behaviour, with what could have
    been done instead. Positions run 1..n without gaps (kept so by the services)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    chain = models.ForeignKey(ChainAnalysis, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    description = models.TextField(max_length=1000, validators=[MaxLengthValidator(1000)])
    intensity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)], help_text="0 to 10."
    )
    solution_type = models.CharField(max_length=24, choices=SolutionType.choices, blank=True)
    skill_module = models.CharField(max_length=28, choices=SkillModule.choices, blank=True)
    replacement_behavior = models.TextField(
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
        blank=True,
        help_text="What could be done at this link instead.",
    )

    class Meta:
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "position"], name="chain_link_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="chain_link_position_from_1",
                violation_error_message="Links are numbered from 1.",
            ),
            # A skill names its module; other solution types have none.
            models.CheckConstraint(
                condition=Q(solution_type=SolutionType.SKILL, skill_module__gt="")
                | (~Q(solution_type=SolutionType.SKILL) & Q(skill_module="")),
                name="chain_link_module_iff_skill",
                violation_error_message=(
                    "Name the skill module when the solution is a skill, and only then."
                ),
            ),
            models.CheckConstraint(
                condition=Q(intensity__isnull=True) | Q(intensity__lte=10),
                name="link_intensity",
                violation_error_message="Intensity runs from 0 to 10.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_kind_display()}"


class ChainConsequence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    chain = models.ForeignKey(ChainAnalysis, on_delete=models.CASCADE, related_name="consequences")
    description = models.TextField(max_length=1000, validators=[MaxLengthValidator(1000)])
    timing = models.CharField(max_length=10, choices=ConsequenceTiming.choices)
    locus = models.CharField(max_length=12, choices=ConsequenceLocus.choices)

    class Meta:
        ordering = ["chain", "timing", "id"]

    def __str__(self) -> str:
        return f"{self.get_timing_display()}, {self.get_locus_display()}"


# --- Feedback and review --------------------------------------------------------------------------

FEEDBACK_TEXT = 2000


class FeedbackKind(models.TextChoices):
    """Whose feedback it is, taken from the author's role on the team when it was given."""

    PEER = "PEER", "Peer"
    SUPERVISOR = "SUPERVISOR", "Supervisor"
    TEAM_LEADER = "TEAM_LEADER", "Team leader"


class ReviewStatus(models.TextChoices):
    REQUESTED = "REQUESTED", "Review requested"
    IN_REVIEW = "IN_REVIEW", "In review"
    REVISION_REQUESTED = "REVISION_REQUESTED", "Revision requested"
    SIGNED_OFF = "SIGNED_OFF", "Signed off"


OPEN_REVIEW_STATUSES = [
    ReviewStatus.REQUESTED,
    ReviewStatus.IN_REVIEW,
    ReviewStatus.REVISION_REQUESTED,
]


def _exactly_one_target(name: str, *targets: str) -> models.CheckConstraint:
    condition = Q()
    for target in targets:
        others = {f"{other}__isnull": True for other in targets if other != target}
        condition |= Q(**{f"{target}__isnull": False}, **others)
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message="Name exactly one item: " + " or ".join(targets) + ".",
    )


class FeedbackBase(models.Model):
    """What every kind of feedback holds, whatever it is about: validation first, then what was
    observed and what is suggested, and the assumptions and agreements it draws on.

    Abstract so that feedback on other things shares it: the meetings app can add feedback on
    agenda items as its own model (`AgendaItemFeedback(FeedbackBase)` with an `agenda_item`
    foreign key), with the same fields, rules and citation tables. Validation is required and
    non-blank, in the database too: the person receiving feedback hears first what makes sense
    in what they did, and only then what could change.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=FeedbackKind.choices)
    validation = models.TextField(
        max_length=FEEDBACK_TEXT,
        validators=[MaxLengthValidator(FEEDBACK_TEXT)],
        help_text="What is understandable, valid or effective in what was done.",
    )
    observation = models.TextField(
        max_length=FEEDBACK_TEXT, validators=[MaxLengthValidator(FEEDBACK_TEXT)], blank=True
    )
    suggestion = models.TextField(
        max_length=FEEDBACK_TEXT, validators=[MaxLengthValidator(FEEDBACK_TEXT)], blank=True
    )
    assumptions = models.ManyToManyField(
        "reference.Assumption", blank=True, related_name="cited_by_%(class)s"
    )
    agreements = models.ManyToManyField(
        "reference.Agreement", blank=True, related_name="cited_by_%(class)s"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Feedback(FeedbackBase):
    """Feedback on one chain analysis or one TIB entry (exactly one). Given on its own or as
    a step of a review (`review`: the review it requested a revision in or signed off)."""

    objects: ClassVar[FeedbackQuerySet] = FeedbackQuerySet.as_manager()  # type: ignore[assignment]

    chain_analysis = models.ForeignKey(
        ChainAnalysis, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback"
    )
    tib_entry = models.ForeignKey(
        TIBEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback"
    )
    review = models.ForeignKey(
        "ReviewRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "feedback"
        constraints = [
            _exactly_one_target("feedback_one_target", "chain_analysis", "tib_entry"),
            models.CheckConstraint(
                condition=~Q(validation=""),
                name="feedback_validation_first",
                violation_error_message="Start with validation: it cannot be left empty.",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "created_at"], name="feedback_team_date"),
            models.Index(fields=["author", "created_at"], name="feedback_author_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} feedback of {self.created_at:%Y-%m-%d}"

    @property
    def target(self) -> ChainAnalysis | TIBEntry:
        target = self.chain_analysis or self.tib_entry
        assert target is not None  # the constraint names exactly one
        return target


class ReviewRequest(models.Model):
    """A request that a supervisor or the team leader review one chain analysis or TIB entry.

    REQUESTED → IN_REVIEW → REVISION_REQUESTED or SIGNED_OFF; REVISION_REQUESTED → REQUESTED
    when the author resubmits. At most one open review per item (the database holds it too).
    """

    objects: ClassVar[ReviewRequestQuerySet] = ReviewRequestQuerySet.as_manager()  # type: ignore[assignment]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    chain_analysis = models.ForeignKey(
        ChainAnalysis, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    tib_entry = models.ForeignKey(
        TIBEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    revision_requested_at = models.DateTimeField(null=True, blank=True)
    resubmitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            _exactly_one_target("review_one_target", "chain_analysis", "tib_entry"),
            models.UniqueConstraint(
                fields=["chain_analysis"],
                condition=Q(status__in=OPEN_REVIEW_STATUSES),
                name="review_one_open_per_chain",
                violation_error_message="This analysis already has a review under way.",
            ),
            models.UniqueConstraint(
                fields=["tib_entry"],
                condition=Q(status__in=OPEN_REVIEW_STATUSES),
                name="review_one_open_per_tib",
                violation_error_message="This entry already has a review under way.",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status", "created_at"], name="review_queue"),
            models.Index(fields=["requested_by", "created_at"], name="review_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def target(self) -> ChainAnalysis | TIBEntry:
        target = self.chain_analysis or self.tib_entry
        assert target is not None  # the constraint names exactly one
        return target


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
