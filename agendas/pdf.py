"""Minutes as PDF, drawn with ReportLab (no system library; about 9 ms a document, see
FIELD-NOTES.md). The same record as the Markdown export (agendas/exports.py): case codes only,
flags as the team's counts.

ReportLab's built-in Helvetica needs no font file but knows only the Windows Latin-1 letters;
anything else in free text becomes "?", so the document never fails over a character.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from agendas.exports import action_details, item_details, meeting_record
from agendas.models import Meeting

_STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("Minutes", parent=_STYLES["BodyText"], alignment=TA_LEFT, spaceAfter=3)
META = ParagraphStyle("Meta", parent=BODY, fontSize=9, textColor="#444444")
H1 = _STYLES["Heading1"]
H2 = _STYLES["Heading2"]


def _text(value: str) -> str:
    """Free text made safe for a Paragraph: its markup escaped, letters Helvetica lacks as "?"."""
    safe = value.encode("cp1252", "replace").decode("cp1252")
    return escape(safe)


def _para(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(_text(value), style)


def _bullets(lines: list[list[Paragraph]]) -> ListFlowable:
    return ListFlowable(
        [ListItem(parts, leftIndent=12) for parts in lines], bulletType="bullet", start="-"
    )


def minutes_pdf(meeting: Meeting) -> bytes:
    """The meeting's record as a PDF document. Reads only; the caller checks who may export
    and records the export."""
    record = meeting_record(meeting)
    team = meeting.team
    start = meeting.local_start()
    story: list[object] = [
        _para(f"{team.name}: consultation team meeting", H1),
        _para(
            f"{start:%A %d %B %Y, %H:%M} ({team.time_zone}), {meeting.minutes} minutes. "
            f"Status: {meeting.get_status_display()}."
        ),
    ]
    if meeting.agreement is not None:
        story.append(_para(f"Agreement of the week: {meeting.agreement.name}"))
    if record.roles:
        story.append(_para("Roles", H2))
        story.append(
            _bullets(
                [
                    [_para(f"{role.get_role_display()}: {role.member.display_name}")]
                    for role in record.roles
                ]
            )
        )
    if record.attendance:
        story.append(_para("Attendance", H2))
        story.append(
            _bullets(
                [
                    [_para(f"{row.member.display_name}: {row.get_status_display()}")]
                    for row in record.attendance
                ]
            )
        )
    story.append(_para("Agenda", H2))
    if not record.items:
        story.append(_para("No items."))
    for number, item in enumerate(record.items, start=1):
        case = f" [{item.case.code}]" if item.case is not None else ""
        story.append(_para(f"{number}. {item.title}{case}: {item.get_item_type_display()}"))
        story.append(_para("; ".join(item_details(item)), META))
        if item.outcome:
            story.append(_para(f"Outcome: {item.outcome}"))
    story.append(_para("Action items", H2))
    if not record.actions:
        story.append(_para("None."))
    else:
        story.append(
            _bullets(
                [
                    [
                        _para(f"{action.owner.display_name}: {action.description}"),
                        _para(", ".join(action_details(action)), META),
                    ]
                    for action in record.actions
                ]
            )
        )
    if record.flags:
        story.append(_para("Observer's summary (counts for the team)", H2))
        story.append(_bullets([[_para(f"{label}: {count}")] for label, count in record.flags]))
    story.append(_para("Minutes", H2))
    minutes = meeting.minutes_text.strip()
    if not minutes:
        story.append(_para("No minutes were written."))
    for paragraph in minutes.split("\n\n"):
        if paragraph.strip():
            story += [_para(" ".join(paragraph.split())), Spacer(1, 2 * mm)]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"Minutes: {team.name}, {start:%Y-%m-%d}",
        author="ConsultTeam",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story)
    return out.getvalue()
