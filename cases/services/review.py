"""Feedback and the review workflow.

Feedback puts validation first: it is required, and stored as such, so that whoever reads it
hears first what makes sense in what they did. A review runs REQUESTED → IN_REVIEW →
REVISION_REQUESTED or SIGNED_OFF, and back from REVISION_REQUESTED to REQUESTED when the author
resubmits. Each step is taken by the right person only (see permissions.py) and each service
re-checks that itself; a step that does not fit the review's status is refused with 409.
Nothing here enqueues work: asking for a review (or resubmitting) announces `ReviewRequested`
(consultteam/events.py), on which the reminders app writes a reminder row for the reviewer in the
same transaction; the reminder sweep delivers it, saying only that a review waits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.choices import ChainStatus
from cases.models import (
    OPEN_REVIEW_STATUSES,
    ChainAnalysis,
    Feedback,
    ReviewRequest,
    ReviewStatus,
    TIBEntry,
)
from cases.permissions import (
    can_give_feedback,
    can_request_review,
    can_resubmit_review,
    can_take_review_step,
    feedback_kind_of,
    is_eligible_reviewer,
)
from cases.services.chain import chain_set_status
from cases.services.citations import cite
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.events import ReviewRequested, announce
from consultteam.textcheck.services import text_gate
from consultteam.writes import refuse, save_valid

Item = ChainAnalysis | TIBEntry

# Statuses from which a chain analysis moves to reviewed when its review is signed off.
REVIEWABLE_CHAIN_STATUSES = {ChainStatus.READY_FOR_TEAM, ChainStatus.PRESENTED}


def _target(item: Item) -> dict[str, Item]:
    return {"chain_analysis": item} if isinstance(item, ChainAnalysis) else {"tib_entry": item}


def _new_feedback(
    *,
    by: User,
    item: Item,
    validation: str,
    observation: str,
    suggestion: str,
    assumptions: Iterable[str] | None,
    agreements: Iterable[str] | None,
    review: ReviewRequest | None,
    identifier_override: str | None,
) -> Feedback:
    validation, observation, suggestion = (
        (text or "").strip() for text in (validation, observation, suggestion)
    )
    if not validation:
        raise ValidationError(
            {
                "validation": "Start with validation: what is understandable or effective in "
                "what was done. It cannot be left empty."
            }
        )
    feedback = Feedback(
        team=item.team,
        author=by,
        kind=feedback_kind_of(by, item),
        validation=validation,
        observation=observation,
        suggestion=suggestion,
        review=review,
        **_target(item),
    )
    save_valid(feedback)
    cite(feedback, assumptions=assumptions, agreements=agreements)
    # The same checks as every other free text of the record: language flags are stored and
    # never block; an identifier refuses the save unless the author gives a reason.
    text_gate(
        obj=feedback,
        team=item.team,
        fields={"validation": validation, "observation": observation, "suggestion": suggestion},
        by=by,
        identifier_override=identifier_override,
    )
    return feedback


@transaction.atomic
def feedback_give(
    *,
    by: User,
    item: Item,
    validation: str,
    observation: str = "",
    suggestion: str = "",
    assumptions: Iterable[str] | None = None,
    agreements: Iterable[str] | None = None,
    identifier_override: str | None = None,
) -> Feedback:
    """Give feedback on a chain analysis or a TIB entry. Its kind (peer, supervisor, team
    leader) comes from ``by``'s role. Validation is required; unknown citation codes are
    refused (400, naming them). The texts go through the language and identifier checks
    (`text_gate`): language flags are stored, an identifier refuses the save (400) unless
    ``identifier_override`` gives a reason. Audited as CREATE. Not idempotent: each call adds
    feedback."""
    if not can_give_feedback(by, item):
        raise refuse(
            "Feedback is given by the team to the one who wrote this; you cannot give it here."
        )
    return _new_feedback(
        by=by,
        item=item,
        validation=validation,
        observation=observation,
        suggestion=suggestion,
        assumptions=assumptions,
        agreements=agreements,
        review=None,
        identifier_override=identifier_override,
    )


@transaction.atomic
def review_request(*, by: User, item: Item, reviewer: User) -> ReviewRequest:
    """Ask ``reviewer`` (a supervisor or the team leader of the item's team) to review the
    item. Refused with 409 if the item already has a review under way. Audited as CREATE. Not
    idempotent: a second call while the first is open is refused."""
    if not can_request_review(by, item):
        raise refuse("Only the author or the case's therapists can ask for a review of this.")
    if reviewer.pk == by.pk or not is_eligible_reviewer(reviewer, item):
        raise ValidationError(
            {"reviewer": "Choose a supervisor or the team leader of this team (not yourself)."}
        )
    # Lock the item, so two requests at once cannot both find no review under way.
    type(item).objects.select_for_update().filter(pk=item.pk).first()
    if ReviewRequest.objects.filter(**_target(item), status__in=OPEN_REVIEW_STATUSES).exists():
        raise Conflict("This already has a review under way; its reviewer has it.")
    review = ReviewRequest(team=item.team, requested_by=by, reviewer=reviewer, **_target(item))
    try:
        with transaction.atomic():
            save_valid(review)
    except IntegrityError as error:  # the same request, committed a moment earlier
        raise Conflict("This already has a review under way; its reviewer has it.") from error
    _announce_asked(review)
    return review


def _announce_asked(review: ReviewRequest) -> None:
    """Tell the listeners (the reminders app) that the reviewer was asked, at the moment of the
    request or of its resubmission. Their writes join the caller's transaction."""
    asked_at = review.resubmitted_at or review.created_at or timezone.now()
    announce(
        ReviewRequested(review_id=review.pk, reviewer_id=review.reviewer_id, asked_at=asked_at)
    )


def _lock(review: ReviewRequest, *, expected: str, doing: str) -> ReviewRequest:
    current = ReviewRequest.objects.select_for_update().get(pk=review.pk)
    if current.status != expected:
        raise Conflict(
            f"This review is {current.get_status_display().lower()}, so it cannot be {doing} "
            "now. Reload to see where it stands."
        )
    return current


def _move(review: ReviewRequest, status: str, stamp: str) -> ReviewRequest:
    review.status = status
    setattr(review, stamp, timezone.now())
    save_valid(review, update_fields=["status", stamp, "updated_at"])
    return review


@transaction.atomic
def review_start(*, review: ReviewRequest, by: User) -> ReviewRequest:
    """The reviewer takes up a requested review: REQUESTED → IN_REVIEW. Audited as UPDATE.
    Refused with 409 from any other status (so not safe to run twice: the second is a 409)."""
    if not can_take_review_step(by, review):
        raise refuse("Only the reviewer named on this request can start it.")
    review = _lock(review, expected=ReviewStatus.REQUESTED, doing="started")
    return _move(review, ReviewStatus.IN_REVIEW, "started_at")


@transaction.atomic
def review_request_revision(
    *,
    review: ReviewRequest,
    by: User,
    validation: str,
    suggestion: str,
    observation: str = "",
    assumptions: Iterable[str] | None = None,
    agreements: Iterable[str] | None = None,
    identifier_override: str | None = None,
) -> Feedback:
    """The reviewer asks for a revision: IN_REVIEW → REVISION_REQUESTED, with feedback that
    validates first and says what to revise (``suggestion`` is required here). Creates the
    feedback, linked to the review; both audited. 409 from any other status."""
    if not can_take_review_step(by, review):
        raise refuse("Only the reviewer named on this request can ask for a revision.")
    review = _lock(review, expected=ReviewStatus.IN_REVIEW, doing="sent back for revision")
    if not (suggestion or "").strip():
        raise ValidationError({"suggestion": "Say what to revise, so the author can act on it."})
    feedback = _new_feedback(
        by=by,
        item=review.target,
        validation=validation,
        observation=observation,
        suggestion=suggestion,
        assumptions=assumptions,
        agreements=agreements,
        review=review,
        identifier_override=identifier_override,
    )
    _move(review, ReviewStatus.REVISION_REQUESTED, "revision_requested_at")
    return feedback


@transaction.atomic
def review_sign_off(
    *,
    review: ReviewRequest,
    by: User,
    validation: str,
    observation: str = "",
    suggestion: str = "",
    assumptions: Iterable[str] | None = None,
    agreements: Iterable[str] | None = None,
    identifier_override: str | None = None,
) -> Feedback:
    """The reviewer signs off: IN_REVIEW → SIGNED_OFF, with feedback that validates first.
    A chain analysis ready for team or presented also moves to reviewed (its version goes up,
    through `chain_set_status`). Creates the feedback; all audited. 409 from any other
    status."""
    if not can_take_review_step(by, review):
        raise refuse("Only the reviewer named on this request can sign it off.")
    review = _lock(review, expected=ReviewStatus.IN_REVIEW, doing="signed off")
    feedback = _new_feedback(
        by=by,
        item=review.target,
        validation=validation,
        observation=observation,
        suggestion=suggestion,
        assumptions=assumptions,
        agreements=agreements,
        review=review,
        identifier_override=identifier_override,
    )
    _move(review, ReviewStatus.SIGNED_OFF, "signed_off_at")
    chain = review.chain_analysis
    if chain is not None:
        chain = ChainAnalysis.objects.select_for_update().get(pk=chain.pk)
        if chain.status in REVIEWABLE_CHAIN_STATUSES:
            chain_set_status(
                chain=chain, by=by, status=ChainStatus.REVIEWED, expected_version=chain.version
            )
    return feedback


@transaction.atomic
def review_resubmit(*, review: ReviewRequest, by: User) -> ReviewRequest:
    """The author sends the revised item back: REVISION_REQUESTED → REQUESTED, to the same
    reviewer. Audited as UPDATE. 409 from any other status."""
    if not can_resubmit_review(by, review):
        raise refuse("Only the author or the case's therapists can resubmit this.")
    review = _lock(review, expected=ReviewStatus.REVISION_REQUESTED, doing="resubmitted")
    _move(review, ReviewStatus.REQUESTED, "resubmitted_at")
    _announce_asked(review)
    return review
