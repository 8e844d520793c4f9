"""A row's children in the row's own statement: the rows of a correlated subquery gathered
into one JSON array column and read back as model instances.

Why: a detail read with children (a chain analysis's links, consequences and citations) cost
one statement per relation with `prefetch_related`, each a round trip and a queryset Django
builds per request (docs/performance.md). With `rows_of` each relation is one column of the
parent's row: PostgreSQL's ``JSONB_AGG`` or SQLite's ``JSON_GROUP_ARRAY`` over
``JSON(B)_BUILD_OBJECT`` / ``JSON_OBJECT`` of the chosen columns, written with the ORM
(`JSONObject`, a `Subquery` with `OuterRef`), no raw SQL.

What comes back is a list of unsaved-looking instances of the child model holding only the
chosen fields, each value passed through its field's own ``to_python``, so it is what a
fetched row holds on either database (a UUID is a `UUID` whether PostgreSQL sent
``"1b4e…-…"`` or SQLite its 32 hex digits; an integer an `int`; a boolean a `bool` from
SQLite's 0/1). Not for a datetime: SQLite keeps it as naive text, PostgreSQL sends an offset,
and the two would not read back alike (`rows_of` refuses one). The order is given in Python
(``order_by``, on the converted values): an aggregate over an unordered subquery promises
none, and SQLite before 3.44 has no ``ORDER BY`` inside an aggregate.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Aggregate, F, QuerySet, Subquery
from django.db.models.functions import JSONObject


class JSONArrayOf(Aggregate):
    """The JSON array of its argument over the group's rows (one JSON value per row)."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # JSONB, not JSON: Django reads jsonb as text (for JSONField to decode), json not.
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra)


class RowsOf(models.Field):  # type: ignore[type-arg]
    """The output of `rows_of`: a JSON array of objects, read back as instances of ``model``
    with the fields named, sorted by ``order_by``."""

    def __init__(self, model: type[models.Model], names: Sequence[str], order_by: Sequence[str]):
        super().__init__()
        self.row_model = model
        self.row_fields = [_column(model, name) for name in names]
        self.order_by = tuple(order_by)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[models.Model]:
        if value is None:  # no child rows: the grouped subquery found no group
            return []
        found = json.loads(value) if isinstance(value, str | bytes) else value
        rows = [
            self.row_model(
                **{field.attname: field.to_python(each[field.attname]) for field in self.row_fields}
            )
            for each in found
        ]
        rows.sort(key=lambda row: tuple(getattr(row, name) for name in self.order_by))
        return rows


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's field ``name``, if it is a column `rows_of` can carry and read back."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
        raise ImproperlyConfigured(f"rows_of carries columns; {model.__name__}.{name} is none.")
    if isinstance(field, models.DateTimeField):
        raise ImproperlyConfigured(f"rows_of cannot carry {model.__name__}.{name}: a datetime.")
    return field


def rows_of(
    rows: QuerySet[Any, Any],
    *,
    parent: str,
    fields: Sequence[str],
    order_by: Sequence[str],
) -> Subquery:
    """An annotation: the rows of ``rows`` (a queryset filtered on ``parent``, the relation
    to the outer row, with `OuterRef`) as a list of instances of its model holding ``fields``
    (concrete, non-datetime fields, by name), sorted by ``order_by`` (names among ``fields``).
    No query of its own: it is a subquery of the outer row's statement."""
    model = rows.model
    chosen = [_column(model, name) for name in fields]
    missing = [name for name in order_by if name not in fields]
    if missing:
        raise ImproperlyConfigured(f"rows_of orders by {missing}, which it does not carry.")
    as_json = JSONObject(**{field.attname: F(field.attname) for field in chosen})
    # Grouped by the parent the subquery is filtered on: one group, one array (or no group and
    # NULL when there are no rows), without Django's GROUP BY every selected column.
    one_array = rows.order_by().values(parent).annotate(rows=JSONArrayOf(as_json)).values("rows")
    return Subquery(one_array, output_field=RowsOf(model, fields, order_by))
