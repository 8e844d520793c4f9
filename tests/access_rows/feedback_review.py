"""Access rows for feedback and review (cases/views/review.py, cases/api/review.py) and the
reference pages that list what cites an assumption or agreement.

In the world, tara_chain_ready is Tara's analysis shared with the team, tara_chain_draft her
draft (read by her, Lena and Sam only) and tara_tib_shared her client's TIB brought to team.
Feedback is given by those who can read an item and did not write it: Theo (a peer, once it is
shared), Lena and Sam; Tara, its author, is refused (403). A review of the shared analysis is
asked by Tara of Sam; Theo is not party to it and does not see it (404). A permitted page post
arrives with an empty form (the matrix sends JSON) and answers 400; a step with nothing to fill
in redirects back to the item (302).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from cases.models import ReviewRequest, ReviewStatus
from tests.matrix import API_SIGNED_OUT, PAGE, SIGNED_OUT, Row, every

FEEDBACK_TEXT = {
    "validation": "Leaving the room when fear rose so fast makes sense: it brought relief.",
    "suggestion": "Rehearse one skill for the first minute of fear before the next group.",
}


def _page(**expect: int) -> dict[str, int]:
    return every(404, **SIGNED_OUT) | expect


def _api(**expect: int) -> dict[str, int]:
    return every(404, **API_SIGNED_OUT) | expect


# Giving feedback on a shared item: Alpha's members but its author; outsiders 404.
GIVE_PAGE = _page(tara=403, theo=200, lena=200, sam=200)
GIVE_POST = _page(tara=403, theo=400, lena=400, sam=400)
# On a draft: only the overseers read it, so only they give feedback.
GIVE_DRAFT_PAGE = _page(tara=403, lena=200, sam=200)
# Asking for a review: its author only (the empty form is a 400); readers 403.
REQUEST_POST = _page(tara=400, theo=403, lena=403, sam=403)
# A review Tara asked of Sam: Tara, Lena (team leader) and Sam see it; Theo does not.
REVIEWER_STEP = _page(tara=403, lena=403)


def shared_chain(world: SimpleNamespace) -> dict[str, Any]:
    return {"chain_id": world.tara_chain_ready.public_id}


def draft_chain(world: SimpleNamespace) -> dict[str, Any]:
    return {"chain_id": world.tara_chain_draft.public_id}


def shared_tib(world: SimpleNamespace) -> dict[str, Any]:
    return {"tib_id": world.tara_tib_shared.public_id}


def review_at(status: str) -> Any:
    """A review of the shared analysis, asked by Tara of Sam, moved to ``status`` through the
    services (made once, before anyone asks)."""

    def kwargs(world: SimpleNamespace) -> dict[str, Any]:
        from cases import services

        review = ReviewRequest.objects.filter(chain_analysis=world.tara_chain_ready).first()
        if review is None:
            review = services.review_request(
                by=world.tara, item=world.tara_chain_ready, reviewer=world.sam
            )
            if status != ReviewStatus.REQUESTED:
                review = services.review_start(review=review, by=world.sam)
            if status == ReviewStatus.REVISION_REQUESTED:
                services.review_request_revision(review=review, by=world.sam, **FEEDBACK_TEXT)
        return {"review_id": review.public_id}

    return kwargs


def feedback_on_shared_chain(world: SimpleNamespace) -> dict[str, Any]:
    return {"chain_analysis": str(world.tara_chain_ready.public_id), **FEEDBACK_TEXT}


def review_of_shared_chain(world: SimpleNamespace) -> dict[str, Any]:
    return {
        "chain_analysis": str(world.tara_chain_ready.public_id),
        "reviewer": str(world.sam.public_id),
    }


ROWS: list[Row] = [
    # Pages
    Row("review-queue", "GET", PAGE),
    Row("my-feedback", "GET", PAGE),
    Row("chain-feedback", "GET", GIVE_PAGE, shared_chain),
    Row("chain-feedback", "POST", GIVE_POST, shared_chain),
    Row("chain-feedback", "GET", GIVE_DRAFT_PAGE, draft_chain),
    Row("tib-feedback", "GET", GIVE_PAGE, shared_tib),
    Row("tib-feedback", "POST", GIVE_POST, shared_tib),
    Row("chain-review", "POST", REQUEST_POST, shared_chain),
    Row("tib-review", "POST", REQUEST_POST, shared_tib),
    Row("review-start", "POST", REVIEWER_STEP | {"sam": 302}, review_at(ReviewStatus.REQUESTED)),
    Row("review-revise", "POST", REVIEWER_STEP | {"sam": 400}, review_at(ReviewStatus.IN_REVIEW)),
    Row("review-sign-off", "POST", REVIEWER_STEP | {"sam": 400}, review_at(ReviewStatus.IN_REVIEW)),
    Row(
        "review-resubmit",
        "POST",
        _page(tara=302, lena=403, sam=403),
        review_at(ReviewStatus.REVISION_REQUESTED),
    ),
    # The reference pages list what cites each one, among what the reader may see.
    Row("assumption-detail", "GET", PAGE, lambda world: {"code": "DOING_BEST_THEY_CAN"}),
    Row("agreement-detail", "GET", PAGE, lambda world: {"code": "FALLIBILITY"}),
    # The API
    Row("api-feedback-list", "GET", every(200, **API_SIGNED_OUT)),
    Row(
        "api-feedback-list",
        "POST",
        _api(tara=403, theo=201, lena=201, sam=201, olga=400, fern=400, ada=400),
        data=feedback_on_shared_chain,
    ),
    Row("api-review-list", "GET", every(200, **API_SIGNED_OUT)),
    Row(
        "api-review-list",
        "POST",
        _api(tara=201, theo=403, lena=403, sam=403, olga=400, fern=400, ada=400),
        data=review_of_shared_chain,
    ),
    Row(
        "api-review-start",
        "POST",
        _api(tara=403, lena=403, sam=200),
        review_at(ReviewStatus.REQUESTED),
    ),
    Row(
        "api-review-revise",
        "POST",
        _api(tara=403, lena=403, sam=200),
        review_at(ReviewStatus.IN_REVIEW),
        data=FEEDBACK_TEXT,
    ),
    Row(
        "api-review-sign-off",
        "POST",
        _api(tara=403, lena=403, sam=200),
        review_at(ReviewStatus.IN_REVIEW),
        data=FEEDBACK_TEXT,
    ),
    Row(
        "api-review-resubmit",
        "POST",
        _api(tara=200, lena=403, sam=403),
        review_at(ReviewStatus.REVISION_REQUESTED),
    ),
]
