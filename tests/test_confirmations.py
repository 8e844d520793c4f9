"""Actions that cannot be taken back ask first, without a script dialog: the page shows a
`details.confirm` whose summary names the action and whose panel says what will happen and
holds the real button. Each test reads the rendered page, checks the action is behind the
confirmation (and nowhere one click away), then presses the confirming button as a browser
would and checks the action was done."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from agendas import services
from agendas.choices import ActionStatus, ItemStatus, MeetingRole
from agendas.models import CalendarFeed
from consultteam.accounts import two_factor
from consultteam.accounts.models import RecoveryCode, UserSession
from tests.authenticator import SETUP_URL, enrolled
from tests.clients import SAFARI, is_signed_in, signed_in, signed_in_with_password
from tests.meeting_makers import submit
from tests.meeting_pages import _holder, _url, meetings
from tests.page_html import asks_first, parse, press

__all__ = ["meetings"]  # the fixture, imported for the tests below

pytestmark = pytest.mark.django_db


def test_withdrawing_an_item_asks_first(client, world, meetings):
    item = submit(meetings.first, world.tara, "Missed sessions")
    page_url = _url("agenda-item-edit", item)
    page = parse(signed_in(client, world.tara).get(page_url))

    button = asks_first(page, opens="Withdraw the item", does="Yes, withdraw")

    response = press(client, page_url, button)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN


def test_dropping_an_action_asks_first_and_marking_it_done_does_not(client, world, meetings):
    note_taker = _holder(meetings.first, MeetingRole.NOTE_TAKER)
    action = services.action_item_add(
        meeting=meetings.first, by=note_taker, owner=world.tara, description="Call the pharmacy"
    )
    page_url = _url("meeting-detail", meetings.first)
    page = parse(signed_in(client, world.tara).get(page_url))

    button = asks_first(page, opens="Drop it", does="Yes, drop the action")
    done = [b for b in page.find_all(lambda n: n.tag == "button") if b.text() == "Mark done"]
    assert len(done) == 1
    assert done[0].closest("details", "confirm") is None, "marking done stays one click"

    response = press(client, page_url, button)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DROPPED


def test_new_recovery_codes_ask_first(client, tara):
    _device, old_codes = enrolled(tara)
    client.force_login(tara)
    session = client.session
    session[two_factor.STATE_KEY] = two_factor.VERIFIED
    session.save()
    page = parse(client.get(SETUP_URL))

    button = asks_first(page, opens="Make ten new recovery codes", does="replace my recovery codes")

    response = press(client, SETUP_URL, button)
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert not set(response.context["codes"]) & set(old_codes)
    assert RecoveryCode.objects.filter(user=tara).count() == 10


def test_a_new_calendar_address_asks_first_and_so_does_revoking(client, world):
    page_url = reverse("calendar-settings")
    client.force_login(world.sam)
    client.post(page_url, {"do": "issue"})
    old = CalendarFeed.objects.get(user=world.sam)
    page = parse(client.get(page_url))

    asks_first(page, opens="Revoke my address", does="Revoke my calendar address")
    button = asks_first(page, opens="Make a new address", does="replace my calendar address")

    response = press(client, page_url, button)
    assert response.status_code == 200
    assert response.context["new_url"]
    old.refresh_from_db()
    assert old.revoked_at is not None, "the old address stops working"
    assert CalendarFeed.objects.filter(user=world.sam, revoked_at__isnull=True).count() == 1


def test_notice_of_absence_asks_first(client, world, meetings):
    meeting = meetings.first
    assert _holder(meeting, MeetingRole.NOTE_TAKER) == world.theo
    page_url = _url("meeting-detail", meeting)
    page = parse(signed_in(client, world.theo).get(page_url))

    button = asks_first(page, opens="Send notice of absence", does="Yes, I will not be there")

    response = press(client, page_url, button)
    assert response.status_code == 302
    assert _holder(meeting, MeetingRole.NOTE_TAKER) != world.theo


def test_the_team_leaders_notice_for_a_member_asks_first_with_the_member_in_the_panel(
    client, world, meetings
):
    meeting = meetings.first
    page_url = _url("meeting-detail", meeting)
    page = parse(signed_in(client, world.lena).get(page_url))

    button = asks_first(page, opens="Send notice of absence", does="Yes, send the notice")
    form = button.closest("form")
    assert form is not None
    assert form.find_all(lambda n: n.tag == "select" and n.attrs.get("name") == "member")

    response = press(client, page_url, button, member=str(world.theo.public_id))
    assert response.status_code == 302
    assert _holder(meeting, MeetingRole.NOTE_TAKER) != world.theo


def test_signing_out_everywhere_else_asks_first(tara):
    here = signed_in_with_password(tara)
    phone = signed_in_with_password(tara, SAFARI)
    page_url = reverse("session-list")
    page = parse(here.get(page_url))

    button = asks_first(page, opens="Sign out everywhere else", does="sign out the other 1 session")

    response = press(here, page_url, button)
    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(here)
    assert UserSession.objects.filter(user=tara).count() == 1


def test_a_client_without_the_panel_still_needs_a_post(client: Client, world, meetings):
    """The confirmation is the page's; the action itself is still a POST only."""
    item = submit(meetings.first, world.tara, "Missed sessions")
    response = signed_in(client, world.tara).get(_url("agenda-item-withdraw", item))
    assert response.status_code == 405
