"""What every app's API shares: model serializers whose times are UTC, request bodies that
refuse unknown names, enums published by name in the schema, a 400 on one field, a row named
by its public id, and the answer a refusal gets in the schema. The views' rules themselves are
`consultteam.access.ActionRules`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers

from consultteam.web import person

__all__ = [
    "REFUSED",
    "UUID_PATTERN",
    "ApiModelSerializer",
    "EnumField",
    "Input",
    "UTCDateTimeField",
    "invalid",
    "one_named",
    "path_uuid",
    "person",
]

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

REFUSED = OpenApiResponse(description="You can see it, but your role cannot make this change.")


class UTCDateTimeField(serializers.DateTimeField):
    """A time as the API gives it: ISO 8601 in UTC, with a Z.

    The API activates no zone (`PersonTimeZoneMiddleware` leaves it alone), so DRF's own field
    gives the same. Naming UTC states the promise, and spares DRF looking up the current
    zone for every value it renders, which cost more than the rest of the value's rendering
    (about 30,000 instructions a value; docs/performance.md)."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("default_timezone", dt.UTC)
        super().__init__(**options)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$",
        "example": "09:00:00",
        "description": "A wall-clock time, in the team's own time zone (no offset).",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day with no offset (when a team meets, in its zone). OpenAPI's format "time"
    requires an offset, which such a time has not: the schema gives its pattern instead."""


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}],
        "description": "An https address, or empty for none.",
    }
)
class LinkOrNoneField(serializers.URLField):
    """A link that may be empty (a meeting's video link): "" is no URI, so the schema says
    either."""


_M = TypeVar("_M", bound=models.Model)


class ApiModelSerializer(serializers.ModelSerializer[_M]):
    """A model's serializer in the API: as DRF's, with the model's times in UTC."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UTCDateTimeField,
        models.TimeField: LocalTimeField,
        models.URLField: LinkOrNoneField,
    }


class EnumField(serializers.ChoiceField):
    """A choice among a `TextChoices` class, published in the schema as one named enum
    (`CaseStatusEnum`, `ChainKindEnum`...). Several vocabularies share a field name (`status`,
    `kind`); without a name of their own the schema generator could only guess one."""

    def __init__(self, vocabulary: type[models.TextChoices], **options: Any) -> None:
        self.vocabulary = vocabulary
        super().__init__(choices=vocabulary.choices, **options)


# drf-spectacular's registering __init_subclass__ carries no annotations.
class EnumFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = EnumField

    def get_name(self) -> str:
        blank = "OrNone" if self.target.allow_blank else ""
        return f"{self.target.vocabulary.__name__}{blank}Enum"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        vocabulary = self.target.vocabulary
        codes = list(vocabulary.values)
        lines = [f"* `{code}` - {label}" for code, label in vocabulary.choices]
        if self.target.allow_blank:  # a choice the record may leave open: "" is none
            codes.append("")
            lines.append("* `` (empty) - none")
        return {"type": "string", "enum": codes, "description": "\n".join(lines)}


class Input(serializers.Serializer[dict[str, Any]]):
    """A request body. Names it does not know are refused, never silently ignored."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field cannot be set here."] for name in unknown}
                )
        validated: dict[str, Any] = super().to_internal_value(data)
        return validated


def identifier_override_field() -> serializers.CharField:
    """The reason for saving free text the identifier check flagged, on every body that carries
    such text (it is not a field of the record: take it out before saving)."""
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        write_only=True,
        help_text=(
            "Save text the identifier check flagged anyway, for this reason (audited; the text "
            "itself is never put in the audit trail). Without it such text answers 400 with "
            "the flags."
        ),
    )


def invalid(field: str, message: str) -> serializers.ValidationError:
    """A 400 that says what is wrong with one field of the body."""
    return serializers.ValidationError({field: [message]})


Row = TypeVar("Row", bound=models.Model)


def one_named(rows: QuerySet[Row], public_id: uuid.UUID | str, *, field: str, what: str) -> Row:
    """The row of ``rows`` a request body names by its public id, else 400 on ``field``
    ("There is no <what> with this id."). Given rows scoped by `visible_to`, a row the caller
    may not see is answered exactly like one that does not exist."""
    found = rows.filter(public_id=public_id).first()
    if found is None:
        raise invalid(field, f"There is no {what} with this id.")
    return found


def public_id_in_path(value: uuid.UUID | str) -> uuid.UUID:
    """The public id a path names; 404, as for a row not found, when it is no UUID (the
    routers take any text there)."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def path_uuid(name: str, description: str) -> OpenApiParameter:
    """A public id in the path, for the schema."""
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)
