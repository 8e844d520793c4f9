"""The fields the clinical record's serializers share: months, texts as long as the models hold,
intensities, the identifier override, the chain analysis's version, and cited codes.

Input serializers check shape only (choices, lengths, dates, ranges) and refuse fields they do
not know, so a typo is a 400 rather than a change silently dropped. Rules that need the record
(a category of the wrong actor, a date in the future, a position past the end, a stale
version) are the services' to enforce. Related objects are rendered by their public ids.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    ChainConsequence,
    ChainLink,
)
from consultteam.json_rows import rows_of
from consultteam.reference.models import Agreement, Assumption


def _max_length(model: type[models.Model], name: str) -> int:
    """The longest text the model holds in this field: the API refuses longer (400)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    assert field.max_length is not None
    return field.max_length


LINK_TEXT = _max_length(ChainLink, "description")
CONSEQUENCE_TEXT = _max_length(ChainConsequence, "description")

_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
        "example": "2025-03",
        "description": "A month as YYYY-MM. A full date (YYYY-MM-DD) is accepted and kept as "
        "its month only.",
    }
)
class MonthField(serializers.Field[dt.date, Any, str, Any]):
    """Month and year only: a full date could help identify the client. Takes "2025-03" or
    "2025-03-17" (kept as March 2025), renders "2025-03"."""

    default_error_messages = {
        "invalid": "Enter a month as YYYY-MM (a date as YYYY-MM-DD is also accepted).",
    }

    def to_internal_value(self, data: Any) -> dt.date:
        match = _MONTH.match(data) if isinstance(data, str) else None
        if match is None:
            self.fail("invalid")
        year, month, day = (int(part) if part else 1 for part in match.groups())
        try:
            return dt.date(year, month, day).replace(day=1)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value: dt.date) -> str:
        # Not strftime: it pads no year below 1000, and costs several times this.
        return f"{value.year:04d}-{value.month:02d}"


def text_field(max_length: int, **options: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, **options)


def model_text_field(model: type[models.Model], name: str) -> serializers.CharField:
    """Optional free text as ``model`` holds it in ``name``: no longer than the model keeps,
    blank where the model allows blank."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return text_field(_max_length(model, name), required=False, allow_blank=field.blank)


def with_model_texts(
    declared: dict[str, Any],
    model: type[models.Model],
    texts: tuple[str, ...],
    order: tuple[str, ...],
) -> dict[str, Any]:
    """An input's fields (``declared``: what its `get_fields` found) with ``model``'s free
    text ``texts`` added as `model_text_field`s, in ``order`` and then the rest. A declared
    field wins over the model's (a start asks for a text a change may leave out)."""
    fields = {**{name: model_text_field(model, name) for name in texts}, **declared}
    in_order = {name: fields.pop(name) for name in order if name in fields}
    return {**in_order, **fields}


def intensity_field() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)


def version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, help_text="The version of the chain analysis this change was made against."
    )


def citations_field(what: str) -> serializers.ListField:
    """Codes of what an item draws on. Whether each code exists is the services' to say
    (services/citations.py): an unknown one is a 400 that names it."""
    return serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=20,
        help_text=f"Codes of the {what} it draws on, as listed at /api/v1/{what}/. "
        "On a change, the list replaces the one before; [] cites none.",
    )


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string"},
        "description": "Codes of what it draws on (see the reference endpoints).",
    }
)
class CitedCodes(serializers.Field[Any, Any, list[str], Any]):
    """The codes of the assumptions or agreements an item cites (its ``source`` relation).
    Reads the plain list `with_citations` prefetches; an object fetched without it reads the
    relation itself (a query: the list endpoints' query budgets would catch that)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(read_only=True, **options)

    def get_attribute(self, instance: Any) -> Any:
        relation = str(self.source)
        if isinstance(instance, Mapping):  # a row read with its citations (cases/chain_detail.py)
            return instance[_cited(relation)]
        cited = getattr(instance, _cited(relation), None)
        return cited if cited is not None else list(getattr(instance, relation).all())

    def to_representation(self, value: Any) -> list[str]:
        return [row.code for row in value]


def _cited(relation: str) -> str:
    return f"{relation}_cited"


_Cites = TypeVar("_Cites", bound=models.Model)


def with_citations(rows: QuerySet[_Cites]) -> QuerySet[_Cites]:
    """``rows`` with the assumptions and agreements they cite, one query each for a whole page,
    kept as plain lists for `CitedCodes`.

    Why lists: prefetched into the relations, Django builds a related manager and a queryset
    for every row and relation, which cost more than the two queries themselves (a third of
    a page of TIB entries; docs/performance.md)."""
    return rows.prefetch_related(
        Prefetch("assumptions", Assumption.objects.only("id", "code"), _cited("assumptions"))
    ).prefetch_related(
        Prefetch("agreements", Agreement.objects.only("id", "code"), _cited("agreements"))
    )


def cited_rows(model: type[Assumption] | type[Agreement], cited_by: str) -> Subquery:
    """What a row cites of ``model`` as a JSON column of its own statement (for a compiled read:
    consultteam/json_rows.py), in the reference list's order, as `with_citations` lists it:
    ``cited_by`` is the relation from ``model`` back to the row's (``cited_by_tibentry``)."""
    cited = model.objects.filter(**{cited_by: OuterRef("pk")})
    order = [str(name) for name in model._meta.ordering or ()]
    carried = list(dict.fromkeys(["code", *order]))
    return rows_of(cited, parent=cited_by, fields=carried, order_by=order)
