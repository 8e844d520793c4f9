"""Feedback and reviews in the API.

Thin, like the rest of cases/api/: lists start from `visible_to` (an outsider never sees a
row; a review they may not see answers 404), each action has its rule in `rules`, and every
write goes through `cases.services`, which re-checks it. A step that does not fit the review's
status answers 409.
Lists are newest first with a cursor, and their query count does not grow with the rows.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import services
from cases.api.common import active_person
from cases.models import ChainAnalysis, Feedback, ReviewRequest, TIBEntry
from cases.permissions import (
    can_give_feedback,
    can_list_feedback,
    can_request_review,
    can_resubmit_review,
    can_take_review_step,
)
from cases.serializers import with_citations
from cases.serializers.review import (
    FeedbackContentInput,
    FeedbackGiveInput,
    FeedbackSerializer,
    ReviewRequestInput,
    ReviewSerializer,
    ReviewStepSerializer,
)
from consultteam.access import ActionRules, AnyUser
from consultteam.audit.services import audit_list_read
from consultteam.pagination import NewestFirst
from consultteam.web.api import invalid, person
from consultteam.web.rules import checked_by_service

REFUSED = OpenApiResponse(description="You can see it, but you cannot take this step.")
OUT_OF_STEP = OpenApiResponse(
    description="The review is not at the step this follows (someone took it first): reload."
)


def _item_named(user: AnyUser, data: dict[str, Any]) -> ChainAnalysis | TIBEntry:
    """The item a body names, among those the caller can see (else 400 on that field: an
    unseen item is answered exactly like one that does not exist)."""
    if "chain_analysis" in data:
        chain = ChainAnalysis.objects.visible_to(user).select_related("team", "case")
        found: ChainAnalysis | TIBEntry | None = chain.filter(
            public_id=data["chain_analysis"]
        ).first()
        field = "chain_analysis"
    else:
        entries = TIBEntry.objects.visible_to(user).select_related("team", "case")
        found = entries.filter(public_id=data["tib_entry"]).first()
        field = "tib_entry"
    if found is None:
        raise invalid(field, "There is no such item.")
    return found


def _feedback_rows(user: AnyUser) -> QuerySet[Feedback]:
    return with_citations(
        Feedback.objects.visible_to(user).select_related(
            "team", "author", "chain_analysis", "tib_entry", "review"
        )
    )


@extend_schema(tags=["feedback"])
class FeedbackViewSet(viewsets.GenericViewSet[Feedback]):
    """Feedback on chain analyses and TIB entries, validation first. Read by its author, by
    those it is addressed to (the item's author and the case's therapists), by the team leader
    and the team's supervisors."""

    serializer_class = FeedbackSerializer
    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_feedback,
        # The item comes in the body.
        "create": checked_by_service(can_give_feedback),
    }
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Feedback]:
        return _feedback_rows(self.request.user)

    def list(self, request: Request) -> Response:
        """Feedback you can read, newest first."""
        page = self.paginate_queryset(self.get_queryset())
        audit_list_read(Feedback, (feedback.public_id for feedback in page or ()))
        return self.get_paginated_response(FeedbackSerializer(page, many=True).data)

    @extend_schema(request=FeedbackGiveInput, responses={201: FeedbackSerializer, 403: REFUSED})
    def create(self, request: Request) -> Response:
        """Give feedback on an item you can read and did not write. `validation` is required."""
        body = FeedbackGiveInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        item = _item_named(request.user, data)
        data.pop("chain_analysis", None)
        data.pop("tib_entry", None)
        feedback = services.feedback_give(by=person(request), item=item, **data)
        fresh = self.get_queryset().get(pk=feedback.pk)
        return Response(FeedbackSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reviews"])
class ReviewViewSet(viewsets.GenericViewSet[ReviewRequest]):
    """Reviews: REQUESTED → IN_REVIEW → REVISION_REQUESTED or SIGNED_OFF, and back to REQUESTED
    when the author resubmits. The author (or the case's therapists) asks and resubmits; the
    named reviewer starts, asks for a revision and signs off."""

    serializer_class = ReviewSerializer
    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_feedback,
        # The item comes in the body.
        "create": checked_by_service(can_request_review),
        "start": can_take_review_step,
        "revise": can_take_review_step,
        "sign_off": can_take_review_step,
        "resubmit": can_resubmit_review,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "review_id"
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[ReviewRequest]:
        return ReviewRequest.objects.visible_to(self.request.user).select_related(
            "team", "chain_analysis", "tib_entry", "requested_by", "reviewer"
        )

    def _fresh(self, review: ReviewRequest) -> dict[str, Any]:
        return dict(ReviewSerializer(self.get_queryset().get(pk=review.pk)).data)

    def list(self, request: Request) -> Response:
        """Reviews you can see, newest first."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(request=ReviewRequestInput, responses={201: ReviewSerializer, 403: REFUSED})
    def create(self, request: Request) -> Response:
        """Ask a supervisor or the team leader to review an item you wrote (or whose case you
        treat). 409 if it already has a review under way."""
        body = ReviewRequestInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = _item_named(request.user, data)
        reviewer = active_person(data["reviewer"], "reviewer")
        review = services.review_request(by=person(request), item=item, reviewer=reviewer)
        return Response(self._fresh(review), status=status.HTTP_201_CREATED)

    def _step_answer(self, review: ReviewRequest, feedback: Feedback | None) -> Response:
        fresh_feedback = _feedback_rows(self.request.user).get(pk=feedback.pk) if feedback else None
        fresh = self.get_queryset().get(pk=review.pk)
        return Response(ReviewStepSerializer({"review": fresh, "feedback": fresh_feedback}).data)

    @extend_schema(
        request=None, responses={200: ReviewStepSerializer, 403: REFUSED, 409: OUT_OF_STEP}
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, review_id: uuid.UUID) -> Response:
        """The reviewer takes up a requested review."""
        review = self.get_object()
        services.review_start(review=review, by=person(request))
        return self._step_answer(review, None)

    @extend_schema(
        request=FeedbackContentInput,
        responses={200: ReviewStepSerializer, 403: REFUSED, 409: OUT_OF_STEP},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, review_id: uuid.UUID) -> Response:
        """The reviewer asks for a revision, with feedback: validation first, and a
        `suggestion` saying what to revise."""
        review = self.get_object()
        body = FeedbackContentInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.setdefault("suggestion", "")
        feedback = services.review_request_revision(review=review, by=person(request), **data)
        return self._step_answer(review, feedback)

    @extend_schema(
        request=FeedbackContentInput,
        responses={200: ReviewStepSerializer, 403: REFUSED, 409: OUT_OF_STEP},
    )
    @action(detail=True, methods=["post"], url_path="sign-off", url_name="sign-off")
    def sign_off(self, request: Request, review_id: uuid.UUID) -> Response:
        """The reviewer signs off, with feedback that validates first. A chain analysis ready
        for team or presented moves to reviewed."""
        review = self.get_object()
        body = FeedbackContentInput(data=request.data)
        body.is_valid(raise_exception=True)
        feedback = services.review_sign_off(
            review=review, by=person(request), **body.validated_data
        )
        return self._step_answer(review, feedback)

    @extend_schema(
        request=None, responses={200: ReviewStepSerializer, 403: REFUSED, 409: OUT_OF_STEP}
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, review_id: uuid.UUID) -> Response:
        """The author sends the revised item back to the same reviewer."""
        review = self.get_object()
        services.review_resubmit(review=review, by=person(request))
        return self._step_answer(review, None)


__all__ = ["FeedbackViewSet", "ReviewViewSet"]
