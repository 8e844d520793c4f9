"""Logging a TIB entry: a client's on their case, or one's own or the team's."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from cases import services
from cases.choices import Actor
from cases.forms import TIBForm
from cases.models import Case
from cases.permissions import can_write_case_record
from cases.views._common import visible_case
from consultteam.accounts.models import User
from consultteam.teams.models import Team
from consultteam.textcheck.services import IdentifierFound
from consultteam.web import person
from consultteam.web.forms import add_identifier_found, add_service_errors
from consultteam.web.pages import member_teams

# The last two: what the entry draws on, as codes, which the service checks (citations.py).
TIB_FIELDS = (
    *("category", "setting", "description", "occurred_on", "count", "status"),
    *("assumptions", "agreements"),
)


def _log(
    request: HttpRequest, form: TIBForm, *, by: User, team: Team, actor: str, case: Case | None
) -> services.TIBLogged | None:
    """Log the entry; None (with the service's reasons on the form) if it was refused. Text
    that may identify a client is refused until it is saved again with a reason."""
    fields: dict[str, Any] = {name: form.cleaned_data[name] for name in TIB_FIELDS}
    override = form.cleaned_data.get("identifier_override") or None
    try:
        logged = services.tib_log(
            by=by, team=team, actor=actor, case=case, identifier_override=override, **fields
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    except IdentifierFound as found:
        add_identifier_found(form, found)
        return None
    messages.success(request, f"Logged: {logged.entry.get_category_display()}.")
    if logged.warning:
        messages.warning(request, logged.warning)
    if logged.flags:
        messages.info(request, WORDING_NOTE)
    return logged


WORDING_NOTE = (
    "The wording check noticed something in the description: see below. Reword it, keep it "
    "with a reason, or dismiss it."
)


def _flags_page(logged: services.TIBLogged, back: str) -> HttpResponse:
    """Where one's own or the team's entry shows what the wording check noticed."""
    url = reverse("text-flags-of", kwargs={"object_id": logged.entry.public_id})
    return redirect(f"{url}?{urlencode({'next': back})}")


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
        and (logged := _log(request, form, by=user, team=case.team, actor=Actor.CLIENT, case=case))
    ):
        if form.cleaned_data.get("then_missing_links"):  # the offer on a client's TIB
            chain_new = reverse("chain-new", kwargs={"case_id": case.public_id})
            return redirect(f"{chain_new}?{urlencode({'kind': 'MISSING_LINKS'})}")
        page = reverse("case-detail", kwargs={"case_id": case.public_id})
        return redirect(f"{page}#tib-{logged.entry.public_id}" if logged.flags else page)
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
        if logged := _log(request, form, by=user, team=team, actor=actor, case=None):
            return _flags_page(logged, reverse("home")) if logged.flags else redirect("home")
    context = {"form": form, "case": None}
    return render(request, "cases/tib_form.html", context, status=400 if form.is_bound else 200)
