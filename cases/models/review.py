"""Feedback on chain analyses and TIB entries, and the reviews that ask for it."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from cases.models.case import User
from cases.models.chains import ChainAnalysis
from cases.models.tib import TIBEntry
from cases.querysets import (
    FeedbackQuerySet,
    ReviewRequestQuerySet,
)

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
