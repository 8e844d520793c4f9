"""Logging a TIB entry: a client's on their case, or one's own or the team's."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases import services
from cases.choices import Actor
from cases.forms import TIBForm, add_service_errors
from cases.models import Case
from cases.permissions import can_write_case_record
from cases.views._common import member_teams, person, visible_case
from consultteam.accounts.models import User
from consultteam.teams.models import Team

TIB_FIELDS = ("category", "setting", "description", "occurred_on", "count", "status")


def _log(
    request: HttpRequest, form: TIBForm, *, by: User, team: Team, actor: str, case: Case | None
) -> bool:
    """Log the entry; False (with the service's reasons on the form) if it was refused."""
    fields: dict[str, Any] = {name: form.cleaned_data[name] for name in TIB_FIELDS}
    try:
        logged = services.tib_log(by=by, team=team, actor=actor, case=case, **fields)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, f"Logged: {logged.entry.get_category_display()}.")
    if logged.warning:
        messages.warning(request, logged.warning)
    return True


@login_required
@require_http_methods(["GET", "POST"])
def tib_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """A client's TIB, on their case: for the case's therapists."""
    user = person(request)
    case = visible_case(user, case_id)
    if not can_write_case_record(user, case):
        raise PermissionDenied("Only the case's therapists log its TIBs.")
    form = TIBForm(request.POST if request.method == "POST" else None, teams=None)
    if (
        form.is_bound
        and form.is_valid()
        and _log(request, form, by=user, team=case.team, actor=Actor.CLIENT, case=case)
    ):
        return redirect("case-detail", case_id=case.public_id)
    context = {"form": form, "case": case}
    return render(request, "cases/tib_form.html", context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def tib_new_own(request: HttpRequest) -> HttpResponse:
    """The therapist's own TIB, or the team's: for any member of the team."""
    user = person(request)
    teams = member_teams(user)
    if not teams.exists():
        raise PermissionDenied("You are not on a team.")
    form = TIBForm(request.POST if request.method == "POST" else None, teams=teams)
    if form.is_bound and form.is_valid():
        team, actor = form.cleaned_data["team"], form.cleaned_data["actor"]
        if _log(request, form, by=user, team=team, actor=actor, case=None):
            return redirect("home")
    context = {"form": form, "case": None}
    return render(request, "cases/tib_form.html", context, status=400 if form.is_bound else 200)
