"""The record of past meetings: a team's completed and cancelled meetings, the read-only minutes
of one, and the minutes as Markdown or PDF. Case codes only; flags as the team's counts."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from agendas.choices import MeetingStatus
from agendas.exports import meeting_record, minutes_markdown
from agendas.models import Meeting
from agendas.pdf import minutes_pdf
from agendas.selectors import PAST_PAGE, past_meetings
from agendas.views._common import person, visible_meeting
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.web.pages import member_teams


@login_required
@require_GET
def meeting_past(request: HttpRequest, team_id: uuid.UUID) -> HttpResponse:
    """A team's completed and cancelled meetings, latest first, a page at a time (``before``
    names where the previous page ended)."""
    user = person(request)
    # Members of the team only (administrators manage teams, not their meetings): else 404.
    team = get_object_or_404(member_teams(user), public_id=team_id)
    try:
        before = parse_datetime(request.GET.get("before", "") or "")
    except ValueError:  # well formed, but no such time (a 99th month)
        raise BadRequest(
            "That page of past meetings does not exist: go back to the first."
        ) from None
    if before is not None and before.tzinfo is None:
        before = None  # only the links this page writes, which carry their offset
    meetings = past_meetings(user, team, before=before)
    context = {
        "team": team,
        "meetings": meetings,
        "older": meetings[-1].starts_at.isoformat() if len(meetings) == PAST_PAGE else None,
        "paged": before is not None,
    }
    return render(request, "agendas/meeting_past.html", context)


@login_required
@require_GET
def meeting_record_page(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The minutes of a completed meeting, read-only: the minutes text, what was discussed
    and what came of it, the action items, what was carried over, the flags as counts."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if meeting.status != MeetingStatus.COMPLETED:
        messages.info(
            request,
            "This meeting was cancelled: it has no minutes."
            if meeting.status == MeetingStatus.CANCELLED
            else "The minutes are kept once the meeting is completed; this is the meeting's page.",
        )
        return redirect("meeting-detail", meeting_id=meeting.public_id)
    context = {"meeting": meeting, "record": meeting_record(meeting)}
    return render(request, "agendas/meeting_record.html", context)


def _export(
    request: HttpRequest,
    meeting_id: uuid.UUID,
    *,
    render_as: Callable[[Meeting], str | bytes],
    content_type: str,
    extension: str,
) -> HttpResponse:
    """Any member of the team downloads the record; each download is audited as an export."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    audit_record(action=Action.EXPORT, obj=meeting, team=meeting.team_id)
    response = HttpResponse(render_as(meeting), content_type=content_type)
    day = meeting.local_start().date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="meeting-minutes-{day}.{extension}"'
    return response


@login_required
@require_GET
def meeting_minutes_md(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The meeting's record as a Markdown download: case codes only. Audited as an export."""
    return _export(
        request,
        meeting_id,
        render_as=minutes_markdown,
        content_type="text/markdown; charset=utf-8",
        extension="md",
    )


@login_required
@require_GET
def meeting_minutes_pdf(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The meeting's record as a PDF download: case codes only. Audited as an export."""
    return _export(
        request, meeting_id, render_as=minutes_pdf, content_type="application/pdf", extension="pdf"
    )
