"""Feedback and review on the pages: the feedback section of a chain analysis or a TIB entry,
a reviewer's queue, the feedback addressed to me, and the review steps.

Thin, like the other views: items and reviews are fetched through `visible_to` (404), the
predicates decide what is offered (403 for a post that is not), and every write goes through
`cases.services`, which re-checks. A step that no longer fits the review's status (someone
took it first) answers with a message and the page, never a half-done step.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import services
from cases.forms import CitationChoices, FeedbackForm, ReviewRequestForm
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
)
from consultteam.accounts.models import User
from consultteam.audit.services import audit_list_read
from consultteam.errors import DomainError
from consultteam.teams.models import OVERSEER_ROLES, Membership
from consultteam.web import person
from consultteam.web.attempt import attempt

Item = ChainAnalysis | TIBEntry

# The order a reviewer works in: what waits for them first.
QUEUE_ORDER = [
    ReviewStatus.REQUESTED,
    ReviewStatus.IN_REVIEW,
    ReviewStatus.REVISION_REQUESTED,
    ReviewStatus.SIGNED_OFF,
]
SIGNED_OFF_SHOWN = 20


def _kind(item: Item) -> str:
    return "chain" if isinstance(item, ChainAnalysis) else "tib"


def item_url(item: Item) -> str:
    """Where an item and its feedback are shown: the chain editor, the case page, or (a
    therapist's own or the team's TIB, which has no page) the feedback page."""
    if isinstance(item, ChainAnalysis):
        return reverse("chain-detail", kwargs={"chain_id": item.public_id}) + "#feedback"
    if item.case is not None:
        anchor = f"#tib-{item.public_id}"
        return reverse("case-detail", kwargs={"case_id": item.case.public_id}) + anchor
    return reverse("my-feedback") + f"#feedback-{item.public_id}"


@dataclass
class FeedbackPanel:
    """What the feedback section of one item shows to one reader."""

    item: Item
    feedback: list[Feedback] = field(default_factory=list)
    review: ReviewRequest | None = None  # the review under way, else the latest
    can_give: bool = False  # offered a link to the feedback form (a page of its own)
    request_form: ReviewRequestForm | None = None  # for those who may ask for a review
    can_start: bool = False
    can_decide: bool = False  # request a revision or sign off
    can_resubmit: bool = False

    @property
    def kind(self) -> str:
        return _kind(self.item)

    @property
    def anchor(self) -> str:
        return f"feedback-{self.item.public_id}"

    @property
    def give_url(self) -> str:
        name, kwarg = (
            ("chain-feedback", "chain_id") if self.kind == "chain" else ("tib-feedback", "tib_id")
        )
        return reverse(name, kwargs={kwarg: self.item.public_id})

    @property
    def request_url(self) -> str:
        name, kwarg = (
            ("chain-review", "chain_id") if self.kind == "chain" else ("tib-review", "tib_id")
        )
        return reverse(name, kwargs={kwarg: self.item.public_id})


def visible_feedback(user: User) -> QuerySet[Feedback]:
    """Feedback the reader may see, with its author, review and citations (three queries)."""
    return (
        Feedback.objects.visible_to(user)
        .select_related("author", "review")
        .prefetch_related("assumptions", "agreements")
        .order_by("created_at", "id")
    )


def _reviewers(item: Item, user: User, cache: dict[int, QuerySet[User]]) -> QuerySet[User]:
    """Supervisors and the team leader of the item's team, except the one asking."""
    if item.team_id not in cache:
        on_team = Membership.objects.filter(
            team_id=item.team_id, is_active=True, role__in=list(OVERSEER_ROLES)
        ).values("user_id")
        cache[item.team_id] = User.objects.filter(pk__in=on_team, is_active=True).exclude(
            pk=user.pk
        )
    return cache[item.team_id]


def feedback_panels(user: User, items: Sequence[Item]) -> dict[int, FeedbackPanel]:
    """The feedback sections of ``items`` (all of one kind), keyed by the item's pk, and set
    on each item as ``feedback_panel`` for templates that loop over the items. A fixed number
    of queries for the rows whatever the number of items; the predicates are asked once per
    distinct (author, case) of the items, on which their answers depend."""
    if not items:
        return {}
    chains = isinstance(items[0], ChainAnalysis)
    key = "chain_analysis_id" if chains else "tib_entry_id"
    ids = [item.pk for item in items]
    panels = {item.pk: FeedbackPanel(item) for item in items}
    for feedback in visible_feedback(user).filter(**{f"{key}__in": ids}):
        panels[getattr(feedback, key)].feedback.append(feedback)
    reviews = (
        ReviewRequest.objects.visible_to(user)
        .filter(**{f"{key}__in": ids})
        .select_related("reviewer", "requested_by", "team")
        .order_by("created_at", "id")
    )
    for review in reviews:
        panel = panels[getattr(review, key)]
        if panel.review is None or panel.review.status not in OPEN_REVIEW_STATUSES:
            panel.review = review
    gives: dict[tuple[int, int | None], bool] = {}
    writes: dict[tuple[int, int | None], bool] = {}
    reviewer_cache: dict[int, QuerySet[User]] = {}
    for panel in panels.values():
        item = panel.item
        facts = (item.author_id, item.case_id)
        if facts not in gives:
            gives[facts] = can_give_feedback(user, item)
            writes[facts] = can_request_review(user, item)
        panel.can_give = gives[facts]
        current = panel.review
        is_open = current is not None and current.status in OPEN_REVIEW_STATUSES
        if writes[facts] and not is_open:
            reviewers = _reviewers(item, user, reviewer_cache)
            panel.request_form = ReviewRequestForm(reviewers=reviewers, prefix_id=panel.anchor)
        if current is not None and is_open:
            reviewer_here = can_take_review_step(user, current)
            panel.can_start = reviewer_here and current.status == ReviewStatus.REQUESTED
            panel.can_decide = reviewer_here and current.status == ReviewStatus.IN_REVIEW
            panel.can_resubmit = writes[facts] and current.status == ReviewStatus.REVISION_REQUESTED
        item.feedback_panel = panel  # type: ignore[union-attr]
    return panels


def feedback_panel(user: User, item: Item) -> FeedbackPanel:
    return feedback_panels(user, [item])[item.pk]


# --- Fetching what the reader may see ------------------------------------------------------------


def _visible_chain(user: User, chain_id: uuid.UUID) -> ChainAnalysis:
    return get_object_or_404(
        ChainAnalysis.objects.visible_to(user).select_related("team", "case", "author"),
        public_id=chain_id,
    )


def _visible_tib(user: User, tib_id: uuid.UUID) -> TIBEntry:
    return get_object_or_404(
        TIBEntry.objects.visible_to(user).select_related("team", "case", "author"),
        public_id=tib_id,
    )


def _visible_review(user: User, review_id: uuid.UUID) -> ReviewRequest:
    return get_object_or_404(
        ReviewRequest.objects.visible_to(user).select_related(
            "team", "reviewer", "chain_analysis__case", "tib_entry__case"
        ),
        public_id=review_id,
    )


def _form_page(
    request: HttpRequest,
    item: Item,
    form: Any,
    *,
    action: str,
    heading: str,
    status: int = 400,
    deciding: ReviewRequest | None = None,
) -> HttpResponse:
    """A form on a page of its own: empty, or refused with what was typed and why. For the
    reviewer of a review under way (``deciding``) it also asks for a revision or signs off."""
    context = {
        "item": item,
        "form": form,
        "action": action,
        "heading": heading,
        "back": item_url(item),
        "deciding": deciding,
    }
    if deciding is not None:
        # Deciding a review is the reviewer's work from the queue, though the address is under
        # the item's (the caseload's): the navigation says Reviews.
        context["nav_section"] = reverse("review-queue")
    return render(request, "cases/feedback_form.html", context, status=status)


# --- Giving feedback ------------------------------------------------------------------------------


def _give(request: HttpRequest, user: User, item: Item) -> HttpResponse:
    """The feedback form (GET), and giving feedback (POST)."""
    panel = feedback_panel(user, item)
    if not (panel.can_give or panel.can_decide):
        raise PermissionDenied("Feedback is given to the one who wrote this, not by them.")
    deciding = panel.review if panel.can_decide else None
    data = request.POST if request.method == "POST" else None
    form = FeedbackForm(data, choices=CitationChoices.load(), prefix_id="feedback")
    if not form.is_bound:
        return _form_page(
            request,
            item,
            form,
            action=panel.give_url,
            heading=_heading(panel),
            status=200,
            deciding=deciding,
        )
    if not panel.can_give:
        raise PermissionDenied("Feedback is given to the one who wrote this, not by them.")
    given = attempt(
        form, lambda _: services.feedback_give(by=user, item=item, **form.feedback_fields())
    )
    if given.done:
        messages.success(request, "Feedback given.")
        return redirect(item_url(item))
    return _form_page(
        request,
        item,
        form,
        action=panel.give_url,
        heading=_heading(panel),
        deciding=deciding,
        status=given.status,
    )


def _heading(panel: FeedbackPanel) -> str:
    return "Your review" if panel.can_decide else "Give feedback"


@require_http_methods(["GET", "POST"])
@login_required
def chain_feedback(request: HttpRequest, chain_id: uuid.UUID) -> HttpResponse:
    user = person(request)
    return _give(request, user, _visible_chain(user, chain_id))


@require_http_methods(["GET", "POST"])
@login_required
def tib_feedback(request: HttpRequest, tib_id: uuid.UUID) -> HttpResponse:
    user = person(request)
    return _give(request, user, _visible_tib(user, tib_id))


# --- Asking for a review, and its steps -----------------------------------------------------------


def _request(request: HttpRequest, user: User, item: Item) -> HttpResponse:
    if not can_request_review(user, item):
        raise PermissionDenied("Only the author or the case's therapists ask for a review.")
    reviewers = _reviewers(item, user, {})
    form = ReviewRequestForm(request.POST, reviewers=reviewers, prefix_id="review")
    asked = attempt(
        form,
        lambda data: services.review_request(by=user, item=item, reviewer=data["reviewer"]),
    )
    if asked.done:
        reviewer = asked.result.reviewer.display_name
        messages.success(request, f"Review requested from {reviewer}.")
        return redirect(item_url(item))
    return _form_page(
        request,
        item,
        form,
        action=FeedbackPanel(item).request_url,
        heading="Ask for a review",
        status=asked.status,
    )


@require_POST
@login_required
def chain_review(request: HttpRequest, chain_id: uuid.UUID) -> HttpResponse:
    user = person(request)
    return _request(request, user, _visible_chain(user, chain_id))


@require_POST
@login_required
def tib_review(request: HttpRequest, tib_id: uuid.UUID) -> HttpResponse:
    user = person(request)
    return _request(request, user, _visible_tib(user, tib_id))


def _simple_step(
    request: HttpRequest,
    review_id: uuid.UUID,
    *,
    allowed: Callable[[User, ReviewRequest], bool],
    step: Callable[..., Any],
    done: str,
) -> HttpResponse:
    user = person(request)
    review = _visible_review(user, review_id)
    if not allowed(user, review):
        raise PermissionDenied
    try:
        step(review=review, by=user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(item_url(review.target))


@require_POST
@login_required
def review_start(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """The reviewer takes the review up."""
    return _simple_step(
        request,
        review_id,
        allowed=can_take_review_step,
        step=services.review_start,
        done="Review started. Give your feedback below to ask for a revision or to sign off.",
    )


@require_POST
@login_required
def review_resubmit(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """The author sends the revised item back to the same reviewer."""
    return _simple_step(
        request,
        review_id,
        allowed=can_resubmit_review,
        step=services.review_resubmit,
        done="Sent back to the reviewer.",
    )


def _decide(
    request: HttpRequest, review_id: uuid.UUID, *, step: Callable[..., Any], done: str
) -> HttpResponse:
    user = person(request)
    review = _visible_review(user, review_id)
    if not can_take_review_step(user, review):
        raise PermissionDenied("Only the reviewer named on this request decides it.")
    form = FeedbackForm(request.POST, choices=CitationChoices.load(), prefix_id="feedback")
    decided = attempt(form, lambda _: step(review=review, by=user, **form.feedback_fields()))
    if decided.done:
        messages.success(request, done)
        return redirect(item_url(review.target))
    item = review.target
    action = FeedbackPanel(item).give_url
    return _form_page(
        request,
        item,
        form,
        action=action,
        heading="Your review",
        deciding=review,
        status=decided.status,
    )


@require_POST
@login_required
def review_revise(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    return _decide(
        request, review_id, step=services.review_request_revision, done="Revision requested."
    )


@require_POST
@login_required
def review_sign_off(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    return _decide(request, review_id, step=services.review_sign_off, done="Signed off.")


# --- The queue and my feedback --------------------------------------------------------------------


def _items_of(reviews: Iterable[ReviewRequest]) -> tuple[list[ChainAnalysis], list[TIBEntry]]:
    chains = {r.chain_analysis.pk: r.chain_analysis for r in reviews if r.chain_analysis}
    tibs = {r.tib_entry.pk: r.tib_entry for r in reviews if r.tib_entry}
    return list(chains.values()), list(tibs.values())


def _reviews(user: User) -> QuerySet[ReviewRequest]:
    return ReviewRequest.objects.visible_to(user).select_related(
        "team",
        "reviewer",
        "requested_by",
        "chain_analysis__case",
        "chain_analysis__team",
        "tib_entry__case",
        "tib_entry__team",
    )


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """The reviews I am asked to give, by status, oldest first; items without a page of their
    own (a therapist's own TIB) carry their feedback section here."""
    user = person(request)
    mine = _reviews(user).filter(reviewer_id=user.pk).order_by("created_at", "id")
    open_reviews = list(mine.filter(status__in=OPEN_REVIEW_STATUSES))
    signed_off = list(
        mine.filter(status=ReviewStatus.SIGNED_OFF).order_by("-signed_off_at", "-id")[
            :SIGNED_OFF_SHOWN
        ]
    )
    # Analyses and a client's TIB are decided on their own pages; the therapist's own and the
    # team's TIB entries have none, so their section is here.
    _, tibs = _items_of(open_reviews)
    panels = {
        ("tib", pk): panel
        for pk, panel in feedback_panels(user, [t for t in tibs if not t.case_id]).items()
    }
    groups = [
        {
            "status": status,
            "label": ReviewStatus(status).label,
            "rows": [
                (
                    review,
                    panels.get((_kind(review.target), review.target.pk)),
                    item_url(review.target),
                )
                for review in (signed_off if status == ReviewStatus.SIGNED_OFF else open_reviews)
                if review.status == status
            ],
        }
        for status in QUEUE_ORDER
    ]
    is_reviewer = Membership.objects.filter(
        user_id=user.pk, is_active=True, role__in=list(OVERSEER_ROLES)
    ).exists()
    context = {"groups": groups, "is_reviewer": is_reviewer}
    return render(request, "cases/review_queue.html", context)


@login_required
@require_GET
def my_feedback(request: HttpRequest) -> HttpResponse:
    """The reviews I asked for and the feedback addressed to me, newest first; my own and the
    team's TIB entries (which have no page) carry their feedback section here."""
    user = person(request)
    requested = list(
        _reviews(user).filter(requested_by_id=user.pk).order_by("-created_at", "-id")[:50]
    )
    addressed = list(
        visible_feedback(user)
        .filter(pk__in=Feedback.objects.addressed_to(user).values("pk"))
        .select_related("chain_analysis__case", "tib_entry__case")
        .order_by("-created_at", "-id")[:100]
    )
    own_tibs = list(
        TIBEntry.objects.visible_to(user)
        .filter(case__isnull=True, author_id=user.pk)
        .filter(
            Q(pk__in=Feedback.objects.values("tib_entry_id"))
            | Q(pk__in=ReviewRequest.objects.values("tib_entry_id"))
        )
        .select_related("team", "author")
        .order_by("-occurred_on", "-id")[:20]
    )
    panels = list(feedback_panels(user, own_tibs).values())
    audit_list_read(Feedback, [feedback.public_id for feedback in addressed])
    audit_list_read(TIBEntry, [entry.public_id for entry in own_tibs])
    context = {
        "requested": [(review, item_url(review.target)) for review in requested],
        "addressed": [(feedback, item_url(feedback.target)) for feedback in addressed],
        "panels": panels,
    }
    return render(request, "cases/my_feedback.html", context)


__all__ = [
    "chain_feedback",
    "chain_review",
    "feedback_panel",
    "feedback_panels",
    "my_feedback",
    "review_queue",
    "review_resubmit",
    "review_revise",
    "review_sign_off",
    "review_start",
    "tib_feedback",
    "tib_review",
]
