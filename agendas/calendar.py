"""Meetings as iCalendar (RFC 5545): one meeting for download or a reminder's attachment, and
a person's subscription feed of their teams' meetings.

A calendar entry leaves the service and lives on in phones and mail servers we do not control,
so it says only what a colleague's diary would: the team, when, where, how to join, and a link
back. Never an agenda item, a case code, a role or a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.urls import reverse
from icalendar import Calendar, Event

from agendas.choices import LocationKind, MeetingStatus
from agendas.models import Meeting

PRODID = "-//ConsultTeam//Team meetings//EN"
UID_DOMAIN = "meetings.consultteam"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the life of the meeting, whatever is moved or renamed, so a calendar updates
    the entry it already has instead of adding a second one."""
    return f"{meeting.public_id}@{UID_DOMAIN}"


def _event(meeting: Meeting, base_url: str) -> Event:
    zone = ZoneInfo(meeting.team.time_zone)
    start = meeting.starts_at.astimezone(zone)
    link = base_url.rstrip("/") + reverse("meeting-detail", args=[meeting.public_id])
    lines = [f"Agenda and roles: {link}"]
    if meeting.join_link and meeting.location_kind != LocationKind.IN_PERSON:
        lines.append(f"Join: {meeting.join_link}")

    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.updated_at.astimezone(dt.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=meeting.minutes))
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{meeting.team.name}: consultation team meeting")
    event.add("location", meeting.get_location_kind_display())
    event.add("description", "\n".join(lines))
    event.add("url", link)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def meetings_calendar(meetings: Iterable[Meeting], *, base_url: str, name: str) -> bytes:
    """The meetings (each with its team loaded) as one VCALENDAR, with a VTIMEZONE for every
    zone used, so a client shows each meeting at its team's clock time across DST changes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, base_url))
    calendar.add_missing_timezones()
    body: bytes = calendar.to_ical()
    return body


def meeting_ics(meeting: Meeting, *, base_url: str) -> bytes:
    """One meeting, for a download or a reminder's attachment."""
    return meetings_calendar([meeting], base_url=base_url, name=f"{meeting.team.name} meeting")
