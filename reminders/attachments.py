"""The meeting as an iCalendar entry, for the .ics attachment of meeting reminders.

Only what a calendar needs and a reminder may carry: team name, start, length, place kind and
join link; a stable UID so a moved meeting updates the entry instead of adding one.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agendas.models import Meeting


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    # RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values.
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def meeting_ics(meeting: Meeting) -> str:
    """One VEVENT for ``meeting``, CRLF line ends as the standard asks."""
    ends = meeting.starts_at + dt.timedelta(minutes=meeting.minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ConsultTeam//Reminders//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.public_id}@consultteam",
        f"DTSTAMP:{_stamp(timezone.now())}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(ends)}",
        f"SEQUENCE:{meeting.version}",
        f"SUMMARY:{_text(f'{meeting.team.name} consultation team meeting')}",
        f"LOCATION:{_text(meeting.get_location_kind_display())}",
    ]
    if meeting.join_link:
        lines.append(f"URL:{meeting.join_link}")
    if meeting.status == "CANCELLED":
        lines.append("STATUS:CANCELLED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"
