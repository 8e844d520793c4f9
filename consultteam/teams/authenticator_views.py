"""The page where an administrator or a team leader resets a member's lost authenticator."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from consultteam.accounts.authenticator_reset import authenticator_reset
from consultteam.accounts.models import AuthenticatorResetReason, User
from consultteam.teams.models import Membership, Team
from consultteam.teams.permissions import can_reset_authenticator


class AuthenticatorResetForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why",
        choices=[("", "Choose a reason"), *AuthenticatorResetReason.choices],
        help_text="Recorded with the reset. Check who is asking (in person or by phone) first.",
    )


def member_of_visible_team(request: HttpRequest, team_id: str, membership_id: str) -> Membership:
    """The membership, 404 unless its team is one the person sees."""
    team = get_object_or_404(Team.objects.visible_to(request.user), public_id=team_id)
    return get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("user", "team"),
        team=team,
        public_id=membership_id,
    )


@login_required
def member_two_factor_reset(request: HttpRequest, team_id: str, membership_id: str) -> HttpResponse:
    membership = member_of_visible_team(request, team_id, membership_id)
    if not can_reset_authenticator(request.user, membership):
        raise PermissionDenied("Only an administrator or the team's leader can do this.")
    form = AuthenticatorResetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            by = request.user
            assert isinstance(by, User)  # login_required
            authenticator_reset(membership=membership, reason=form.cleaned_data["reason"], by=by)
            messages.success(
                request,
                f"{membership.user.display_name}'s two-factor sign-in is reset and their "
                "sessions and API tokens have ended. They set up an authenticator again at "
                "their next sign-in.",
            )
            return redirect("team-detail", team_id=membership.team.public_id)
        status = 400
    context = {"membership": membership, "team": membership.team, "form": form}
    return render(request, "teams/authenticator_reset.html", context, status=status)
