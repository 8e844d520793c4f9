"""Model instances from the rows of a compiled read (consultteam/compiled.py), for code that
works on objects (the agenda's ordering rules, the services), as the ORM would have built
them with ``select_related``: the row's own columns on the instance, each nested relation an
instance of its model (or None, a missing relation), cached on its link.

Why: a read compiled once gives dicts; building a list's query again on every request, to
have Django make the same objects, cost more than the rest of the request (docs/performance.md).
A column the row does not hold is loaded on first use, one query per object, as with
``only()``: the query budgets (tests/test_list_query_budgets.py) catch that."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Plan:
    """How a row with these keys becomes an instance: the positions of its own columns (and
    their attnames), of its relations (with their links), of its annotations."""

    own: tuple[int, ...]
    attnames: tuple[str, ...]
    related: tuple[tuple[int, Any], ...]
    extra: tuple[tuple[int, str], ...]


# One plan per model and row shape (a compiled read gives every row the same keys).
_PLANS: dict[tuple[type[models.Model], tuple[str, ...]], _Plan] = {}


def instance_of(model: type[M], row: Mapping[str, Any]) -> M:
    """An instance of ``model`` from ``row`` (a compiled read's row: own columns by attname,
    relations nested under their names, anything else an annotation set as an attribute)."""
    keys = tuple(row)
    plan = _PLANS.get((model, keys))
    if plan is None:
        plan = _PLANS[(model, keys)] = _plan(model, keys)
    values = list(row.values())
    made = model.from_db(connection.alias, plan.attnames, [values[at] for at in plan.own])
    for at, link in plan.related:
        value = values[at]
        found = None if value is None else instance_of(link.related_model, value)
        link.set_cached_value(made, found)
        if link.attname not in plan.attnames:
            setattr(made, link.attname, None if found is None else found.pk)
    for at, name in plan.extra:
        setattr(made, name, values[at])
    return made


def _plan(model: type[models.Model], keys: tuple[str, ...]) -> _Plan:
    own, attnames, related, extra = [], [], [], []
    for at, key in enumerate(keys):
        try:
            field: Any = model._meta.get_field(key)
        except FieldDoesNotExist:  # an annotation
            extra.append((at, key))
            continue
        if key == field.attname:
            own.append(at)
            attnames.append(key)
        else:  # a relation, nested under its name
            related.append((at, field))
    return _Plan(tuple(own), tuple(attnames), tuple(related), tuple(extra))
