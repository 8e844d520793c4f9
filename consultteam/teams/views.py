"""Team pages: my teams, and one team's roster."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from consultteam.teams.invitation_views import pending_invitations
from consultteam.teams.models import Membership, Role, Team
from consultteam.teams.permissions import (
    can_change_member_role,
    can_change_team,
    can_create_team,
    can_lead_team,
    can_manage_invitations,
    can_manage_team_access,
)
from consultteam.textcheck.permissions import can_see_team_patterns


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.visible_to(request.user).order_by("name")
    context = {"teams": teams, "can_create_team": can_create_team(request.user)}
    return render(request, "teams/team_list.html", context)


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
            "can_change_team": can_change_team(request.user, team),
            "can_change_roles": can_change_member_role(request.user, team),
            "roles": Role.choices,
            # Invitations and two-factor resets (invitation_views.py, authenticator_views.py);
            # the reset page itself decides for each member (can_reset_authenticator).
            "can_manage_invitations": can_manage_invitations(request.user, team),
            "invitations": pending_invitations(request.user, team),
            # A member's last day (the handover page, clinic/handover_views.py) and who left.
            "can_end_memberships": can_manage_team_access(request.user, team),
            "former_members": Membership.objects.visible_to(request.user)
            .filter(team=team, is_active=False)
            .select_related("user")
            .order_by("-left_on", "user__display_name"),
        },
    )
