"""Meetings in people's own calendars: one meeting as a download, and each person's secret
subscription address (issued, reset and revoked on their calendar page)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from agendas.calendar import meeting_ics, meetings_calendar
from agendas.services import feeds
from agendas.views._common import person, visible_meeting


def calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def site_root(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_GET
def meeting_calendar_file(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """One meeting as an .ics file, to add it to a calendar by hand."""
    meeting = visible_meeting(person(request), meeting_id)
    day = meeting.local_start().date().isoformat()
    return calendar_response(
        meeting_ics(meeting, base_url=site_root(request)), f"team-meeting-{day}.ics"
    )


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, key: str) -> HttpResponse:
    """A subscription feed. Calendar apps cannot sign in, so the secret address is the
    credential: unknown, revoked or belonging to a deactivated account, it is 404."""
    meetings = feeds.calendar_feed_meetings(key)
    if meetings is None:
        raise Http404("No such calendar.")
    body = meetings_calendar(meetings, base_url=site_root(request), name="Team meetings")
    return calendar_response(body, "team-meetings.ics")


def feed_url(request: HttpRequest, key: str) -> str:
    return request.build_absolute_uri(reverse("calendar-feed", args=[key]))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Subscribe to my team meetings: make (or reset) my secret address, or revoke it. The
    address is shown once, right after it is made; only its hash is kept."""
    user = person(request)
    new_url = None
    if request.method == "POST":
        if request.POST.get("do") == "revoke":
            if feeds.calendar_feed_revoke(user=user):
                messages.success(request, "Your calendar address no longer works.")
            return redirect("calendar-settings")
        _, key = feeds.calendar_feed_issue(user=user)
        new_url = feed_url(request, key)
    return render(
        request,
        "agendas/calendar_settings.html",
        {"feed": feeds.calendar_feed_live(user), "new_url": new_url},
    )
