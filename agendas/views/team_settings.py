"""The team leader's settings for how the team's meetings run: which roles go round the members,
and where the team meets."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from agendas import services
from agendas.forms import MeetingSettingsForm
from agendas.permissions import can_plan_meetings
from agendas.views._common import person
from consultteam.teams.models import Team
from consultteam.web.attempt import attempt


@login_required
@require_http_methods(["GET", "POST"])
def team_meeting_settings(request: HttpRequest, team_id: uuid.UUID) -> HttpResponse:
    """Show and change the settings; a refused change comes back with what was chosen and why."""
    user = person(request)
    team = get_object_or_404(Team.objects.visible_to(user), public_id=team_id)
    if not can_plan_meetings(user, team):
        raise PermissionDenied("Only the team leader changes how the team's meetings run.")
    if request.method == "POST":
        form = MeetingSettingsForm(request.POST)
        saved = attempt(
            form, lambda data: services.meeting_settings_update(team=team, by=user, **data)
        )
        if saved.done:
            which = (
                "the ones already planned among them"
                if form.cleaned_data["planned_too"]
                else "from the next one planned on"
            )
            messages.success(request, f"Saved: {team.name}'s meetings, {which}.")
            return redirect("team-meeting-settings", team_id=team.public_id)
        status = saved.status
    else:
        current = services.meeting_settings_shown(team)
        form = MeetingSettingsForm(
            initial={
                "rotating_roles": current.rotating_roles,
                "location_kind": current.location_kind,
                "join_link": current.join_link,
            }
        )
        status = 200
    return render(
        request, "agendas/team_meeting_settings.html", {"team": team, "form": form}, status=status
    )
