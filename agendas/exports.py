"""Minutes as Markdown. A case appears by its code only, never by anything more of the case;
nothing of a TIB entry or a chain analysis is copied in, only the fact that an item brought
one. (PDF is still to come.)"""

from __future__ import annotations

from agendas.choices import ActionStatus, ItemStatus
from agendas.models import ActionItem, AgendaItem, Attendance, Meeting, RoleAssignment
from agendas.services.agenda import order_key


def _line(text: str) -> str:
    """One line of Markdown from free text: no line breaks, no heading or list markup."""
    return " ".join(text.split()).replace("|", "\\|")


def minutes_markdown(meeting: Meeting) -> str:
    """The record of one meeting: when, the agreement of the week, roles, attendance, the items
    in agenda order with their outcomes, the action items and the minutes. Reads only; the
    caller checks who may export and records the export."""
    start = meeting.local_start()
    out = [
        f"# {_line(meeting.team.name)}: consultation team meeting",
        "",
        f"- When: {start:%Y-%m-%d %H:%M} ({meeting.team.time_zone}), {meeting.minutes} minutes",
        f"- Status: {meeting.get_status_display()}",
    ]
    if meeting.agreement is not None:
        out.append(f"- Agreement of the week: {_line(meeting.agreement.name)}")
    roles = RoleAssignment.objects.filter(meeting=meeting).select_related("member")
    if roles:
        out += ["", "## Roles", ""]
        out += [f"- {role.get_role_display()}: {_line(role.member.display_name)}" for role in roles]
    attendance = Attendance.objects.filter(meeting=meeting).select_related("member")
    if attendance:
        out += ["", "## Attendance", ""]
        out += [f"- {_line(a.member.display_name)}: {a.get_status_display()}" for a in attendance]
    items = sorted(
        AgendaItem.objects.filter(meeting=meeting)
        .exclude(status=ItemStatus.WITHDRAWN)
        .select_related("case", "submitter", "carried_from__meeting__team"),
        key=order_key,
    )
    out += ["", "## Agenda", ""]
    if not items:
        out.append("No items.")
    for number, item in enumerate(items, start=1):
        case = f" [{item.case.code}]" if item.case is not None else ""
        out.append(f"{number}. **{_line(item.title)}**{case}: {item.get_item_type_display()}")
        details = [
            f"target: {item.get_target_level_display()}",
            f"urgency: {item.get_urgency_display()}",
            f"brought by {_line(item.submitter.display_name)}",
            f"status: {item.get_status_display()}",
        ]
        if item.carried_from is not None:
            carried = item.carried_from.meeting.local_start()
            details.append(f"carried from {carried:%Y-%m-%d}")
        if item.actual_minutes is not None:
            details.append(f"{item.actual_minutes} of {item.minutes_requested} minutes")
        out.append(f"   - {'; '.join(details)}")
        if item.outcome:
            out.append(f"   - Outcome: {_line(item.outcome)}")
    actions = ActionItem.objects.filter(meeting=meeting).select_related("owner", "due_meeting")
    out += ["", "## Action items", ""]
    if not actions:
        out.append("None.")
    for action in actions:
        due = ""
        if action.due_on is not None:
            due = f", due {action.due_on:%Y-%m-%d}"
        elif action.due_meeting is not None:
            due = f", due at the meeting of {action.due_meeting.starts_at:%Y-%m-%d}"
        times = f", carried {action.times_carried}x" if action.times_carried else ""
        box = "x" if action.status == ActionStatus.DONE else " "
        out.append(
            f"- [{box}] {_line(action.owner.display_name)}: {_line(action.description)} "
            f"({action.get_status_display()}{due}{times})"
        )
    out += ["", "## Minutes", "", meeting.minutes_text.strip() or "No minutes were written.", ""]
    return "\n".join(out)
