"""The TIB log: therapy-interfering behaviour, the client's, the therapist's own, the team's."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cases.choices import (
    CATEGORIES_BY_ACTOR,
    Actor,
    Setting,
    TIBCategory,
    TIBStatus,
)
from cases.models.case import LONG_TEXT, Case, User
from cases.querysets import (
    TIBEntryQuerySet,
)


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
