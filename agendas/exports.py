"""The record of one meeting, as the minutes page, the Markdown export and the PDF show it.

A case appears by its code only, never by anything more of the case; nothing of a TIB entry or
a chain analysis is copied in, only the fact that an item brought one. The observer's flags
appear as counts by reason, never by person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from agendas.choices import ActionStatus, FlagReason, ItemStatus, MeetingRole
from agendas.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    ObserverFlag,
    RoleAssignment,
)
from agendas.services.agenda import order_key


@dataclass(frozen=True)
class MeetingRecord:
    """Everything the minutes show of ``meeting``: roles, attendance, the items in agenda order
    (withdrawn ones left out), the action items, and the flags counted by reason."""

    meeting: Meeting
    roles: list[RoleAssignment]
    attendance: list[Attendance]
    items: list[AgendaItem]
    actions: list[ActionItem]
    flags: list[tuple[str, int]]

    @property
    def discussed(self) -> list[AgendaItem]:
        return [item for item in self.items if item.status == ItemStatus.DISCUSSED]

    @property
    def not_discussed(self) -> list[AgendaItem]:
        return [item for item in self.items if item.status != ItemStatus.DISCUSSED]


def meeting_record(meeting: Meeting) -> MeetingRecord:
    """Gather the record (five queries, however long the meeting). ``meeting`` comes with its
    team and agreement. Reads only; the caller checks who may read it."""
    roles = sorted(
        RoleAssignment.objects.filter(meeting=meeting).select_related("member"),
        key=lambda assignment: MeetingRole.values.index(assignment.role),
    )
    attendance = list(Attendance.objects.filter(meeting=meeting).select_related("member"))
    items = sorted(
        AgendaItem.objects.filter(meeting=meeting)
        .exclude(status=ItemStatus.WITHDRAWN)
        .select_related("case", "submitter", "carried_from__meeting__team")
        .prefetch_related(
            Prefetch(
                "carried_to",
                queryset=AgendaItem.objects.select_related("meeting__team"),
                to_attr="carried_copies",
            )
        ),
        key=order_key,
    )
    actions = list(
        ActionItem.objects.filter(meeting=meeting)
        .select_related("owner", "due_meeting__team", "carried_from__meeting__team")
        .order_by("id")
    )
    counted = dict(
        ObserverFlag.objects.filter(meeting=meeting)
        .values_list("reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    flags = [(FlagReason(c).label, counted[c]) for c in FlagReason.values if c in counted]
    return MeetingRecord(meeting, roles, attendance, items, actions, flags)


def local_day(meeting: Meeting) -> dt.date:
    """The meeting's date in its team's zone (what a member calls "the meeting of ...")."""
    return meeting.local_start().date()


def carried_from_day(item: AgendaItem | ActionItem) -> dt.date | None:
    if item.carried_from is None:
        return None
    return local_day(item.carried_from.meeting)


def due_text(action: ActionItem) -> str:
    if action.due_on is not None:
        return f"due {action.due_on:%Y-%m-%d}"
    if action.due_meeting is not None:
        return f"due at the meeting of {local_day(action.due_meeting):%Y-%m-%d}"
    return ""


def item_details(item: AgendaItem) -> list[str]:
    """The facts of an item, in the words every export uses."""
    details = [
        f"target: {item.get_target_level_display()}",
        f"urgency: {item.get_urgency_display()}",
        f"brought by {item.submitter.display_name}",
        f"status: {item.get_status_display()}",
    ]
    carried = carried_from_day(item)
    if carried is not None:
        details.append(f"carried from {carried:%Y-%m-%d}")
    if item.actual_minutes is not None:
        details.append(f"{item.actual_minutes} of {item.minutes_requested} minutes")
    return details


def action_details(action: ActionItem) -> list[str]:
    details = [action.get_status_display()]
    if due := due_text(action):
        details.append(due)
    carried = carried_from_day(action)
    if carried is not None:
        details.append(f"carried from {carried:%Y-%m-%d}")
    if action.times_carried:
        details.append(f"carried {action.times_carried}x")
    return details


# Markup a reader's Markdown viewer would act on inside a line: emphasis and code, links and
# images (their brackets), raw HTML and entities (angle brackets, ampersands), tables, strikes.
# Each is escaped with a backslash, which CommonMark renders as the character itself: a title
# like `<img onerror=...>` or `[click](javascript:...)` reads as typed, and does nothing.
_MARKUP = str.maketrans({mark: "\\" + mark for mark in "\\`*_[]<>&|~"})


def _line(text: str) -> str:
    """One line of Markdown from free text: no line breaks, no markup of its own."""
    return " ".join(text.split()).translate(_MARKUP)


def _lines(text: str) -> str:
    """Free text of several lines (the minutes) as Markdown: its lines kept, no markup of its
    own within them."""
    return "\n".join(line.translate(_MARKUP) for line in text.strip().splitlines())


def minutes_markdown(meeting: Meeting) -> str:
    """The record of one meeting: when, the agreement of the week, roles, attendance, the items
    in agenda order with their outcomes, the action items and the minutes. Reads only; the
    caller checks who may export and records the export."""
    record = meeting_record(meeting)
    start = meeting.local_start()
    out = [
        f"# {_line(meeting.team.name)}: consultation team meeting",
        "",
        f"- When: {start:%Y-%m-%d %H:%M} ({meeting.team.time_zone}), {meeting.minutes} minutes",
        f"- Status: {meeting.get_status_display()}",
    ]
    if meeting.agreement is not None:
        out.append(f"- Agreement of the week: {_line(meeting.agreement.name)}")
    if record.roles:
        out += ["", "## Roles", ""]
        out += [
            f"- {role.get_role_display()}: {_line(role.member.display_name)}"
            for role in record.roles
        ]
    if record.attendance:
        out += ["", "## Attendance", ""]
        out += [
            f"- {_line(a.member.display_name)}: {a.get_status_display()}" for a in record.attendance
        ]
    out += ["", "## Agenda", ""]
    if not record.items:
        out.append("No items.")
    for number, item in enumerate(record.items, start=1):
        case = f" [{item.case.code}]" if item.case is not None else ""
        out.append(f"{number}. **{_line(item.title)}**{case}: {item.get_item_type_display()}")
        out.append(f"   - {_line('; '.join(item_details(item)))}")
        if item.outcome:
            out.append(f"   - Outcome: {_line(item.outcome)}")
    out += ["", "## Action items", ""]
    if not record.actions:
        out.append("None.")
    for action in record.actions:
        box = "x" if action.status == ActionStatus.DONE else " "
        out.append(
            f"- [{box}] {_line(action.owner.display_name)}: {_line(action.description)} "
            f"({', '.join(action_details(action))})"
        )
    if record.flags:
        out += ["", "## Observer's summary (counts for the team)", ""]
        out += [f"- {label}: {count}" for label, count in record.flags]
    out += ["", "## Minutes", "", _lines(meeting.minutes_text) or "No minutes were written.", ""]
    return "\n".join(out)
