"""What the tests of the meeting's pages share: Alpha's planned meetings (the `meetings`
fixture; import it into a test module to use it) and small helpers for the Django test client.

Meetings are planned through the services, as a team leader would: Alpha (America/Chicago) has
four weeks planned; the first is moved to three days from now (well before the 24-hour cutoff)
and its roles handed out in turn: Lena leads, Tara observes, Theo takes notes.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from agendas import services
from agendas.choices import MeetingRole
from agendas.models import ActionItem, AgendaItem, Meeting, ObserverFlag, RoleAssignment
from consultteam.teams.models import Team

# An item as a therapist brings it on the page's form.
ITEM_FORM = {
    "title": "Calls to the on-call line after 10 pm",
    "section": "CONSULTATION",
    "item_type": "CLIENT_TIB",
    "target_level": "THERAPY_INTERFERING",
    "urgency": "SINCE_LAST_MEETING",
    "help_wanted": "ASSESSMENT",
    "question": "Nine calls after 10 pm this week; I want help assessing what the calls do.",
    "minutes_requested": "15",
}


@pytest.fixture
def meetings(world: SimpleNamespace) -> SimpleNamespace:
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=4)
    first, second = Meeting.objects.filter(team=world.alpha).order_by("starts_at")[:2]
    first = services.meeting_reschedule(
        meeting=first, by=world.lena, starts_at=timezone.now() + dt.timedelta(days=3)
    )
    services.roles_rotate(meeting=first, by=world.lena)
    return SimpleNamespace(first=first, second=second)


def _flash(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _holder(meeting: Meeting, role: MeetingRole) -> Any:
    return RoleAssignment.objects.get(meeting=meeting, role=role).member


URL_KEYS = {
    AgendaItem: "item_id",
    ActionItem: "action_id",
    ObserverFlag: "flag_id",
    Team: "team_id",
}


def _url(name: str, obj: Any) -> str:
    """The route ``name`` for a meeting, an agenda item, an action, a flag or a team."""
    return reverse(name, kwargs={URL_KEYS.get(type(obj), "meeting_id"): obj.public_id})


def local(meeting: Meeting) -> dt.datetime:
    return meeting.local_start()


def day_label(meeting: Meeting) -> str:
    """A meeting's date as the pages write it ("Tue 3 Mar 2026"), in its team's zone."""
    start = meeting.local_start()
    return f"{start:%a} {start.day} {start:%b %Y}"
