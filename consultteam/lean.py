"""Read serializers that render with their fields built once per class.

DRF builds a serializer's fields on every instance: it deep-copies each declared field and,
for a `ModelSerializer`, introspects the model again (0.4 to 0.8 ms a serializer, more than a
page's query on a hot path; docs/performance.md). Rendering then walks each field through
generic machinery per row. `Lean` keeps the serializer as the one definition (the schema,
the field list, each field's own `to_representation`) and only works out once, per class,
which fields a row shows and how each is read.

Nothing of a request is kept: the plan holds the class's field objects, which keep no state
between calls, and every `SerializerMethodField` is called on the serializer of the request,
with its context. A field that renders from the request (a hyperlink, a file's URL) or a
nested serializer that asks its own context is refused when the plan is made, so a lean
serializer cannot quietly render with another request's context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField

# Fields whose rendering reads the request from their context.
_FROM_REQUEST = (relations.HyperlinkedRelatedField, drf_fields.FileField)

Step = Callable[[serializers.BaseSerializer[Any], Any, dict[str, Any]], None]


def _method_step(name: str, method_name: str) -> Step:
    def step(live: serializers.BaseSerializer[Any], row: Any, out: dict[str, Any]) -> None:
        out[name] = getattr(live, method_name)(row)

    return step


def _read(field: drf_fields.Field[Any, Any, Any, Any]) -> Callable[[Any], Any]:
    """How ``field`` reads its value off a row: the field's own `get_attribute` (DRF's walk
    along the source, with its answers for a missing link: default, null, or leave the key
    out), short-cut for the common case of one plain attribute that is there."""
    attrs = field.source_attrs
    if type(field).get_attribute is not drf_fields.Field.get_attribute or len(attrs) != 1:
        return field.get_attribute
    attr = attrs[0]

    def read_one(row: Any) -> Any:
        try:
            value = getattr(row, attr)
        except AttributeError:
            return field.get_attribute(row)  # DRF's answer for what is not there
        return value() if drf_fields.is_simple_callable(value) else value

    return read_one


def _field_step(name: str, field: drf_fields.Field[Any, Any, Any, Any]) -> Step:
    read = _read(field)
    represent = field.to_representation

    def step(live: serializers.BaseSerializer[Any], row: Any, out: dict[str, Any]) -> None:
        try:
            value = read(row)
        except SkipField:
            return
        # As DRF: a related field's pk-only stand-in is null when its pk is.
        pk_only = isinstance(value, relations.PKOnlyObject)
        out[name] = None if (value.pk if pk_only else value) is None else represent(value)

    return step


def _refuse_context(serializer: serializers.BaseSerializer[Any], where: str) -> None:
    """A nested serializer renders with the plan's own copy, which has no request: refuse one
    that would need it."""
    child = getattr(serializer, "child", serializer)
    if not isinstance(child, serializers.Serializer):
        raise ImproperlyConfigured(f"{where} renders in its own way, which cannot be checked.")
    for name, field in child.fields.items():
        if isinstance(field, (serializers.SerializerMethodField, *_FROM_REQUEST)):
            raise ImproperlyConfigured(f"{where}.{name} renders from its context.")
        if isinstance(field, serializers.BaseSerializer):
            _refuse_context(field, f"{where}.{name}")


def _plan(cls: type[serializers.Serializer[Any]]) -> tuple[Step, ...]:
    steps: list[Step] = []
    for name, field in cls().fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.SerializerMethodField):
            steps.append(_method_step(name, field.method_name))
            continue
        if isinstance(field, _FROM_REQUEST):
            raise ImproperlyConfigured(f"{cls.__name__}.{name} renders from the request.")
        if isinstance(field, serializers.BaseSerializer):
            _refuse_context(field, f"{cls.__name__}.{name}")
        steps.append(_field_step(name, field))
    return tuple(steps)


class Lean(serializers.Serializer[Any]):
    """Put first among a read serializer's bases: it renders as the serializer would, with
    the fields built once per class (see the module's docstring). Writes and validation are
    the serializer's own."""

    _plans: ClassVar[dict[type, tuple[Step, ...]]] = {}

    def to_representation(self, instance: Any) -> dict[str, Any]:
        cls = type(self)
        steps = Lean._plans.get(cls)
        if steps is None:
            steps = Lean._plans[cls] = _plan(cls)
        out: dict[str, Any] = {}
        for step in steps:
            step(self, instance, out)
        return out
