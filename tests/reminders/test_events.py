"""The meeting and case services announce; the reminders app listens (consultteam/events.py).
Announcing is synchronous: the reminder rows are written in the service's transaction, so they
commit with the change or not at all."""

import pytest
from django.db import transaction

from agendas import services
from agendas.models import Meeting
from consultteam import events
from consultteam.events import MeetingsChanged, ReviewRequested
from reminders.models import Reminder
from reminders.scheduling import on_meetings_changed
from reminders.services import on_review_requested

pytestmark = pytest.mark.django_db


def test_the_reminders_app_listens_once_to_each_announcement():
    assert events._subscribers[MeetingsChanged] == [on_meetings_changed]
    assert events._subscribers[ReviewRequested] == [on_review_requested]
    events.subscribe(MeetingsChanged, on_meetings_changed)  # ready() again: still once
    assert events._subscribers[MeetingsChanged] == [on_meetings_changed]


class CallerFailed(Exception):
    pass


def plan_then_fail(world) -> None:
    """Plan a meeting inside a caller's transaction, see its reminders there, then fail."""
    with transaction.atomic():
        meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
        assert Reminder.objects.filter(meeting=meeting).exists()
        raise CallerFailed


def test_the_reminders_are_written_before_the_service_returns_and_undone_with_it(world):
    with pytest.raises(CallerFailed):
        plan_then_fail(world)
    assert not Meeting.objects.exists()
    assert not Reminder.objects.exists()


def test_a_listener_that_fails_undoes_the_change_it_heard_of(world, monkeypatch):
    def fails(event: MeetingsChanged) -> None:
        raise RuntimeError("a listener failed")

    listeners = [*events._subscribers[MeetingsChanged], fails]
    monkeypatch.setitem(events._subscribers, MeetingsChanged, listeners)
    with pytest.raises(RuntimeError):
        services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    assert not Meeting.objects.exists()
    assert not Reminder.objects.exists()
