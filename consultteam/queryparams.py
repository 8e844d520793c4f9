"""Query strings validated by a serializer whose fields are built once per class.

A list's filters are a DRF serializer, so a bad value answers 400 naming the parameter with
DRF's own message. DRF builds a serializer's fields on each instance, a deep copy of every
declared field (choices and all), and that was most of the cost of reading a query string: the
caseload's filter took about 340 µs a request, 40 to 50 µs with its fields built once (issue
18, timed in turns on a busy 2-core machine). The fields of a `QueryParams` are built once per
class and shared by every instance; validation itself (each field's `run_validation`,
`validate_<name>`, `validate`) still runs on the instance of the request, so the answers are
DRF's, unchanged.

Sharing is sound because a field keeps nothing of one validation for the next, and because a
class whose fields could vary per request is refused when it is defined (see
consultteam/fixed_fields.py: no DRF hook redefined outside the write side, no field that takes
its context). The shared fields cannot be changed through an instance: popping one raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, NoReturn

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from consultteam.fixed_fields import refuse_varying_fields


class _Shared(BindingDict):
    """A class's fields, bound once to a serializer of its own and shared by every instance:
    a change through one instance would reach every request, so none is allowed."""

    def __init__(self, cls: type[QueryParams]) -> None:
        owner = cls()
        super().__init__(owner)
        for name, field in owner.get_fields().items():
            BindingDict.__setitem__(self, name, field)

    def _refuse(self, *args: Any) -> NoReturn:
        raise TypeError(
            f"The fields of {type(self.serializer).__name__} are built once and shared by every "
            f"request: declare the set a request needs as a class of its own."
        )

    __setitem__ = __delitem__ = _refuse


class QueryParams(serializers.Serializer[dict[str, Any]]):
    """The base of a query-string validator: declare its fields (and `validate`) as on any
    serializer. Defining a subclass whose fields could vary per request raises
    ImproperlyConfigured."""

    _built: ClassVar[dict[type, _Shared]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        refuse_varying_fields(cls, cls.__name__, base=QueryParams)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A field asks its root serializer whether the validation is partial, and the root of
        # shared fields is the class's own copy: it would not see this instance's answer.
        if kwargs.get("partial"):
            raise TypeError(f"{type(self).__name__} validates a query string whole: no partial.")
        super().__init__(*args, **kwargs)

    @classmethod
    def shared_fields(cls) -> BindingDict:
        """The class's fields, built on first use (never at import: a field may need the app
        registry) and kept; two threads building at once keep the first."""
        built = QueryParams._built.get(cls)
        if built is None:
            built = QueryParams._built.setdefault(cls, _Shared(cls))
        return built

    @property  # over DRF's cached_property, built per instance
    def fields(self) -> BindingDict:
        return self.shared_fields()


def cleaned(checker: type[QueryParams], query: Mapping[str, str]) -> dict[str, Any]:
    """Validate a query string's parameters with ``checker``: empty ones are ignored, names
    it does not know (`cursor`, `page_size`) left alone. Raises ValidationError (400) naming
    each bad parameter; returns the validated values."""
    names = checker.shared_fields()
    given = {key: value for key, value in query.items() if key in names and value not in ("", None)}
    checked = checker(data=given)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def days_in_order(attrs: Mapping[str, Any]) -> None:
    """A `since`/`until` pair of days: raises ValidationError on `until` when it comes first."""
    since, until = attrs.get("since"), attrs.get("until")
    if isinstance(since, dt.date) and isinstance(until, dt.date) and since > until:
        raise serializers.ValidationError({"until": "The end day is before the start day."})
