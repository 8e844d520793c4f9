"""What arrives late and what is over: an imminent item brought after the cutoff is in front of
whoever runs the meeting at once; a meeting that is over or called off takes no new item and no
change to its actions; calling a meeting off loses no action promised at it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agendas import services
from agendas.choices import ActionStatus, MeetingStatus
from agendas.models import ActionItem, AgendaItem, Meeting
from tests.clients import signed_in
from tests.meeting_pages import _url
from tests.page_html import page_text

pytestmark = pytest.mark.django_db


def _meeting_in(world, delta: dt.timedelta) -> Meeting:
    starts_at = timezone.now() + delta
    return Meeting.objects.create(
        team=world.alpha, slot=starts_at.date(), starts_at=starts_at, minutes=90
    )


def test_an_imminent_item_after_the_cutoff_is_shown_to_the_leader_on_both_pages(client, world):
    meeting = _meeting_in(world, dt.timedelta(hours=2))  # inside the 24-hour cutoff
    brought = services.agenda_item_submit(
        meeting=meeting, by=world.tara, title="Safety plan after a call", urgency="IMMINENT"
    )
    assert brought.item.meeting == meeting
    assert brought.item.flagged_for_leader
    leader = signed_in(client, world.lena)
    for page in ("meeting-detail", "meeting-run"):
        text = page_text(leader.get(_url(page, meeting)))
        assert "Imminent risk on this agenda" in text, page
        assert "Safety plan after a call</a>, brought after the cutoff" in text, page
        assert f'id="item-{brought.item.public_id}"' in text, page
    # A teammate sees the item on the agenda, but the alert is for whoever runs the meeting.
    assert "Imminent risk on this agenda" not in page_text(
        signed_in(Client(), world.theo).get(_url("meeting-detail", meeting))
    )


@pytest.mark.parametrize("status", [MeetingStatus.COMPLETED, MeetingStatus.CANCELLED])
def test_the_api_refuses_an_item_for_a_meeting_over_or_called_off_and_writes_nothing(
    client, world, status
):
    meeting = _meeting_in(world, dt.timedelta(days=3))
    if status == MeetingStatus.CANCELLED:
        services.meeting_cancel(meeting=meeting, by=world.lena)
    else:
        services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="")
    before = AgendaItem.objects.count()
    response = signed_in(client, world.tara).post(
        reverse("api-meeting-agenda", kwargs={"meeting_id": meeting.public_id}),
        {"title": "A late thought"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "meeting" in response.json()["detail"].lower()
    assert AgendaItem.objects.count() == before


def test_an_action_of_a_completed_meeting_stays_as_it_was_recorded(client, world):
    meeting = _meeting_in(world, dt.timedelta(days=3))
    action = services.action_item_add(
        meeting=meeting, by=world.lena, owner=world.tara, description="Send the rota"
    )
    services.action_item_update(action=action, by=world.tara, changes={"status": "DONE"})
    services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="We met.")
    response = signed_in(client, world.tara).patch(
        reverse("api-action-item-detail", kwargs={"action_id": action.public_id}),
        {"status": "OPEN"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "add a new action" in response.json()["detail"]
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_calling_a_meeting_off_moves_its_open_actions_to_the_next(world):
    first = _meeting_in(world, dt.timedelta(days=3))
    called_off = _meeting_in(world, dt.timedelta(days=10))
    after = _meeting_in(world, dt.timedelta(days=17))
    promised = services.action_item_add(
        meeting=first, by=world.lena, owner=world.tara, description="Bring the diary cards"
    )
    services.meeting_complete(meeting=first, by=world.lena, minutes_text="We met.")
    carried = ActionItem.objects.get(carried_from=promised)
    assert (carried.meeting, carried.due_meeting) == (called_off, called_off)
    services.meeting_cancel(meeting=called_off, by=world.lena)
    carried.refresh_from_db()
    assert (carried.meeting, carried.due_meeting) == (after, after)
    assert carried.status == ActionStatus.OPEN
    # Completing the next meeting carries it on again: nothing is stuck on the cancelled one.
    services.meeting_complete(meeting=after, by=world.lena, minutes_text="We met.")
    assert ActionItem.objects.filter(carried_from=carried, status=ActionStatus.OPEN).exists()
