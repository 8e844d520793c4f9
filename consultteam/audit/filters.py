"""The filters of the audit trail, shared by the page and the API."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from consultteam.accounts.models import User
from consultteam.audit.models import Action
from consultteam.audit.querysets import AuditEventQuerySet
from consultteam.queryparams import QueryParams, cleaned, days_in_order
from consultteam.reads import key_of
from consultteam.teams.models import Team


class AuditFilter(QueryParams):
    """Query parameters of the trail. Unknown values answer 400 with the field's message."""

    team = serializers.UUIDField(required=False, help_text="The team's id.")
    action = serializers.ChoiceField(required=False, choices=Action.choices)
    actor = serializers.UUIDField(required=False, help_text="The person's id.")
    object_type = serializers.CharField(required=False, max_length=64)
    object_id = serializers.CharField(required=False, max_length=64)
    since = serializers.DateField(required=False, help_text="From this day (UTC), inclusive.")
    until = serializers.DateField(required=False, help_text="To this day (UTC), inclusive.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        days_in_order(attrs)
        return attrs


def cleaned_filters(query: Mapping[str, str]) -> dict[str, object]:
    """Validate query parameters (empty ones ignored); raises ValidationError (400)."""
    return cleaned(AuditFilter, query)


def filter_events(events: AuditEventQuerySet, params: Mapping[str, object]) -> AuditEventQuerySet:
    """Apply the cleaned filters of `AuditFilterForm` to an already scoped queryset."""
    if isinstance(team := params.get("team"), uuid.UUID):
        events = events.filter(team_id=key_of(Team, team))
    if action := params.get("action"):
        events = events.filter(action=action)
    if isinstance(actor := params.get("actor"), uuid.UUID):
        events = events.filter(actor_id=key_of(User, actor))
    if object_type := params.get("object_type"):
        events = events.filter(object_type=object_type)
    if object_id := params.get("object_id"):
        events = events.filter(object_id=object_id)
    return within(events, *period(params))


def period(params: Mapping[str, object]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The `since` and `until` days of the filters as a half-open range of moments: from the
    first day's midnight (UTC), to the midnight after the last."""
    since, until = params.get("since"), params.get("until")
    return (
        _midnight(since) if isinstance(since, dt.date) else None,
        # The calendar's last day has no midnight after it: up to it is up to any time.
        _midnight(until + dt.timedelta(days=1))
        if isinstance(until, dt.date) and until < dt.date.max
        else None,
    )


def within(
    events: AuditEventQuerySet, start: dt.datetime | None, end: dt.datetime | None
) -> AuditEventQuerySet:
    """The events from ``start`` to before ``end``: a range on the indexed column (no function
    on `at`)."""
    if start is not None:
        events = events.filter(at__gte=start)
    if end is not None:
        events = events.filter(at__lt=end)
    return events


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
