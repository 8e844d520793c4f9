"""Team pages: my teams, and one team's roster."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from consultteam.teams.models import Membership, Team
from consultteam.teams.permissions import can_lead_team
from consultteam.textcheck.permissions import can_see_team_patterns


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.visible_to(request.user).order_by("name")
    return render(request, "teams/team_list.html", {"teams": teams})


@login_required
def team_detail(request: HttpRequest, team_id: str) -> HttpResponse:
    team = get_object_or_404(Team.objects.visible_to(request.user), public_id=team_id)
    roster = (
        Membership.objects.visible_to(request.user)
        .current()
        .filter(team=team)
        .select_related("user")
        .order_by("role", "user__display_name")
    )
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "roster": roster,
            "is_leader": can_lead_team(request.user, team),
            "can_see_patterns": can_see_team_patterns(request.user, team),
        },
    )
