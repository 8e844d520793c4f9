"""Meetings in people's calendars (issue 6, item 6): valid RFC 5545 as read by a second library
(vobject; the service writes with icalendar), stable UIDs, the team's time zone across a
daylight-saving change, sequence numbers on change, cancellations marked, the secret and
revocable subscription address, and no clinical content in any entry."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject  # type: ignore[import-untyped]  # no stubs: a test-only reader
from django.test import Client
from django.urls import reverse

from agendas import services
from agendas.calendar import meeting_uid, meetings_calendar
from agendas.models import CalendarFeed, Meeting
from tests.meeting_makers import meeting_on, submit, upcoming

pytestmark = pytest.mark.django_db


def parse(body: bytes) -> Any:
    """The calendar as a second library reads it; it raises on what RFC 5545 forbids."""
    calendar = vobject.readOne(body.decode())
    assert calendar.name == "VCALENDAR"
    assert calendar.version.value == "2.0"
    assert calendar.prodid.value
    return calendar


def events(calendar: Any) -> list[Any]:
    return list(getattr(calendar, "vevent_list", []))


def meeting_file(client: Client, person: Any, meeting: Meeting) -> Any:
    client.force_login(person)
    response = client.get(f"/api/v1/meetings/{meeting.public_id}/ics")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return parse(response.content)


def issue_address(client: Client, person: Any) -> str:
    client.force_login(person)
    response = client.post("/api/v1/calendar-feed/")
    assert response.status_code == 201
    url: str = response.json()["url"]
    client.logout()
    return url


def test_one_meeting_is_a_valid_entry_in_the_teams_zone(client, world):
    world.alpha.time_zone = "Europe/Berlin"
    world.alpha.save()
    meeting = upcoming(world)
    event = events(meeting_file(client, world.tara, meeting))[0]
    assert event.uid.value == meeting_uid(meeting)
    assert tzid(event.dtstart) == "Europe/Berlin"
    start = at_team_clock(event.dtstart.value, "Europe/Berlin")
    assert start == meeting.starts_at.replace(microsecond=0)  # iCalendar counts in seconds
    end = at_team_clock(event.dtend.value, "Europe/Berlin")
    assert end - start == dt.timedelta(minutes=meeting.minutes)
    assert event.status.value == "CONFIRMED"
    assert event.sequence.value == "0"
    assert "Alpha" in event.summary.value
    assert str(meeting.public_id) in event.url.value


def tzid(prop: Any) -> str:
    """The TZID a date-time names (vobject keeps it aside once it has read the value)."""
    (zone,) = prop.params["X-VOBJ-ORIGINAL-TZID"]
    return str(zone)


def at_team_clock(value: dt.datetime, tzid: str) -> dt.datetime:
    """The instant an entry means: its wall-clock time in the zone its TZID names, which is how
    calendar apps that know the IANA zones read it. (vobject's own offsets ignore the RDATE
    transitions in the VTIMEZONE, so they are not used for this.)"""
    return value.replace(tzinfo=ZoneInfo(tzid))


def test_the_clock_time_holds_across_a_daylight_saving_change(world):
    """Berlin moves its clocks on 29 March 2026: 10:00 local is 09:00 UTC before, 08:00 after;
    both entries say 10:00 in Europe/Berlin, with the zone defined in the file."""
    world.alpha.time_zone = "Europe/Berlin"
    world.alpha.save()
    berlin = ZoneInfo("Europe/Berlin")
    meetings = [
        Meeting.objects.create(
            team=world.alpha,
            slot=day,
            starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=berlin),
        )
        for day in (dt.date(2026, 3, 25), dt.date(2026, 4, 1))
    ]
    calendar = parse(meetings_calendar(meetings, base_url="https://ct.example/", name="Alpha"))
    assert calendar.vtimezone.tzid.value == "Europe/Berlin"
    starts = []
    for event in events(calendar):
        assert tzid(event.dtstart) == "Europe/Berlin"
        assert event.dtstart.value.time() == dt.time(10)
        starts.append(at_team_clock(event.dtstart.value, "Europe/Berlin"))
    assert starts == [meeting.starts_at for meeting in meetings]
    assert [start.astimezone(dt.UTC).hour for start in starts] == [9, 8]


def test_moving_and_cancelling_raise_the_sequence_and_keep_the_uid(client, world):
    meeting = upcoming(world)
    services.meeting_update(
        meeting=meeting, by=world.lena, expected_version=1, changes={"minutes_text": "Notes"}
    )
    first = events(meeting_file(client, world.theo, meeting))[0]
    assert first.sequence.value == "0", "minutes are not in the calendar: no new sequence"

    later = meeting.starts_at + dt.timedelta(hours=2)
    services.meeting_reschedule(meeting=meeting, by=world.lena, starts_at=later)
    moved = events(meeting_file(client, world.theo, meeting))[0]
    assert moved.sequence.value == "1"
    assert at_team_clock(moved.dtstart.value, tzid(moved.dtstart)) == later.replace(microsecond=0)
    assert moved.uid.value == first.uid.value

    services.meeting_cancel(meeting=meeting, by=world.lena)
    cancelled = events(meeting_file(client, world.theo, meeting))[0]
    assert (cancelled.status.value, cancelled.sequence.value) == ("CANCELLED", "2")
    assert cancelled.uid.value == first.uid.value


def test_no_entry_carries_clinical_content(client, world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    item = submit(
        meeting,
        world.tara,
        "Canary-title-7f3a missed group twice",
        case=world.tara_case,
        question="Canary-question-91bd: how to orient to the contract?",
    )
    services.meeting_update(
        meeting=meeting,
        by=world.lena,
        expected_version=Meeting.objects.get(pk=meeting.pk).version,
        changes={"minutes_text": "Canary-minutes-c0de"},
    )
    file_body = meeting_file(client, world.tara, meeting).serialize()
    feed_body = client.get(issue_address(client, world.tara)).content.decode()
    forbidden = [
        item.title,
        item.question,
        "Canary-minutes-c0de",
        world.tara_case.code,
        world.tara.display_name,
        world.lena.display_name,
        world.tara.email,
        world.tara_tib_shared.description,
    ]
    for body in (file_body, feed_body):
        assert str(meeting.public_id) in body
        for text in forbidden:
            assert text not in body, text


def test_the_feed_lists_my_teams_meetings_and_no_others(client, world):
    mine = [upcoming(world, days) for days in (3, 10)]
    cancelled = upcoming(world, 17)
    services.meeting_cancel(meeting=cancelled, by=world.lena)
    beta = meeting_on(world.beta, dt.timedelta(days=3))
    long_ago = meeting_on(world.alpha, dt.timedelta(days=-90))

    response = client.get(issue_address(client, world.tara))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    listed = {event.uid.value: event.status.value for event in events(parse(response.content))}
    assert listed == {
        meeting_uid(mine[0]): "CONFIRMED",
        meeting_uid(mine[1]): "CONFIRMED",
        meeting_uid(cancelled): "CANCELLED",
    }
    assert meeting_uid(beta) not in listed
    assert meeting_uid(long_ago) not in listed


def test_a_new_address_ends_the_old_and_revoking_ends_both(client, world):
    upcoming(world)
    old = issue_address(client, world.theo)
    new = issue_address(client, world.theo)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=world.theo).count() == 2
    assert CalendarFeed.objects.filter(user=world.theo, revoked_at__isnull=True).count() == 1

    client.force_login(world.theo)
    assert client.delete("/api/v1/calendar-feed/").status_code == 204
    assert client.delete("/api/v1/calendar-feed/").status_code == 204, "safe to run twice"
    assert client.get("/api/v1/calendar-feed/").json() == {"live": False, "created_at": None}
    client.logout()
    assert client.get(new).status_code == 404


def test_the_address_dies_with_the_account_and_follows_membership(client, world):
    upcoming(world)
    url = issue_address(client, world.theo)
    world.theo.is_active = False
    world.theo.save()
    assert client.get(url).status_code == 404

    url = issue_address(client, world.tara)
    world.tara.memberships.update(is_active=False)
    assert events(parse(client.get(url).content)) == []


def test_the_calendar_page_shows_the_address_once(client, world):
    client.force_login(world.sam)
    page = client.get(reverse("calendar-settings"))
    assert b"You have no calendar address yet" in page.content
    made = client.post(reverse("calendar-settings"), {"do": "issue"})
    assert made.status_code == 200
    url = made.context["new_url"]
    assert url.startswith("http://testserver/meetings/calendar/")
    assert url.endswith(".ics")
    assert url.encode() in made.content
    again = client.get(reverse("calendar-settings"))
    assert url.encode() not in again.content, "shown once: only its hash is kept"
    assert b"You have an address" in again.content
    revoked = client.post(reverse("calendar-settings"), {"do": "revoke"}, follow=True)
    assert b"no longer works" in revoked.content
    client.logout()
    assert client.get(url).status_code == 404


def test_a_meeting_file_from_the_page_is_a_download(client, world):
    meeting = upcoming(world)
    client.force_login(world.tara)
    response = client.get(reverse("meeting-ics", args=[meeting.public_id]))
    assert response["Content-Disposition"].startswith('attachment; filename="team-meeting-')
    assert events(parse(response.content))[0].uid.value == meeting_uid(meeting)
