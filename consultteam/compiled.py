"""Reads compiled once: the one fast-read mechanism of every `visible_to`.

A read is defined once, with the ORM: a builder that returns a queryset of ids
(``values("pk")``, ``values("team_id")``...). What varies per request (the person, a time) is a
*named parameter* declared with the read; what does not (a tuple of roles) is a *shape*,
declared too, so the registry knows every text a read can compile to. Calling the read gives the
builder's SQL, compiled once per database vendor and shape, with the request's values put in
where the stand-ins stood: a self-contained subquery for ``pk__in=`` / ``team_id__in=``, which
needs no table alias to follow wherever Django nests it.

Why: building the nested querysets of a `visible_to` cost Django more than PostgreSQL took to
plan and run them (docs/performance.md). Only the compiled text is kept; the ORM stays the
definition, reachable as ``read.queryset(...)``.

What keeps a kept text honest: each read is compiled twice, with two different sets of
stand-ins, and refused (ImproperlyConfigured) unless the two texts are the same SQL and their
parameters differ exactly where a declared parameter's stand-ins stand. A value the builder
made itself (``timezone.now()``, a random token) differs between the two compilations without
being a stand-in, so it is refused at first use instead of being kept for every later request.
A declared parameter that never reaches the parameters (inlined, or ignored) is refused too.

A read of *rows* (`compiled_rows`) is the same, for a statement run on its own: its builder
returns ``.values(...)`` and calling it gives the rows, converted as the ORM converts them. A
detail read with its children and its access check is one such statement
(cases/chain_detail.py).

Every read registers itself in `REGISTRY`; one test (tests/core/test_compiled_registry.py) walks it
and holds each read, for each declared shape, to its ORM definition for the whole cast.
The mechanism relies on ORM names beyond the documented API: a query's compiler
(``query.get_compiler(connection=...).as_sql()``, what ``str(queryset.query)`` is made of) and,
for rows, what the compiler selected and its converters (``select``, ``col_count``,
``get_converters``) and the names of a ``.values()`` query's columns (``query.selected``), as
Django's own iterators use them. The registry test pins them: a
rows read that converts differently from its ORM definition fails it on either database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler

Builder = Callable[..., QuerySet[Any, Any]]
Converter = Callable[[Any, Any, Any], Any]
Shape = Mapping[str, Hashable]


def _as_is(_connection: Any, value: Any) -> Any:
    return value


def as_datetime(conn: Any, value: Any) -> Any:
    return conn.ops.adapt_datetimefield_value(value)


def as_uuid(conn: Any, value: Any) -> Any:
    # As UUIDField sends it: PostgreSQL takes a UUID, SQLite its 32 hex digits.
    value = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return value if conn.features.has_native_uuid_field else value.hex


@dataclass(frozen=True)
class Param:
    """A value that varies per request, by name, with two stand-ins no real value takes (one
    per compilation) and how the database receives a value of its kind (``adapt``: what the
    compiled parameters hold, for instance SQLite's text for a datetime)."""

    name: str
    stand_ins: tuple[Any, Any]
    adapt: Callable[[Any, Any], Any] = _as_is


# The person a read answers for, by id.
PERSON = Param("person", (-2_000_000_011, -2_000_000_017))
# The request's moment, for a read that compares with it (the database's own `Now()` needs no
# parameter, and is what the emergency grants use).
NOW = Param(
    "now",
    (
        dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
        dt.datetime(1902, 3, 4, 5, 6, 7, 8, tzinfo=dt.UTC),
    ),
    as_datetime,
)
# Where a page of a list starts: the key of the last row of the page before it.
POSITION = Param("position", (-2_000_000_029, -2_000_000_031))
# The public id of the one object a detail read is for.
PUBLIC_ID = Param(
    "public_id",
    (
        uuid.UUID("00000000-0000-4000-8000-00000000000b"),
        uuid.UUID("00000000-0000-4000-8000-00000000000d"),
    ),
    as_uuid,
)


@dataclass(frozen=True)
class _Layout:
    """Where a rows read's columns go in its dicts, worked out once: the row's own columns
    (position, name), then each relation, outer ones first, with its own columns and, for a
    relation that may be missing, the positions of every column read along it."""

    top: tuple[tuple[int, str], ...]
    relations: tuple[tuple[tuple[str, ...], tuple[tuple[int, str], ...], tuple[int, ...]], ...]


@dataclass(frozen=True)
class _Text:
    sql: str
    params: tuple[Any, ...]
    places: Mapping[str, tuple[int, ...]]  # where each declared parameter stands
    # For a rows read: each column's path in the row (``("author", "display_name")``), the
    # converters of the columns that have any (position, functions, expression), and where
    # each column goes in the row's dicts (see `_layout`).
    paths: tuple[tuple[str, ...], ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]
    layout: _Layout


def _shape_key(shape: Shape) -> tuple[tuple[str, Hashable], ...]:
    return tuple(sorted(shape.items()))


class Compiled:
    """What a read of ids and a read of rows share: the builder, its parameters and shapes,
    the registry, and the compiled text with the request's values put in."""

    # Compiled without ordering, as Django compiles any subquery it nests itself: an ordering
    # changes no set of ids, and a model's default one (Membership's) would add joins and a sort.
    keeps_order = False

    def __init__(self, build: Builder, params: Sequence[Param], shapes: Sequence[Shape]) -> None:
        self.build = build
        self.name = f"{build.__module__}.{build.__qualname__}"
        self.params = tuple(params)
        self.shapes = tuple(dict(shape) for shape in shapes)
        self._texts: dict[tuple[str, tuple[tuple[str, Hashable], ...], int | None], _Text] = {}
        if self.name in REGISTRY:
            raise ImproperlyConfigured(f"A read named {self.name} is registered already.")
        REGISTRY[self.name] = self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def queryset(self, **values: Any) -> QuerySet[Any, Any]:
        """The ORM definition, for rules that ask `.exists()` or filter further."""
        per_request, shape = self._split(values)
        return self.build(**per_request, **shape)

    def _filled(
        self, values: Mapping[str, Any], limit: int | None = None
    ) -> tuple[_Text, list[Any]]:
        """The shape's compiled text, and its parameters with the request's values in."""
        per_request, shape = self._split(values)
        text = self._text(shape, limit)
        filled = list(text.params)
        for param in self.params:
            adapted = param.adapt(connection, per_request[param.name])
            for place in text.places[param.name]:
                filled[place] = adapted
        return text, filled

    def _split(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        names = [param.name for param in self.params]
        missing = [name for name in names if name not in values]
        if missing:
            raise TypeError(f"{self.name} needs {', '.join(missing)}.")
        shape = {key: value for key, value in values.items() if key not in names}
        if shape not in self.shapes:
            raise ImproperlyConfigured(
                f"{self.name} has no declared shape {shape!r}; its shapes are "
                f"{list(self.shapes)!r}. Declare it with the read, so the registry test checks it."
            )
        return {name: values[name] for name in names}, shape

    def _text(self, shape: Shape, limit: int | None = None) -> _Text:
        key = (connection.vendor, _shape_key(shape), limit)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = self._compile(shape, limit)
        return text

    def _compiled_with(
        self, shape: Shape, which: int, limit: int | None
    ) -> tuple[str, tuple[Any, ...], SQLCompiler]:
        stand_ins = {param.name: param.stand_ins[which] for param in self.params}
        built = self.build(**stand_ins, **shape)
        built = built if self.keeps_order else built.order_by()
        query = (built if limit is None else built[:limit]).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        return sql, tuple(params), compiler

    def _compile(self, shape: Shape, limit: int | None) -> _Text:
        first_sql, first, compiler = self._compiled_with(shape, 0, limit)
        second_sql, second, _ = self._compiled_with(shape, 1, limit)
        if first_sql != second_sql or len(first) != len(second):
            raise ImproperlyConfigured(
                f"{self.name}: its SQL text changes with the values of its parameters; each "
                "must reach the query as a parameter, compared with a column."
            )
        places: dict[str, list[int]] = {param.name: [] for param in self.params}
        for place, (one, other) in enumerate(zip(first, second, strict=True)):
            if one == other:
                continue
            owners = [
                param
                for param in self.params
                if one == param.adapt(connection, param.stand_ins[0])
                and other == param.adapt(connection, param.stand_ins[1])
            ]
            if len(owners) != 1:
                raise ImproperlyConfigured(
                    f"{self.name}: parameter {place} of its SQL changed between two "
                    f"compilations ({one!r}, then {other!r}) without being one of its declared "
                    f"parameters ({', '.join(places) or 'none'}). A per-request value made "
                    "inside the builder (timezone.now(), a value derived from a parameter) "
                    "would be kept for every later request: declare it as a parameter and "
                    "pass it in, or compare with the database's own Now()."
                )
            places[owners[0].name].append(place)
        unused = [name for name, found in places.items() if not found]
        if unused:
            raise ImproperlyConfigured(
                f"{self.name} declares {', '.join(unused)} but its SQL never takes it as a "
                "parameter: the compiled text would answer the same rows for every value."
            )
        found = {name: tuple(at) for name, at in places.items()}
        paths = tuple(tuple(name.split(LOOKUP_SEP)) for name in columns_of(compiler.query))
        layout = _layout(compiler.query.model, paths)
        return _Text(first_sql, first, found, paths, converters_of(compiler), layout)


class CompiledRead(Compiled):
    """One read of ids: ``read(person=..., **shape)`` gives the compiled subquery (a `RawSQL`),
    ``read.queryset(person=..., **shape)`` the ORM definition it was compiled from. Both
    refuse a shape that was not declared."""

    def __call__(self, **values: Any) -> RawSQL:
        """The compiled subquery with the request's values put in. Compiles on first use of a
        shape (and may refuse the builder then); after that, no ORM work at all."""
        text, filled = self._filled(values)
        return RawSQL(text.sql, filled)  # noqa: S611 (the ORM's own SQL; values stay parameters)

    def subquery(self, *, compiled: bool, **values: Any) -> RawSQL | QuerySet[Any, Any]:
        """The compiled read, or (``compiled=False``) its ORM definition: for a condition
        written once and used both ways (a `visible_to` that combines several reads on its
        rows' own columns, and the test that holds it to its definition)."""
        return self(**values) if compiled else self.queryset(**values)


class CompiledRows(Compiled):
    """One read of rows: the builder returns ``.values(...)`` (in the order it gives), and
    ``read(public_id=..., person=...)`` runs the compiled statement and answers its rows as
    dicts, each value converted as the ORM converts it (an aware datetime from SQLite's text,
    a UUID from its hex, a JSON column decoded). A value read along a relation comes nested,
    as a serializer's dotted source reads it: ``author__display_name`` is
    ``row["author"]["display_name"]``."""

    keeps_order = True
    # The most rows a call may ask for: a text is kept per limit asked (the ORM's own slice
    # of the read, LIMIT written into the SQL), so the limits are bounded.
    most = 1000

    def __call__(self, *, limit: int | None = None, **values: Any) -> list[dict[str, Any]]:
        """The rows (at most ``limit`` of them: a page, the ORM's own slice of the read)."""
        if limit is not None and not 0 < limit <= self.most:
            raise ValueError(f"{self.name}: a limit runs from 1 to {self.most}, not {limit}.")
        text, filled = self._filled(values, limit)
        with connection.cursor() as cursor:
            cursor.execute(text.sql, filled)
            found = cursor.fetchall()
        return [_nested(text, row) for row in found]

    def shaped(self, row: Mapping[str, Any], **shape: Any) -> dict[str, Any]:
        """A row of the ORM definition (``.values()``, by flat names) as the read answers its
        rows: for the tests that hold the two together."""
        text = self._text(shape)
        return _shaped(text, [row[LOOKUP_SEP.join(path)] for path in text.paths])


def columns_of(query: Query) -> list[str]:
    """The names of a ``.values()`` query's columns, in the order its SQL selects them, as
    Django's own ValuesIterable names them (the order ``.values()`` was given, since Django
    5.2's ``query.selected``)."""
    if query.selected:
        return list(query.selected)
    return [*query.extra_select, *query.values_select, *query.annotation_select]


def converters_of(compiler: SQLCompiler) -> tuple[tuple[int, tuple[Converter, ...], Any], ...]:
    """What the compiled query's own iterator passes each column through: its backend's and
    its field's converters (`from_db_value`), by position, for the columns that have any."""
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    return tuple(
        (position, tuple(functions), expression)
        for position, (functions, expression) in compiler.get_converters(columns).items()
    )


def _nested(text: _Text, row: Sequence[Any]) -> dict[str, Any]:
    """A row converted (with the request's connection), then `_shaped`."""
    if not text.converters:  # most reads on PostgreSQL: its driver gives Python's own types
        return _shaped(text, row)
    values = list(row)
    for position, functions, expression in text.converters:
        value = values[position]
        for convert in functions:
            value = convert(value, expression, connection)
        values[position] = value
    return _shaped(text, values)


def _layout(model: type[models.Model] | None, paths: Sequence[tuple[str, ...]]) -> _Layout:
    """Where each column of a rows read goes. A relation read through a nullable link, with at
    least one column that is never NULL (a public id), stands for no related row when every
    column read along it is NULL: it is then None in the row, as the ORM's object would be, so
    a serializer answers for it as for a missing object (null, its default, or the key left
    out) rather than rendering a dict of nulls."""
    relations = []
    for relation in sorted(
        {path[:depth] for path in paths for depth in range(1, len(path))}, key=len
    ):
        current: Any = model
        nullable = False
        for name in relation:
            link: Any = current._meta.get_field(name)
            nullable = nullable or bool(link.null)
            current = link.related_model
        own = tuple((at, path[-1]) for at, path in enumerate(paths) if path[:-1] == relation)
        never_null = any(
            not field.is_relation and not field.null
            for field in (current._meta.get_field(name) for _, name in own)
        )
        along = tuple(at for at, path in enumerate(paths) if path[: len(relation)] == relation)
        relations.append((relation, own, along if nullable and never_null else ()))
    top = tuple((at, path[0]) for at, path in enumerate(paths) if len(path) == 1)
    return _Layout(top, tuple(relations))


def _shaped(text: _Text, values: Sequence[Any]) -> dict[str, Any]:
    """A row's values as a dict, a value along a relation nested by its path, a missing
    relation None."""
    out = {name: values[at] for at, name in text.layout.top}
    for relation, own, along in text.layout.relations:
        place: Any = out
        for step in relation[:-1]:
            place = place[step]
            if place is None:  # inside a missing relation
                break
        else:
            missing = along and all(values[at] is None for at in along)
            place[relation[-1]] = None if missing else {name: values[at] for at, name in own}
    return out


# Every compiled read of the project, by module and name (see tests/core/test_compiled_registry.py).
REGISTRY: dict[str, Compiled] = {}


def compiled_read(
    *params: Param, shapes: Sequence[Shape] = ({},)
) -> Callable[[Builder], CompiledRead]:
    """Declare a read of ids: its per-request parameters and every shape it is called with.

        @compiled_read(PERSON, shapes=[{"roles": None}, {"roles": LEADER_ROLES}])
        def member_team_ids(*, person: int, roles: tuple[Role, ...] | None) -> QuerySet: ...

    Registers the read in `REGISTRY` at import; compiles nothing until first used."""

    def register(build: Builder) -> CompiledRead:
        return CompiledRead(build, params, shapes)

    return register


def compiled_rows(
    *params: Param, shapes: Sequence[Shape] = ({},)
) -> Callable[[Builder], CompiledRows]:
    """Declare a read of rows (see `CompiledRows`), as `compiled_read` declares one of ids."""

    def register(build: Builder) -> CompiledRows:
        return CompiledRows(build, params, shapes)

    return register
