"""Every time the API gives or takes is a `UTCDateTimeField` (consultteam/web/api.py): its
model serializers map their models' times to it, and declared ones name it. A field that
asked DRF for the current zone would still answer in UTC (the API activates none), at about
30,000 instructions a value: this finds one a new serializer brings."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from consultteam.web.api import UTCDateTimeField

PROJECT = ("consultteam.", "cases.", "agendas.", "reminders.", "clinic.")


def _subclasses(cls: type) -> Iterator[type]:
    for child in cls.__subclasses__():
        yield child
        yield from _subclasses(child)


def _times(serializer: Any, where: str) -> Iterator[tuple[str, Any]]:
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer):
            yield from _times(field, f"{where}.{name}")
        elif isinstance(field, serializers.DateTimeField):
            yield f"{where}.{name}", field


def test_every_time_the_api_gives_or_takes_is_utc():
    importlib.import_module(settings.ROOT_URLCONF)
    found = {
        cls
        for cls in _subclasses(serializers.Serializer)
        if cls.__module__.startswith(PROJECT)
        and not (issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"))
    }
    times = [time for cls in found for time in _times(cls(), cls.__qualname__)]
    assert len(times) >= 20, "the walk should meet the API's times"
    asking_the_zone = [name for name, field in times if type(field) is not UTCDateTimeField]
    assert asking_the_zone == []
    assert all(field.timezone is dt.UTC for _, field in times)


def test_a_time_is_given_in_utc_whatever_zone_is_active():
    field = UTCDateTimeField()
    at = dt.datetime(2026, 12, 7, 18, 0, tzinfo=dt.UTC)
    with timezone.override("Pacific/Auckland"):
        assert field.to_representation(at) == "2026-12-07T18:00:00Z"
        assert field.to_internal_value("2026-12-08T07:00:00+13:00") == at
