"""Read serializers that render with their fields built once per class.

DRF builds a serializer's fields on every instance: it deep-copies each declared field and,
for a `ModelSerializer`, introspects the model again (0.4 to 0.8 ms a serializer, more than a
page's query on a hot path; docs/performance.md). Rendering then walks each field through
generic machinery per row. `Lean` keeps the serializer as the one definition (the schema,
the field list, each field's own `to_representation`) and only works out once, per class,
which fields a row shows and how each is read.

That is only sound for a serializer whose fields are the same for every instance, so `Lean`
refuses, when the class is defined, one whose fields could vary per request (what is refused
and why: consultteam/fixed_fields.py). Nothing of a request is kept: the plan holds the class's
field objects, which keep no state between calls, and every `SerializerMethodField` is called
on the serializer of the request, with its context. The plan's own copy has a context that refuses
to be read, so a field that would render from the request (a hyperlink, a file's URL, a field
of our own that asks its context) fails loudly at its first row instead of rendering with no
request; those DRF declares as such are refused when the class is defined.

DRF internals this module and consultteam/fixed_fields.py rely on are pinned by
tests/core/test_lean.py (`test_drf_still_*`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, NoReturn

from django.core.exceptions import ImproperlyConfigured
from django.db.models.constants import LOOKUP_SEP
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField

from consultteam.fixed_fields import FROM_REQUEST, refuse_varying_fields

Step = Callable[[serializers.BaseSerializer[Any], Any, dict[str, Any]], None]


class _NoRequest(dict[str, Any]):
    """The context of the plan's own copy: a field that asks it would render without the
    request it is meant to render from, so any read fails at the first row rendered."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImproperlyConfigured(
            f"A field of {self.where} renders from its context, which Lean's plan, made once "
            f"per class, does not have: drop Lean from it, or make that field a "
            f"SerializerMethodField of {self.where} itself."
        )

    __getitem__ = get = __contains__ = __iter__ = __len__ = keys = values = items = _refuse


def _method_step(name: str, method_name: str) -> Step:
    def step(live: serializers.BaseSerializer[Any], row: Any, out: dict[str, Any]) -> None:
        out[name] = getattr(live, method_name)(row)

    return step


def _read(field: drf_fields.Field[Any, Any, Any, Any], by_attribute: bool) -> Callable[[Any], Any]:
    """How ``field`` reads its value off a row: the field's own `get_attribute` (DRF's walk
    along the source, with its answers for a missing link: default, null, or leave the key
    out), short-cut for the common case of a source that is there and is not callable: one
    plain attribute of a row that is not a mapping, or a key, or a path of keys, of a mapping
    (a compiled read's row, consultteam/compiled.py). DRF reads a mapping by key, calls a
    callable; anything not there goes to DRF for its answer."""
    attrs = field.source_attrs
    drf_reads = type(field).get_attribute is not drf_fields.Field.get_attribute
    if drf_reads or not attrs or (by_attribute and len(attrs) != 1):
        return field.get_attribute

    if by_attribute:
        attr = attrs[0]

        def read_one(row: Any) -> Any:
            try:
                value = getattr(row, attr)
            except AttributeError:
                return field.get_attribute(row)  # DRF's answer for what is not there
            return field.get_attribute(row) if callable(value) else value  # DRF calls it

        return read_one

    if len(attrs) == 1:
        key = attrs[0]

        def read_key(row: Any) -> Any:
            try:
                value = row[key]
            except KeyError:
                return field.get_attribute(row)
            return field.get_attribute(row) if callable(value) else value

        return read_key

    # DRF's answer for a path through a missing relation (None on the way), where it is null:
    # its walk fails on the None, and a field with no default that allows null gives null.
    null_when_missing = field.default is drf_fields.empty and field.allow_null

    def read_keys(row: Any) -> Any:
        value = row
        try:
            for attr in attrs:
                if value is None and null_when_missing:
                    return None
                value = value[attr]
        except (KeyError, TypeError):
            return field.get_attribute(row)  # DRF's answer for what is not there
        return field.get_attribute(row) if callable(value) else value

    return read_keys


# DRF's own `to_representation` of these field classes gives a value of the paired type back
# unchanged (`str(value)`, `int(value)`, BooleanField's truth table), so a value already of
# that type is not passed through it: most columns of a row are.
_RENDERED_AS_IS: tuple[tuple[type[drf_fields.Field[Any, Any, Any, Any]], type], ...] = (
    (drf_fields.CharField, str),
    (drf_fields.IntegerField, int),
    (drf_fields.BooleanField, bool),
)


def rendered_as_is(field: drf_fields.Field[Any, Any, Any, Any]) -> type | None:
    """The type of value ``field`` renders as itself, if there is one: a field of a class
    above that keeps DRF's `to_representation`, or a choice among strings that are their own
    keys (an `EnumField` of a `TextChoices`), which DRF maps to themselves."""
    represent = type(field).to_representation
    for cls, kind in _RENDERED_AS_IS:
        if isinstance(field, cls) and represent is cls.to_representation:
            return kind
    if (
        isinstance(field, drf_fields.ChoiceField)
        and represent is drf_fields.ChoiceField.to_representation
        and all(
            type(key) is str and key == value
            for key, value in field.choice_strings_to_values.items()
        )
    ):
        return str
    return None


def _field_step(name: str, field: drf_fields.Field[Any, Any, Any, Any], by_attribute: bool) -> Step:
    read = _read(field, by_attribute)
    represent = field.to_representation

    if isinstance(field, relations.RelatedField):

        def related_step(
            live: serializers.BaseSerializer[Any], row: Any, out: dict[str, Any]
        ) -> None:
            try:
                value = read(row)
            except SkipField:
                return
            # As DRF: a related field's pk-only stand-in is null when its pk is.
            pk_only = isinstance(value, relations.PKOnlyObject)
            out[name] = None if (value.pk if pk_only else value) is None else represent(value)

        return related_step

    as_is = rendered_as_is(field)

    def step(live: serializers.BaseSerializer[Any], row: Any, out: dict[str, Any]) -> None:
        try:
            value = read(row)
        except SkipField:
            return
        out[name] = value if value is None or type(value) is as_is else represent(value)

    return step


def _refuse_context(serializer: serializers.BaseSerializer[Any], where: str) -> None:
    """A nested serializer renders with the plan's own copy, which has no request: refuse one
    that would need it (the fields its model gives, which the class alone does not show)."""
    child = getattr(serializer, "child", serializer)
    if not isinstance(child, serializers.Serializer):
        raise ImproperlyConfigured(f"{where} renders in its own way, which cannot be checked.")
    for name, field in child.fields.items():
        if isinstance(field, (serializers.SerializerMethodField, *FROM_REQUEST)):
            raise ImproperlyConfigured(f"{where}.{name} renders from its context.")
        if isinstance(field, serializers.BaseSerializer):
            _refuse_context(field, f"{where}.{name}")


def _plan(cls: type[serializers.Serializer[Any]], by_attribute: bool) -> tuple[Step, ...]:
    steps: list[Step] = []
    for name, field in cls(context=_NoRequest(cls.__name__)).fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.SerializerMethodField):
            steps.append(_method_step(name, field.method_name))
            continue
        if isinstance(field, FROM_REQUEST):
            raise ImproperlyConfigured(f"{cls.__name__}.{name} renders from the request.")
        if isinstance(field, serializers.BaseSerializer):
            _refuse_context(field, f"{cls.__name__}.{name}")
        steps.append(_field_step(name, field, by_attribute))
    return tuple(steps)


class Lean(serializers.Serializer[Any]):
    """Put first among a read serializer's bases: it renders as the serializer would, with
    the fields built once per class (see the module's docstring). Writes and validation are
    the serializer's own. Defining a subclass whose fields could vary per request raises
    ImproperlyConfigured (`refuse_varying_fields`)."""

    # A plan per class and kind of row: a mapping is read by key, anything else by attribute.
    # Keyed by the row's type, not asked `isinstance(row, Mapping)` per row (an ABC check
    # costs more than the lookup); a serializer meets one or two row types.
    _plans: ClassVar[dict[tuple[type, type], tuple[Step, ...]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        refuse_varying_fields(cls, cls.__name__, base=Lean)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        key = (type(self), type(instance))
        steps = Lean._plans.get(key)
        if steps is None:
            by_attribute = not issubclass(key[1], Mapping)
            steps = Lean._plans[key] = _plan(key[0], by_attribute=by_attribute)
        out: dict[str, Any] = {}
        for step in steps:
            step(self, instance, out)
        return out


def columns_read(cls: type[serializers.Serializer[Any]]) -> tuple[str, ...]:
    """What ``cls`` reads off a row, as names for ``.values()``: each field's source along its
    relations (``team.public_id`` is ``team__public_id``), in the fields' order. A compiled read
    of rows selects these, so a field added to the serializer is read with it. Fields that
    read in their own way (`CitedCodes`, a method field) are left for the read to add."""
    names = []
    for field in cls(context=_NoRequest(cls.__name__)).fields.values():
        own_reader = type(field).get_attribute is not drf_fields.Field.get_attribute
        if field.write_only or own_reader or field.source == "*":
            continue
        names.append(LOOKUP_SEP.join(field.source_attrs))
    return tuple(dict.fromkeys(names))
