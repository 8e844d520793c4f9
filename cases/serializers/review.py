"""Shapes of feedback and reviews in the API. Shape only: the views hand validated data to
`cases.services`, which checks who may do what and which codes exist."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.models import FEEDBACK_TEXT, Feedback, FeedbackKind, ReviewRequest, ReviewStatus
from cases.serializers.cases import PersonSerializer
from cases.serializers.fields import CitedCodes
from consultteam.web.api import ApiModelSerializer, EnumField, Input, identifier_override_field


class _CodesField(serializers.ListField):
    def __init__(self, what: str, **options: Any) -> None:
        super().__init__(
            child=serializers.CharField(max_length=40),
            required=False,
            max_length=20,
            help_text=f"Codes of the {what} it draws on, for example as listed at /api/v1/{what}/.",
            **options,
        )


class _ItemInput(Input):
    """Names one item, a chain analysis or a TIB entry, by its id."""

    chain_analysis = serializers.UUIDField(required=False, help_text="A chain analysis's id.")
    tib_entry = serializers.UUIDField(required=False, help_text="A TIB entry's id.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("chain_analysis" in attrs) == ("tib_entry" in attrs):
            raise serializers.ValidationError(
                {"chain_analysis": ["Name exactly one item: a chain_analysis or a tib_entry."]}
            )
        return attrs


class FeedbackContentInput(Input):
    """Validation first (required), then what was noticed and what might help."""

    validation = serializers.CharField(
        max_length=FEEDBACK_TEXT,
        allow_blank=False,
        help_text="What is understandable, valid or effective in what was done. Required.",
    )
    observation = serializers.CharField(max_length=FEEDBACK_TEXT, required=False, allow_blank=True)
    suggestion = serializers.CharField(max_length=FEEDBACK_TEXT, required=False, allow_blank=True)
    assumptions = _CodesField("assumptions")
    agreements = _CodesField("agreements")
    identifier_override = identifier_override_field()


class FeedbackGiveInput(_ItemInput, FeedbackContentInput):
    pass


class ReviewRequestInput(_ItemInput):
    reviewer = serializers.UUIDField(help_text="A supervisor or the team leader of the team.")


class FeedbackSerializer(ApiModelSerializer[Feedback]):
    """Expects author, team, its item and review joined and citations prefetched."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    chain_analysis = serializers.UUIDField(
        source="chain_analysis.public_id", read_only=True, allow_null=True, default=None
    )
    tib_entry = serializers.UUIDField(
        source="tib_entry.public_id", read_only=True, allow_null=True, default=None
    )
    review = serializers.UUIDField(
        source="review.public_id", read_only=True, allow_null=True, default=None
    )
    author = PersonSerializer(read_only=True)
    kind = EnumField(FeedbackKind, read_only=True)
    assumptions = CitedCodes()
    agreements = CitedCodes()

    class Meta:
        model = Feedback
        fields = [
            "id",
            "team",
            "chain_analysis",
            "tib_entry",
            "review",
            "author",
            "kind",
            "validation",
            "observation",
            "suggestion",
            "assumptions",
            "agreements",
            "created_at",
        ]
        read_only_fields = fields


class ReviewSerializer(ApiModelSerializer[ReviewRequest]):
    """Expects team, people and the item joined."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    chain_analysis = serializers.UUIDField(
        source="chain_analysis.public_id", read_only=True, allow_null=True, default=None
    )
    tib_entry = serializers.UUIDField(
        source="tib_entry.public_id", read_only=True, allow_null=True, default=None
    )
    requested_by = PersonSerializer(read_only=True)
    reviewer = PersonSerializer(read_only=True)
    status = EnumField(ReviewStatus, read_only=True)

    class Meta:
        model = ReviewRequest
        fields = [
            "id",
            "team",
            "chain_analysis",
            "tib_entry",
            "requested_by",
            "reviewer",
            "status",
            "created_at",
            "started_at",
            "revision_requested_at",
            "resubmitted_at",
            "signed_off_at",
        ]
        read_only_fields = fields


class ReviewStepSerializer(serializers.Serializer[Any]):
    """A review after a step, with the feedback that step gave (if it gave one)."""

    review = ReviewSerializer(read_only=True)
    feedback = FeedbackSerializer(read_only=True, allow_null=True)
