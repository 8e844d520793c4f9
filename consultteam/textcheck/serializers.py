"""Shape of the text-check API: what comes in, what goes out. Validation of the text itself
lives in services.text_check, so every door refuses the same texts with the same words."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from consultteam.queryparams import QueryParams
from consultteam.web.api import UTCDateTimeField


class TextCheckInput(serializers.Serializer[Any]):
    text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,  # offsets must refer to the text as sent
        help_text="The text to check, up to 20,000 characters.",
    )
    team = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A team you are an active member of, to add its own rules to the defaults.",
    )


class TextFlagSerializer(serializers.Serializer[Any]):
    check = serializers.ChoiceField(
        choices=["language", "identifier"],
        help_text="language: wording the assumptions and agreements warn against; "
        "identifier: something that could identify a client.",
    )
    category = serializers.CharField(
        help_text="For language: PEJORATIVE_LABEL, INTENT_ATTRIBUTION, MOTIVATION_BLAME, "
        "FAILURE_FRAMING, FRAGILIZING_OR_GO_BETWEEN or ABSOLUTIST_POLARIZING. For identifier: "
        "NAME, DATE, PHONE, EMAIL, STREET_ADDRESS, RECORD_NUMBER, URL, IP_ADDRESS or "
        "AGE_OVER_89."
    )
    start = serializers.IntegerField(help_text="Offset of the first character, in code points.")
    end = serializers.IntegerField(help_text="Offset just past the last character.")
    text = serializers.CharField(help_text="The flagged words as they appear in the text.")
    suggestion = serializers.CharField(help_text="What to write instead, and why.")
    assumptions = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the assumptions the suggestion uses."
    )
    agreements = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the agreements the suggestion uses."
    )
    severity = serializers.ChoiceField(
        choices=["INFO", "CAUTION"], help_text="How strongly to show it; never blocks saving."
    )


class TextCheckResult(serializers.Serializer[Any]):
    flags = TextFlagSerializer(many=True)


class StoredTextFlagSerializer(serializers.Serializer[Any]):
    """A flag remembered on a saved record, and what became of it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    object_type = serializers.CharField(read_only=True, help_text='e.g. "cases.tibentry".')
    object = serializers.UUIDField(source="object_id", read_only=True)
    field = serializers.CharField(read_only=True, help_text="The field of the record.")
    check = serializers.ChoiceField(
        source="kind", choices=["language", "identifier"], read_only=True
    )
    category = serializers.CharField(read_only=True)
    start = serializers.IntegerField(read_only=True, help_text="Offset, in code points.")
    end = serializers.IntegerField(read_only=True)
    text = serializers.CharField(source="excerpt", read_only=True, help_text="The words found.")
    suggestion = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        choices=["OPEN", "REWORDED", "KEPT", "DISMISSED", "OVERRIDDEN"],
        read_only=True,
        help_text="OPEN until reworded, kept (with a reason) or dismissed; OVERRIDDEN: an "
        "identifier saved anyway, with a reason.",
    )
    reason = serializers.CharField(read_only=True)
    created_at = UTCDateTimeField(read_only=True)
    resolved_at = UTCDateTimeField(read_only=True, allow_null=True)


class TextFlagListQuery(QueryParams):
    object = serializers.UUIDField(help_text="The id of the record whose flags to list.")


class TextFlagResolveInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=["KEPT", "DISMISSED"],
        help_text="KEPT: the wording stays, for the reason given. DISMISSED: the flag does not "
        "apply here.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Why the wording is kept: required for KEPT.",
    )
