"""Chain analyses: the behaviour-chain and missing-links worksheets, their links and
consequences."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.choices import (
    ChainKind,
    ChainStatus,
    ChainSubject,
    ConsequenceLocus,
    ConsequenceTiming,
    LinkKind,
    SkillModule,
    SolutionType,
    TargetLevel,
)
from cases.models.case import LONG_TEXT, SHORT_TEXT, Case, User
from cases.querysets import (
    ChainAnalysisQuerySet,
)


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


# --- The worksheet's fields, listed once -------------------------------------------------------

# The chain analysis worksheet in its order: every field a person fills in, with "links" and
# "consequences" where their rows stand. The forms, the serializers, the services (what they
# change, what the text checks read on every save) and the editor follow these lists;
# tests/cases/test_chain_worksheet_fields.py holds the models to them.
WORKSHEET = (
    "target_level",
    # 1. The problem behaviour
    "problem_behavior",
    "behavior_on",
    "intensity",
    # 2. The prompting event
    "prompting_event",
    "prompting_event_started",
    # 3. Vulnerability factors
    "vulnerabilities",
    "vulnerability_notes",
    # 4. Links (ChainLink rows)  5. Consequences (ChainConsequence rows)
    "links",
    "consequences",
    # 6. What comes next
    "prevention_plan",
    "repair",
    "commitment",
    # A missing-links analysis: its four questions in order, each "no" with its barrier
    "knew_what_was_needed",
    "knowing_barrier",
    "was_willing",
    "willingness_barrier",
    "thought_occurred",
    "thought_barrier",
    "what_got_in_the_way",
    "problem_solving_plan",
)
# The analysis's own fields (without its rows), and the part only a missing-links one shows.
CHAIN_FIELDS = tuple(name for name in WORKSHEET if name not in {"links", "consequences"})
MISSING_LINKS_FIELDS = WORKSHEET[WORKSHEET.index("knew_what_was_needed") :]
LINK_FIELDS = (
    "kind",
    "description",
    "intensity",
    "solution_type",
    "skill_module",
    "replacement_behavior",
)
CONSEQUENCE_FIELDS = ("description", "timing", "locus")


def is_free_text(field: object) -> bool:
    """What a person types in their own words (as against a choice, a date, a number or a
    yes/no): the text checks read it on every save, and it may identify a client."""
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def free_text(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``names`` that are free text in ``model``, in their order."""
    return tuple(name for name in names if is_free_text(model._meta.get_field(name)))


CHAIN_TEXT_FIELDS = free_text(ChainAnalysis, CHAIN_FIELDS)
LINK_TEXT_FIELDS = free_text(ChainLink, LINK_FIELDS)
CONSEQUENCE_TEXT_FIELDS = free_text(ChainConsequence, CONSEQUENCE_FIELDS)
