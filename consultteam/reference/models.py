"""Reference data the whole service leans on: the six consultation-team agreements and the DBT
assumptions about clients and therapy.

Rows are seeded by migration 0002 and then belong to the admins, who may reword them or retire
them (``is_active``) but never delete them: a team's commitment to "the agreements" must keep
meaning the same six things. The short names and statements are the standard ones from the
literature; every longer text (descriptions, intents, what each guards against, the reframe
examples) is written by us, because the published worksheets are copyrighted.
"""

from __future__ import annotations

import uuid

from django.db import models

from consultteam.reference.querysets import ReferenceQuerySet


class AgreementCode(models.TextChoices):
    DIALECTICAL = "DIALECTICAL", "Dialectical agreement"
    CONSULTATION_TO_THE_PATIENT = (
        "CONSULTATION_TO_THE_PATIENT",
        "Consultation-to-the-patient agreement",
    )
    CONSISTENCY = "CONSISTENCY", "Consistency agreement"
    OBSERVING_LIMITS = "OBSERVING_LIMITS", "Observing-limits agreement"
    PHENOMENOLOGICAL_EMPATHY = "PHENOMENOLOGICAL_EMPATHY", "Phenomenological-empathy agreement"
    FALLIBILITY = "FALLIBILITY", "Fallibility agreement"


class AssumptionCode(models.TextChoices):
    DOING_BEST_THEY_CAN = "DOING_BEST_THEY_CAN", "Doing the best they can"
    WANT_TO_IMPROVE = "WANT_TO_IMPROVE", "Want to improve"
    NEED_TO_DO_BETTER = "NEED_TO_DO_BETTER", "Need to do better"
    MUST_SOLVE_PROBLEMS_ANYWAY = "MUST_SOLVE_PROBLEMS_ANYWAY", "Must solve their problems anyway"
    LIVES_UNBEARABLE = "LIVES_UNBEARABLE", "Lives are unbearable as lived"
    LEARN_IN_ALL_CONTEXTS = "LEARN_IN_ALL_CONTEXTS", "Learn in all relevant contexts"
    CANNOT_FAIL_IN_THERAPY = "CANNOT_FAIL_IN_THERAPY", "Cannot fail in therapy"
    THERAPISTS_NEED_SUPPORT = "THERAPISTS_NEED_SUPPORT", "Therapists need support"
    ALL_BEHAVIOR_IS_CAUSED = "ALL_BEHAVIOR_IS_CAUSED", "All behavior is caused"
    CHANGE_CAUSES_NOT_BLAME = "CHANGE_CAUSES_NOT_BLAME", "Change causes, not blame"


class AssumptionSource(models.TextChoices):
    LINEHAN_1993 = "LINEHAN_1993", "Linehan (1993): about patients and therapy"
    LINEHAN_2015_SKILLS = "LINEHAN_2015_SKILLS", "Linehan (2015): skills training"


class Agreement(models.Model):
    """One of the six agreements every member of a DBT consultation team commits to. They set
    how the team treats its own members, so that the team can do for therapists what therapists
    do for clients."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        max_length=40,
        choices=AgreementCode.choices,
        unique=True,
        help_text="Stable identifier used in links and the API; it never changes.",
    )
    name = models.CharField(max_length=120)
    description = models.TextField(help_text="What the agreement asks of each member.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order.")
    is_active = models.BooleanField(
        default=True, help_text="Untick to retire the row; reference rows are never deleted."
    )

    objects = ReferenceQuerySet["Agreement"].as_manager()

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Assumption(models.Model):
    """A DBT assumption: a statement the clinician holds *as if* true, whether or not it can be
    proved, because acting on it turns the clinician toward assessment instead of blame.

    The ten rows are the eight assumptions of 1993 and the two the 2015 skills manual added.
    The 2015 list also restates the first five of 1993 about "people" rather than "patients";
    those restatements are not rows of their own but a flag on the originals.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        max_length=40,
        choices=AssumptionCode.choices,
        unique=True,
        help_text="Stable identifier used in links and the API; it never changes.",
    )
    statement = models.CharField(max_length=255, help_text="The standard short statement.")
    source = models.CharField(max_length=24, choices=AssumptionSource.choices)
    restated_in_2015_skills = models.BooleanField(
        default=False,
        help_text="The 2015 skills manual restates this 1993 assumption about people in general.",
    )
    intent = models.TextField(help_text="What holding it as if true does for the clinician.")
    guards_against = models.TextField(help_text="The judgment or error it protects against.")
    reframe_example = models.TextField(
        help_text="A short judgmental sentence and its behavioural reframe."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order.")
    is_active = models.BooleanField(
        default=True, help_text="Untick to retire the row; reference rows are never deleted."
    )

    objects = ReferenceQuerySet["Assumption"].as_manager()

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            # Only a 1993 assumption can be restated by the 2015 list; the 2015 additions are
            # new in that list, so the flag on them would mislead a reader.
            models.CheckConstraint(
                condition=models.Q(restated_in_2015_skills=False)
                | models.Q(source=AssumptionSource.LINEHAN_1993),
                name="assumption_restated_only_from_1993",
            ),
        ]

    def __str__(self) -> str:
        return self.statement
