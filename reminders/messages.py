"""What a reminder says, by email and in the app.

Built only from the reminder's kind, its meeting's team name and time, a role, a count and a
link (DOMAIN.md section 6). Nothing is read from agenda items, actions, reviews or cases, so no
clinical text can reach a message, whatever those rows hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from agendas.calendar import meeting_ics
from agendas.choices import MeetingRole
from reminders.choices import ReminderKind
from reminders.models import Reminder

# Kinds about a meeting's time: their emails carry the meeting as a calendar entry.
MEETING_KINDS = {
    ReminderKind.MEETING_UPCOMING,
    ReminderKind.AGENDA_CUTOFF,
    ReminderKind.ROLE_ASSIGNED,
    ReminderKind.ITEM_CARRIED_OVER,
}


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str
    link: str


def _local(reminder: Reminder, moment: Any) -> str:
    zone = ZoneInfo(reminder.recipient.time_zone)
    return f"{moment.astimezone(zone):%A %d %B %Y, %H:%M} ({zone.key})"


def wording_of(reminder: Reminder) -> Wording:
    """The subject, one-paragraph body and link of a reminder, times in the recipient's zone."""
    meeting = reminder.meeting
    team = meeting.team.name if meeting is not None else ""
    when = _local(reminder, meeting.starts_at) if meeting is not None else ""
    due = _local(reminder, reminder.due_at)
    path = (
        reverse("meeting-detail", kwargs={"meeting_id": meeting.public_id})
        if meeting is not None
        else reverse("notification-list")
    )
    link = settings.SITE_URL.rstrip("/") + path
    kind = reminder.kind
    if kind == ReminderKind.MEETING_UPCOMING:
        return Wording(f"{team} meets {when}", f"Your team {team} meets on {when}.", link)
    if kind == ReminderKind.AGENDA_CUTOFF:
        return Wording(
            f"{team}: the agenda closes {due}",
            f"Items for {team}'s meeting on {when} are due by {due}.",
            link,
        )
    if kind == ReminderKind.ROLE_ASSIGNED:
        role = MeetingRole(reminder.role).label if reminder.role in MeetingRole.values else ""
        return Wording(
            f"{team}: you are {role.lower()} on {when}",
            f"You hold the role of {role.lower()} at {team}'s meeting on {when}.",
            link,
        )
    if kind == ReminderKind.ACTION_DUE:
        return Wording(
            f"{team}: an action of yours is due {due}",
            f"An action item you own in {team} is due {due}. Open it to see it.",
            link,
        )
    if kind == ReminderKind.ITEM_CARRIED_OVER:
        items = "item was" if reminder.count == 1 else "items were"
        return Wording(
            f"{team}: {reminder.count} of your agenda {items} carried over",
            f"{reminder.count} of your agenda {items} carried over to {team}'s meeting on {when}.",
            link,
        )
    if kind == ReminderKind.LATE_ITEM_FLAGGED:
        # Why it stayed (imminent risk) is for the page, behind sign-in: the message says only
        # that there is something to take first.
        return Wording(
            f"{team}: an item to take first on {when}",
            f"An item was brought to {team}'s meeting on {when} after its agenda closed and "
            "was kept on that meeting for whoever runs it to take first. Open the meeting to "
            "see it.",
            link,
        )
    return Wording(
        "A review is waiting for you",
        "A colleague asked you to review their work in ConsultTeam. Sign in to see it.",
        link,
    )


def message_for(
    reminder: Reminder, *, connection: Any = None, calendars: dict[int, str] | None = None
) -> EmailMultiAlternatives:
    """The reminder as an email: text and HTML, and for meeting reminders the meeting as an
    .ics attachment. The Message-ID is the reminder's own, so a repeat is recognisable.
    ``calendars`` keeps each meeting's entry across a batch: building one is the costliest
    part of a message, and a meeting's reminders go out together."""
    wording = wording_of(reminder)
    context = {"wording": wording, "reminder": reminder}
    message = EmailMultiAlternatives(
        subject=wording.subject,
        body=render_to_string("reminders/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient.email],
        connection=connection,
        headers={"Message-ID": f"<reminder-{reminder.public_id}@consultteam>"},
    )
    message.attach_alternative(render_to_string("reminders/email.html", context), "text/html")
    meeting = reminder.meeting
    if meeting is not None and reminder.kind in MEETING_KINDS:
        calendars = {} if calendars is None else calendars
        if meeting.pk not in calendars:
            calendars[meeting.pk] = meeting_ics(meeting, base_url=settings.SITE_URL).decode()
        message.attach("meeting.ics", calendars[meeting.pk], "text/calendar")
    return message
