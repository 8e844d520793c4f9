"""Changing a meeting and its parts from the pages: reschedule (in the team's zone, refused on a
stale version) and cancel (asked first) by the team leader; attendance recorded by whoever runs
the meeting or takes its notes; an action marked done or dropped by its owner; one's own item
changed or withdrawn until the meeting starts; a flag acknowledged with its repair. Every write
goes through the services; here is what the pages answer and what they change.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from agendas import services
from agendas.choices import ActionStatus, AttendanceStatus, ItemStatus, MeetingStatus
from agendas.models import ActionItem, AgendaItem, Attendance, Meeting, ObserverFlag
from tests.clients import signed_in
from tests.meeting_makers import submit
from tests.meeting_pages import _flash, _url, meetings
from tests.page_html import page_text

pytestmark = pytest.mark.django_db

__all__ = ["meetings"]  # the fixture, imported for pytest to find

CHICAGO = ZoneInfo("America/Chicago")


# --- Reschedule ----------------------------------------------------------------------------------


def _next_week(meeting: Meeting) -> dt.date:
    return (meeting.local_start() + dt.timedelta(days=7)).date()


def test_the_leader_reschedules_in_the_teams_own_zone(client, world, meetings):
    meeting = meetings.first
    meeting.refresh_from_db()
    form = page_text(signed_in(client, world.lena).get(_url("meeting-reschedule", meeting)))
    assert "America/Chicago" in form
    assert f'value="{meeting.local_start():%Y-%m-%d}"' in form
    day = _next_week(meeting)
    response = client.post(
        _url("meeting-reschedule", meeting),
        {"day": day.isoformat(), "start": "08:30", "minutes": "60", "version": meeting.version},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.local_start() == dt.datetime.combine(day, dt.time(8, 30), tzinfo=CHICAGO)
    assert meeting.minutes == 60
    assert "now starts" in _flash(response)[0]


def test_the_meeting_page_offers_reschedule_and_cancel_to_the_leader_only(client, world, meetings):
    url = _url("meeting-reschedule", meetings.first)
    assert url in page_text(
        signed_in(client, world.lena).get(_url("meeting-detail", meetings.first))
    )
    assert url not in page_text(
        signed_in(Client(), world.tara).get(_url("meeting-detail", meetings.first))
    )


def test_a_reschedule_on_a_stale_version_is_409_and_keeps_what_was_typed(client, world, meetings):
    meeting = meetings.first
    meeting.refresh_from_db()
    stale = meeting.version
    services.meeting_update(
        meeting=meeting, by=world.lena, expected_version=stale, changes={"minutes": 75}
    )
    response = signed_in(client, world.lena).post(
        _url("meeting-reschedule", meeting),
        {
            "day": _next_week(meeting).isoformat(),
            "start": "07:45",
            "minutes": "60",
            "version": stale,
        },
    )
    assert response.status_code == 409
    page = page_text(response)
    assert "Someone else changed this meeting after you opened it" in page
    assert 'value="07:45"' in page
    meeting.refresh_from_db()
    assert meeting.minutes == 75


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2001-01-01", "start": "09:00", "minutes": "90"}, "Choose a time in the future."),
        ({"day": "", "start": "09:00", "minutes": "90"}, "This field is required."),
        ({"day": "2099-01-01", "start": "09:00", "minutes": "500"}, "less than or equal to 240"),
    ],
)
def test_bad_reschedule_input_is_400_with_a_message(client, world, meetings, data, message):
    meeting = meetings.first
    meeting.refresh_from_db()
    before = meeting.starts_at
    response = signed_in(client, world.lena).post(
        _url("meeting-reschedule", meeting), {**data, "version": meeting.version}
    )
    assert response.status_code == 400
    assert message in page_text(response)
    meeting.refresh_from_db()
    assert meeting.starts_at == before


# --- Cancel --------------------------------------------------------------------------------------


def test_cancel_asks_first_then_moves_the_waiting_items(client, world, meetings):
    meeting = meetings.first
    submit(meeting, world.tara, "Calls after hours", case=world.tara_case)
    ask = page_text(signed_in(client, world.lena).get(_url("meeting-cancel", meeting)))
    assert "Calls after hours" in ask
    assert world.tara_case.code in ask
    unconfirmed = client.post(_url("meeting-cancel", meeting), {})
    assert unconfirmed.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    response = client.post(_url("meeting-cancel", meeting), {"confirm": "on"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    moved = AgendaItem.objects.get(title="Calls after hours")
    assert moved.meeting == meetings.second
    assert "1 waiting item moved to" in _flash(response)[0]


def test_a_started_meeting_cannot_be_cancelled(client, world, meetings):
    services.meeting_start(meeting=meetings.first, by=world.lena)
    response = signed_in(client, world.lena).post(
        _url("meeting-cancel", meetings.first), {"confirm": "on"}
    )
    assert response.status_code == 409
    assert "Only a meeting that has not started can be cancelled." in page_text(response)


# --- Attendance ----------------------------------------------------------------------------------


def test_the_note_taker_records_who_came(client, world, meetings):
    meeting = meetings.first
    page = page_text(signed_in(client, world.theo).get(_url("meeting-run", meeting)))
    assert 'id="attendance-heading"' in page
    response = client.post(
        _url("attendance-record", meeting), {"member": str(world.tara.public_id), "status": "LATE"}
    )
    assert response.status_code == 302
    assert (
        Attendance.objects.get(meeting=meeting, member=world.tara).status == AttendanceStatus.LATE
    )
    refused = client.post(_url("attendance-record", meeting), {"member": str(world.olga.public_id)})
    assert refused.status_code == 400
    assert "Attendance was not recorded" in page_text(refused)
    assert not Attendance.objects.filter(member=world.olga).exists()


def test_the_observer_does_not_record_attendance(client, world, meetings):
    response = signed_in(client, world.tara).post(
        _url("attendance-record", meetings.first),
        {"member": str(world.tara.public_id), "status": "PRESENT"},
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


# --- Action items --------------------------------------------------------------------------------


def _action(meetings, world) -> ActionItem:
    return services.action_item_add(
        meeting=meetings.first, by=world.lena, owner=world.tara, description="Bring the cards"
    )


def test_the_owner_marks_her_action_done(client, world, meetings):
    action = _action(meetings, world)
    page = page_text(signed_in(client, world.tara).get(_url("meeting-detail", meetings.first)))
    assert _url("action-item-status", action) in page
    response = client.post(_url("action-item-status", action), {"status": "DONE"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-{action.public_id}")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_an_action_may_be_dropped_but_not_set_to_anything_else(client, world, meetings):
    action = _action(meetings, world)
    refused = signed_in(client, world.tara).post(
        _url("action-item-status", action), {"status": "CARRIED_OVER"}
    )
    assert refused.status_code == 400
    assert "The action was not changed." in _flash(refused)[0]
    assert client.post(_url("action-item-status", action), {"status": "DROPPED"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DROPPED


def test_another_member_cannot_close_my_action(client, world, meetings):
    action = _action(meetings, world)
    page = page_text(signed_in(client, world.sam).get(_url("meeting-detail", meetings.first)))
    assert _url("action-item-status", action) not in page
    assert client.post(_url("action-item-status", action), {"status": "DONE"}).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_a_carried_action_is_closed_where_it_went(client, world, meetings):
    action = _action(meetings, world)
    services.meeting_complete(meeting=meetings.first, by=world.lena)
    response = signed_in(client, world.tara).post(
        _url("action-item-status", action), {"status": "DONE"}
    )
    assert response.status_code == 409
    assert "carried to a later meeting: change it there" in _flash(response)[0]
    carried = ActionItem.objects.get(carried_from=action)
    assert client.post(_url("action-item-status", carried), {"status": "DONE"}).status_code == 302


# --- One's own item ------------------------------------------------------------------------------

EDIT = {
    "title": "Calls to the on-call line",
    "section": "CONSULTATION",
    "item_type": "CLIENT_TIB",
    "target_level": "THERAPY_INTERFERING",
    "urgency": "ONGOING_PATTERN",
    "help_wanted": "SOLUTIONS",
    "question": "Six calls after 10 pm; ideas for what to try.",
    "minutes_requested": "20",
}


def test_the_submitter_changes_her_item_before_the_meeting(client, world, meetings):
    item = submit(meetings.first, world.tara, "Calls after hours", case=world.tara_case)
    page = page_text(signed_in(client, world.tara).get(_url("meeting-detail", meetings.first)))
    assert _url("agenda-item-edit", item) in page
    form = page_text(client.get(_url("agenda-item-edit", item)))
    assert 'value="Calls after hours"' in form
    response = client.post(_url("agenda-item-edit", item), EDIT)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.urgency, item.minutes_requested) == (
        "Calls to the on-call line",
        "ONGOING_PATTERN",
        20,
    )
    assert item.case == world.tara_case


def test_an_edit_with_bad_input_keeps_what_was_typed(client, world, meetings):
    item = submit(meetings.first, world.tara, "Calls after hours")
    response = signed_in(client, world.tara).post(
        _url("agenda-item-edit", item), {**EDIT, "minutes_requested": "0"}
    )
    assert response.status_code == 400
    page = page_text(response)
    assert "The item was not saved" in page
    assert "Six calls after 10 pm" in page
    item.refresh_from_db()
    assert item.title == "Calls after hours"


def test_a_teammate_cannot_change_my_item(client, world, meetings):
    item = submit(meetings.first, world.tara, "Calls after hours")
    page = page_text(signed_in(client, world.theo).get(_url("meeting-detail", meetings.first)))
    assert _url("agenda-item-edit", item) not in page
    assert client.post(_url("agenda-item-edit", item), EDIT).status_code == 403
    assert client.post(_url("agenda-item-withdraw", item)).status_code == 403


def test_the_submitter_withdraws_her_item(client, world, meetings):
    item = submit(meetings.first, world.tara, "Calls after hours", minutes_requested=30)
    response = signed_in(client, world.tara).post(_url("agenda-item-withdraw", item))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    assert services.agenda_for(meetings.first).minutes_requested == 0


def test_once_the_meeting_started_the_item_stays_as_it_is(client, world, meetings):
    item = submit(meetings.first, world.tara, "Calls after hours")
    services.meeting_start(meeting=meetings.first, by=world.lena)
    page = page_text(signed_in(client, world.tara).get(_url("meeting-detail", meetings.first)))
    assert _url("agenda-item-edit", item) not in page
    assert "this item stays as it is" in page_text(client.get(_url("agenda-item-edit", item)))
    edited = client.post(_url("agenda-item-edit", item), EDIT)
    assert edited.status_code == 409
    assert "The meeting has started: cannot change the item." in page_text(edited)
    withdrawn = client.post(_url("agenda-item-withdraw", item))
    assert withdrawn.status_code == 409
    assert "The meeting has started" in _flash(withdrawn)[0]
    item.refresh_from_db()
    assert (item.title, item.status) == ("Calls after hours", ItemStatus.SUBMITTED)


# --- Observer flags ------------------------------------------------------------------------------


def _flag(meetings, world) -> ObserverFlag:
    return services.observer_flag_raise(
        meeting=meetings.first, by=world.tara, reason="JUDGMENTAL_LANGUAGE"
    )


def test_the_leader_acknowledges_a_flag_with_its_repair(client, world, meetings):
    flag = _flag(meetings, world)
    page = page_text(signed_in(client, world.lena).get(_url("meeting-run", meetings.first)))
    assert _url("observer-flag-acknowledge", flag) in page
    empty = client.post(_url("observer-flag-acknowledge", flag), {"repair_note": "  "})
    assert empty.status_code == 400
    assert "The flag was not acknowledged" in page_text(empty)
    response = client.post(
        _url("observer-flag-acknowledge", flag), {"repair_note": "Reworded as what happened."}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.acknowledged, flag.repair_note) == (True, "Reworded as what happened.")
    page = page_text(client.get(_url("meeting-run", meetings.first)))
    assert "Repair: Reworded as what happened." in page


def test_the_observer_sees_her_flags_but_does_not_acknowledge_them(client, world, meetings):
    flag = _flag(meetings, world)
    page = page_text(signed_in(client, world.tara).get(_url("meeting-run", meetings.first)))
    assert "Judgmental language" in page
    assert "Not yet acknowledged." in page
    assert _url("observer-flag-acknowledge", flag) not in page
    refused = client.post(_url("observer-flag-acknowledge", flag), {"repair_note": "Done"})
    assert refused.status_code == 403
    flag.refresh_from_db()
    assert not flag.acknowledged


def test_a_flag_of_a_completed_meeting_is_locked(client, world, meetings):
    flag = _flag(meetings, world)
    services.meeting_complete(meeting=meetings.first, by=world.lena)
    response = signed_in(client, world.lena).post(
        _url("observer-flag-acknowledge", flag), {"repair_note": "Late note"}
    )
    assert response.status_code == 409
    assert "completed and its record is locked" in page_text(response)
