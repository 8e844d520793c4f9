"""The check that a serializer's fields are the same for every instance, so they may be built
once per class and shared: by `Lean` (consultteam/lean.py), which renders with them, and by
`QueryParams` (consultteam/queryparams.py), which validates query strings with them.

DRF builds a serializer's fields on each instance, through hooks any subclass may redefine, and
a redefined hook may read the request (`self.context`) and give it its own fields: pop a field
for an observer in `__init__`, pick names by role in `get_field_names`. Fields built once per
class would not follow that, so such a class is refused when it is defined, with a message that
names it and the hook. Only classes are read: no field is built, no model is asked.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers

# Fields that render, or read their input, from the request in their context.
FROM_REQUEST = (relations.HyperlinkedRelatedField, drf_fields.FileField)

# What a serializer whose fields are built once may still define over DRF's own names: the
# write side (a request body or a query string in, validated data out), which runs on the
# instance of the request with its own context and never changes which fields there are.
# `get_default` is not in it: a nested serializer's default is rendered when its attribute is
# missing. Every other name DRF's serializer classes define, function or property, is refused:
# `__new__`, `__init__`, `fields`, `get_fields`, `get_field_names`, the `build_*_field` hooks
# and `*_extra_kwargs` run on each instance while its fields are built; `_readable_fields`,
# `to_representation` and `data` on each render; each can read the context and so give a
# request its own fields. Refusing by default, rather than naming those, means a hook that a
# later DRF adds is refused until someone has looked at it.
WRITE_SIDE = frozenset(
    {
        "to_internal_value",
        "run_validation",
        "run_validators",
        "validate",
        "get_validators",
        "validate_empty_values",
        "get_value",
        "get_initial",
        "create",
        "update",
        "save",
        "is_valid",
        "__repr__",
        "__class_getitem__",
    }
)


def _is_stock(klass: type) -> bool:
    """DRF's own classes, and what every class has: their hooks give every instance the same
    fields (DRF's hyperlinks are refused on their own). Found by name in DRF's modules, as a
    class made with `type()` takes the module of DRF's metaclass."""
    module = klass.__module__
    if klass is object or not module.startswith("rest_framework."):
        return klass is object
    return getattr(sys.modules[module], klass.__qualname__, None) is klass


def _guarded_names() -> frozenset[str]:
    """DRF's names, and `__init_subclass__`, which runs this check: a base that redefined it
    without calling on would let its subclasses past unchecked."""
    classes = (
        drf_fields.Field,
        serializers.BaseSerializer,
        serializers.Serializer,
        serializers.ModelSerializer,
        serializers.ListSerializer,
    )
    return frozenset({"__init_subclass__", *(name for klass in classes for name in vars(klass))})


_GUARDED = _guarded_names()


def _overrides(klass: type, base: type) -> Iterator[tuple[type, str]]:
    """Each (class, name) in ``klass``'s bases, past DRF and ``base``, that redefines with code
    (a function, a property) a name of DRF's serializers outside the write side. Plain data
    (a mapping of field classes, a `Meta` class) is the same for every instance."""
    for owner in klass.__mro__:
        if owner is base or _is_stock(owner):
            continue
        for name, value in vars(owner).items():
            if name not in _GUARDED or name in WRITE_SIDE or isinstance(value, type):
                continue
            if callable(value) or hasattr(value, "__get__"):
                yield owner, name


def _asks_context(field: drf_fields.Field[Any, Any, Any, Any]) -> bool:
    """A default or a validator that DRF hands the field (so its context) when it runs."""
    takers = [field.default, *field.validators]
    return any(getattr(taker, "requires_context", False) for taker in takers)


def refuse_varying_fields(
    klass: type[serializers.BaseSerializer[Any]], where: str, *, base: type, nested: bool = False
) -> None:
    """Raise ImproperlyConfigured unless every instance of ``klass`` (a subclass of ``base``,
    or a serializer nested in one) has the same fields and treats them the same way: no DRF
    hook redefined outside the write side (see `WRITE_SIDE`) at any level of its bases, no
    declared field that renders or reads from the request or takes its context, and, nested,
    no method field (it would be called on the shared copy, not the request's serializer); the
    same, recursively, of every serializer declared in it. ``where`` names it in the message."""
    for owner, name in _overrides(klass, base):
        raise ImproperlyConfigured(
            f"{where} cannot use {base.__name__}: {owner.__name__}.{name} is redefined, and it "
            f"may give each request its own fields, which {base.__name__}, building them once "
            f"per class, would not follow. Drop {base.__name__} from it, or declare its fields "
            f"without redefining {name}."
        )
    declared: Mapping[str, drf_fields.Field[Any, Any, Any, Any]] = getattr(
        klass, "_declared_fields", {}
    )
    for name, field in declared.items():
        at = f"{where}.{name}"
        if isinstance(field, FROM_REQUEST):
            raise ImproperlyConfigured(f"{at} renders from the request.")
        if nested and isinstance(field, serializers.SerializerMethodField):
            raise ImproperlyConfigured(f"{at} renders from its context.")
        if _asks_context(field):
            raise ImproperlyConfigured(
                f"{at} takes its default or a validator from its context, which fields built "
                f"once per class ({base.__name__}) do not have."
            )
        if isinstance(field, serializers.ListSerializer):
            refuse_varying_fields(type(field), at, base=base, nested=True)
            if isinstance(field.child, serializers.BaseSerializer):
                refuse_varying_fields(type(field.child), at, base=base, nested=True)
        elif isinstance(field, serializers.BaseSerializer):
            refuse_varying_fields(type(field), at, base=base, nested=True)
