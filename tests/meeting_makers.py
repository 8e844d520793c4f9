"""Meetings and agenda items made for a test, without the pages: a meeting a few days ahead,
made directly (planning has its own tests), and an item brought through the service."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from agendas import services
from agendas.models import AgendaItem, Meeting
from consultteam.teams.models import Team


def meeting_on(team: Team, starts_in: dt.timedelta, **fields: Any) -> Meeting:
    """A scheduled meeting starting ``starts_in`` from now (made directly: planning has its own
    tests)."""
    starts_at = timezone.now() + starts_in
    return Meeting.objects.create(
        team=team, slot=starts_at.date(), starts_at=starts_at, minutes=90, **fields
    )


def upcoming(world: SimpleNamespace, days: int = 3) -> Meeting:
    """Alpha's meeting ``days`` from now, well before the agenda's cutoff."""
    return meeting_on(world.alpha, dt.timedelta(days=days))


def submit(meeting: Meeting, by: Any, title: str = "Item", **fields: Any) -> AgendaItem:
    """An agenda item ``by`` brings to ``meeting`` through the service (audited, announced)."""
    return services.agenda_item_submit(meeting=meeting, by=by, title=title, **fields).item
