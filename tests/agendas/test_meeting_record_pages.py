"""The record of past meetings: a team's completed and cancelled meetings, the read-only minutes
of a completed one (minutes, discussed items with outcomes, action items, carried-over items
marked with the date they came from), and the minutes as PDF, read back with a second library
(pypdf) to check what is in it: case codes, and nothing more of a case.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agendas import services
from agendas.models import AgendaItem, Meeting
from consultteam.audit.models import Action, AuditEvent
from tests.clients import signed_in
from tests.meeting_makers import submit
from tests.meeting_pages import _flash, _url, day_label, meetings
from tests.page_html import page_text

pytestmark = pytest.mark.django_db

__all__ = ["meetings"]  # the fixture, imported for pytest to find

MINUTES = "Opened with a breathing practice.\n\nThe team agreed to try a shaping plan."


@pytest.fixture
def held(world: SimpleNamespace, meetings: SimpleNamespace) -> SimpleNamespace:
    """Alpha's first meeting held and completed: Tara's item on her case (bringing her shared
    TIB entry and her chain analysis) discussed, Theo's item not reached and carried to the
    second meeting, where it is discussed; an action for Tara; one flag, acknowledged. The
    third meeting is cancelled; the fourth is still to come."""
    first, second = meetings.first, meetings.second
    lena = world.lena
    risk = submit(
        first,
        world.tara,
        "Calls after hours",
        case=world.tara_case,
        tib_entry=world.tara_tib_shared,
        chain_analysis=world.tara_chain_ready,
    )
    late = submit(first, world.theo, "Skipped group twice")
    services.meeting_start(meeting=first, by=lena)
    services.agenda_item_discuss(
        item=risk, by=lena, outcome="Plan: a coaching call before 9 pm.", actual_minutes=12
    )
    services.action_item_add(
        meeting=first, by=lena, owner=world.tara, description="Bring the diary cards"
    )
    flag = services.observer_flag_raise(meeting=first, by=world.tara, reason="JUDGMENTAL_LANGUAGE")
    services.observer_flag_acknowledge(flag=flag, by=lena, repair_note="Reworded.")
    services.meeting_complete(meeting=first, by=lena, minutes_text=MINUTES)
    carried = AgendaItem.objects.get(carried_from=late)
    services.roles_rotate(meeting=second, by=lena)
    services.meeting_start(meeting=second, by=lena)
    services.agenda_item_discuss(
        item=carried, by=lena, outcome="Asked about the bus.", actual_minutes=5
    )
    services.meeting_complete(meeting=second, by=lena, minutes_text="Short meeting.")
    third, fourth = Meeting.objects.filter(team=world.alpha).order_by("starts_at")[2:4]
    services.meeting_cancel(meeting=third, by=lena)
    return SimpleNamespace(first=first, second=second, third=third, fourth=fourth, risk=risk)


# --- Past meetings -------------------------------------------------------------------------------


def test_past_meetings_lists_completed_and_cancelled_latest_first(client, world, held):
    response = signed_in(client, world.sam).get(_url("meeting-past", world.alpha))
    assert response.status_code == 200
    page = page_text(response)
    assert _url("meeting-record", held.first) in page
    assert _url("meeting-record", held.second) in page
    assert _url("meeting-minutes-pdf", held.first) in page
    assert _url("meeting-detail", held.third) in page
    assert "Cancelled: no minutes" in page
    assert _url("meeting-detail", held.fourth) not in page  # still to come
    assert page.index(_url("meeting-detail", held.third)) < page.index(
        _url("meeting-detail", held.first)
    )


def test_past_meetings_of_another_team_do_not_exist(client, world, held):
    for who in ("olga", "fern", "ada"):
        assert (
            signed_in(client, getattr(world, who))
            .get(_url("meeting-past", world.alpha))
            .status_code
            == 404
        )


def test_a_team_without_past_meetings_says_so(client, world):
    page = page_text(signed_in(client, world.tara).get(_url("meeting-past", world.alpha)))
    assert "no completed or cancelled meetings yet" in page


def test_past_meetings_page_back_in_time(client, world, held, monkeypatch):
    monkeypatch.setattr("agendas.selectors.PAST_PAGE", 1)
    monkeypatch.setattr("agendas.views.record.PAST_PAGE", 1)
    page = page_text(signed_in(client, world.tara).get(_url("meeting-past", world.alpha)))
    assert _url("meeting-detail", held.third) in page
    assert _url("meeting-detail", held.second) not in page
    older = held.third.starts_at.isoformat()
    older_page = page_text(client.get(_url("meeting-past", world.alpha), {"before": older}))
    assert _url("meeting-record", held.second) in older_page
    assert _url("meeting-detail", held.third) not in older_page


# --- The minutes page ----------------------------------------------------------------------------


def test_the_minutes_page_shows_the_record(client, world, held):
    response = signed_in(client, world.sam).get(_url("meeting-record", held.first))
    assert response.status_code == 200
    page = page_text(response)
    assert "Opened with a breathing practice." in page
    assert "The team agreed to try a shaping plan." in page
    assert "Calls after hours" in page
    assert world.tara_case.code in page
    assert "Plan: a coaching call before 9 pm." in page
    assert "12 of 10 min" in page
    assert "Bring the diary cards" in page
    # Theo's item was not reached: the page says where it went.
    assert "Skipped group twice" in page
    assert f"{_url('meeting-detail', held.second)}#item-" in page
    assert "Judgmental language: 1" in page
    # Nothing more of the case than its code; nothing of the TIB entry or the analysis.
    assert world.tara_chain_ready.problem_behavior not in page
    assert "Diary card left blank" not in page


def test_a_carried_item_is_marked_with_the_date_it_came_from(client, world, held):
    page = page_text(signed_in(client, world.theo).get(_url("meeting-record", held.second)))
    assert "Skipped group twice" in page
    assert "Asked about the bus." in page
    assert f'Carried from <time datetime="{held.first.starts_at:%Y-%m-%d}' in page
    assert day_label(held.first) in page


def test_minutes_of_a_meeting_not_yet_completed_send_you_to_its_page(client, world, held):
    response = signed_in(client, world.tara).get(_url("meeting-record", held.fourth))
    assert response.status_code == 302
    assert response["Location"] == _url("meeting-detail", held.fourth)
    assert "The minutes are kept once the meeting is completed" in _flash(response)[0]


def test_a_cancelled_meeting_has_no_minutes(client, world, held):
    response = signed_in(client, world.tara).get(_url("meeting-record", held.third))
    assert response.status_code == 302
    assert "This meeting was cancelled: it has no minutes." in _flash(response)


def test_the_meeting_page_links_its_minutes_once_completed(client, world, held):
    page = page_text(signed_in(client, world.tara).get(_url("meeting-detail", held.first)))
    assert _url("meeting-record", held.first) in page
    assert _url("meeting-minutes-pdf", held.first) in page
    upcoming = page_text(client.get(_url("meeting-detail", held.fourth)))
    assert _url("meeting-record", held.fourth) not in upcoming


# --- PDF -----------------------------------------------------------------------------------------


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_minutes_hold_the_record_with_case_codes_only(client, world, held):
    response = signed_in(client, world.sam).get(_url("meeting-minutes-pdf", held.first))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = held.first.local_start().date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="meeting-minutes-{day}.pdf"'
    text = " ".join(_pdf_text(response).split())
    assert "Alpha: consultation team meeting" in text
    assert "America/Chicago" in text
    assert f"Calls after hours [{world.tara_case.code}]" in text
    assert "Plan: a coaching call before 9 pm." in text
    assert "Bring the diary cards" in text
    assert "The team agreed to try a shaping plan." in text
    assert "Judgmental language: 1" in text
    assert "Observer: Tara" in text
    # The case by its code only: nothing of the TIB entry or the chain analysis it brought,
    # and none of the case's own identifiers.
    assert world.tara_chain_ready.problem_behavior not in text
    assert "Diary card left blank" not in text
    assert str(world.tara_case.public_id) not in text
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_id=str(held.first.public_id), actor=world.sam
    ).exists()


def test_the_pdf_marks_an_item_carried_from_its_date(client, world, held):
    text = _pdf_text(signed_in(client, world.tara).get(_url("meeting-minutes-pdf", held.second)))
    assert f"carried from {held.first.local_start():%Y-%m-%d}" in " ".join(text.split())


def test_the_pdf_survives_any_character_and_markup_in_free_text(client, world, meetings):
    meeting = meetings.first
    submit(meeting, world.tara, "Rupture & repair <b>not bold</b> in Ελληνικά")
    services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="Line one ✓\nline two")
    text = _pdf_text(signed_in(client, world.tara).get(_url("meeting-minutes-pdf", meeting)))
    assert "Rupture & repair <b>not bold</b> in ????????" in text
    assert "Line one ?" in text


def test_outsiders_get_404_for_the_record_and_the_pdf(client, world, held):
    for route in ("meeting-record", "meeting-minutes-pdf"):
        for who in ("olga", "fern", "ada"):
            response = signed_in(client, getattr(world, who)).get(_url(route, held.first))
            assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


# --- Query budgets ------------------------------------------------------------------------------


def test_past_meetings_and_minutes_ask_a_fixed_number_of_queries(
    client, world, held, django_assert_num_queries
):
    signed_in(client, world.tara)
    client.get(reverse("home"))  # warm the session
    # 1 session, 2 user, 3 the team (one of mine), 4 its past meetings with their counts,
    # 5 the navigation's "leads a team?".
    with django_assert_num_queries(5):
        assert client.get(_url("meeting-past", world.alpha)).status_code == 200
    # 1 session, 2 user, 3 the meeting, 4 roles, 5 attendance, 6 items, 7 where the carried
    # ones went, 8 actions, 9 flag counts, 10 navigation.
    with django_assert_num_queries(10):
        assert client.get(_url("meeting-record", held.first)).status_code == 200
    for title in ("More", "And more", "Still more"):
        submit(held.fourth, world.tara, title)
    services.action_item_add(
        meeting=held.fourth, by=world.lena, owner=world.theo, description="Read chapter 3"
    )
    services.meeting_complete(meeting=held.fourth, by=world.lena, minutes_text="Done.")
    with django_assert_num_queries(5):
        assert client.get(_url("meeting-past", world.alpha)).status_code == 200
    with django_assert_num_queries(10):
        assert client.get(_url("meeting-record", held.fourth)).status_code == 200
