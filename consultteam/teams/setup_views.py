"""Team pages that change something: starting a team (administrators), editing its settings and
changing a member's role (its leader, or an administrator). Every write goes through setup.py or
roles.py; a refusal shows the form again with what to do about it (400, or 409 for the last
leader)."""

from __future__ import annotations

import uuid
import zoneinfo
from functools import cache

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from consultteam.access import is_active_person
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.teams import roles, setup
from consultteam.teams.models import Cadence, Membership, Role, Team, Weekday
from consultteam.teams.permissions import (
    can_change_member_role,
    can_change_team,
    can_create_team,
)


@cache
def _time_zones() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class TeamSettingsForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="As the team calls itself.")
    time_zone = forms.ChoiceField(
        choices=_time_zones, initial="UTC", help_text="Meeting times are planned in this zone."
    )
    cadence = forms.ChoiceField(choices=Cadence.choices, initial=Cadence.WEEKLY)
    meeting_weekday = forms.TypedChoiceField(
        choices=Weekday.choices, coerce=int, initial=Weekday.WEDNESDAY, label="Meets on"
    )
    meeting_start = forms.TimeField(
        initial="09:00",
        label="Starts at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In the team's time zone.",
    )
    meeting_minutes = forms.IntegerField(
        initial=90,
        label="Length in minutes",
        help_text=f"{setup.SHORTEST_MEETING} to {setup.LONGEST_MEETING}; 90 is usual.",
    )
    agenda_cutoff_hours = forms.IntegerField(
        initial=24,
        label="Agenda closes (hours before)",
        help_text="Items submitted later go to the next meeting.",
    )


class TeamCreateForm(TeamSettingsForm):
    leader_email = forms.EmailField(
        label="Team leader's email",
        help_text="The address the leader signs in with; the account must exist and be active.",
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


def _person(request: HttpRequest) -> User:
    user = request.user
    if not is_active_person(user):
        raise PermissionDenied
    return user


def _refused(form: forms.Form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
@require_http_methods(["GET", "POST"])
def team_create_page(request: HttpRequest) -> HttpResponse:
    """ "New team": its settings and its first leader (administrators only)."""
    user = _person(request)
    if not can_create_team(user):
        raise PermissionDenied("Only an administrator can start a team.")
    form = TeamCreateForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                leader = setup.leader_by_email(values.pop("leader_email"))
                team = setup.team_create(by=user, leader=leader, **values)
            except ValidationError as error:
                _refused(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(
                    request, f"Started {team.name}, with {leader.display_name} as its leader."
                )
                return redirect("team-detail", team_id=team.public_id)
    return render(request, "teams/team_form.html", {"form": form, "team": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit_page(request: HttpRequest, team_id: uuid.UUID) -> HttpResponse:
    """ "Edit team": the team's settings (its leader, or an administrator)."""
    user = _person(request)
    team = get_object_or_404(Team.objects.visible_to(user), public_id=team_id)
    if not can_change_team(user, team):
        raise PermissionDenied("Only the team's leader or an administrator can change it.")
    initial = {name: getattr(team, name) for name in setup.TEAM_SETTINGS}
    form = TeamSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                team = setup.team_change(team=team, by=user, changes=form.cleaned_data)
            except ValidationError as error:
                _refused(form, error)
            except Conflict as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, f"Saved the settings of {team.name}.")
                return redirect("team-detail", team_id=team.public_id)
    return render(request, "teams/team_form.html", {"form": form, "team": team}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_role_page(
    request: HttpRequest, team_id: uuid.UUID, member_id: uuid.UUID
) -> HttpResponse:
    """A member's role on the team (its leader, or an administrator). The team page posts here
    from each member's row; this page shows the form again when the change is refused."""
    user = _person(request)
    team = get_object_or_404(Team.objects.visible_to(user), public_id=team_id)
    membership = get_object_or_404(
        Membership.objects.filter(team=team, is_active=True).select_related("user", "team"),
        public_id=member_id,
    )
    if not can_change_member_role(user, team):
        raise PermissionDenied("Only the team's leader or an administrator can change roles.")
    form = MemberRoleForm(
        request.POST if request.method == "POST" else None, initial={"role": membership.role}
    )
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                changed = roles.membership_role_change(
                    membership=membership, by=user, role=form.cleaned_data["role"]
                )
            except Conflict as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(
                    request,
                    f"{changed.user.display_name} is now {changed.get_role_display().lower()} "
                    f"on {team.name}.",
                )
                return redirect("team-detail", team_id=team.public_id)
    context = {"form": form, "team": team, "membership": membership}
    return render(request, "teams/member_role.html", context, status=status)
