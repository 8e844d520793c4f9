"""Chain analyses: starting one, reading and editing the worksheet, moving it to the team."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import services
from cases.choices import ChainStatus, ChainSubject
from cases.forms import ChainStartForm, ChainStatusForm, ChainWorksheetForm
from cases.models import Case
from cases.permissions import can_change_chain, can_set_chain_status, can_write_case_record
from cases.views._common import visible_case, visible_chain
from cases.views.editor import editor_page, editor_url
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.teams.models import Team
from consultteam.textcheck.services import IdentifierFound
from consultteam.web import person
from consultteam.web.attempt import attempt
from consultteam.web.forms import add_identifier_found, add_service_errors
from consultteam.web.pages import member_teams

DRAFT_NOTE = (
    "Chain analysis started as a draft. Until you mark it ready for team, only you, the team "
    "leader and the supervisors can read it."
)


def _start(
    request: HttpRequest, form: ChainStartForm, *, by: User, team: Team, case: Case | None
) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        chain = services.chain_start(
            by=by,
            team=team,
            case=case,
            subject=ChainSubject.CLIENT_BEHAVIOR if case else ChainSubject.THERAPIST_BEHAVIOR,
            kind=data["kind"],
            problem_behavior=data["problem_behavior"],
            behavior_on=data["behavior_on"],
            target_level=data["target_level"],
            intensity=data["intensity"],
            assumptions=data["assumptions"],
            agreements=data["agreements"],
            identifier_override=data.get("identifier_override") or None,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    except IdentifierFound as found:
        add_identifier_found(form, found)
        return None
    messages.success(request, DRAFT_NOTE)
    return redirect("chain-detail", chain_id=chain.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def chain_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Analyse a client's behaviour, within their case: for the case's therapists."""
    user = person(request)
    case = visible_case(user, case_id)
    if not can_write_case_record(user, case):
        raise PermissionDenied("Only the case's therapists write its chain analyses.")
    form = ChainStartForm(
        request.POST if request.method == "POST" else None,
        teams=None,
        kind=request.GET.get("kind"),  # a missing-links analysis offered from a client's TIB
    )
    if (
        form.is_bound
        and form.is_valid()
        and (answer := _start(request, form, by=user, team=case.team, case=case))
    ):
        return answer
    context = {"form": form, "case": case}
    return render(request, "cases/chain_new.html", context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def chain_new_own(request: HttpRequest) -> HttpResponse:
    """Analyse one's own behaviour as a therapist: for any member of the team."""
    user = person(request)
    teams = member_teams(user)
    if not teams.exists():
        raise PermissionDenied("You are not on a team.")
    form = ChainStartForm(request.POST if request.method == "POST" else None, teams=teams)
    if (
        form.is_bound
        and form.is_valid()
        and (answer := _start(request, form, by=user, team=form.cleaned_data["team"], case=None))
    ):
        return answer
    context = {"form": form, "case": None}
    return render(request, "cases/chain_new.html", context, status=400 if form.is_bound else 200)


@login_required
@require_GET
def chain_detail(request: HttpRequest, chain_id: uuid.UUID) -> HttpResponse:
    """The worksheet: editable for the author and the case's therapists, read for the rest."""
    user = person(request)
    return editor_page(request, user, visible_chain(user, chain_id))


@require_POST
@login_required
def chain_edit(request: HttpRequest, chain_id: uuid.UUID) -> HttpResponse:
    """Save the worksheet's own fields (links and consequences have their own forms)."""
    user = person(request)
    chain = visible_chain(user, chain_id)
    if not can_change_chain(user, chain):
        raise PermissionDenied
    form = ChainWorksheetForm(request.POST, chain=chain)
    status = 400
    if form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect(editor_url(chain))
        saved = attempt(
            form,
            lambda data: services.chain_update(
                chain=chain,
                by=user,
                expected_version=data["version"],
                changes=changes,
                identifier_override=data.get("identifier_override") or None,
            ),
        )
        if saved.done:
            messages.success(request, "Worksheet saved.")
            return redirect(editor_url(chain))
        status = saved.status
    return editor_page(request, user, chain, status=status, worksheet=form)


@require_POST
@login_required
def chain_status(request: HttpRequest, chain_id: uuid.UUID) -> HttpResponse:
    """Bring the analysis to the team (ready for team), or take it back to draft."""
    user = person(request)
    chain = visible_chain(user, chain_id)
    if not any(can_set_chain_status(user, chain, s) for s in ChainStatusForm.MOVES):
        raise PermissionDenied
    form = ChainStatusForm(request.POST)
    if not form.is_valid():
        reasons = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
        return editor_page(request, user, chain, status=400, status_error=reasons)
    status = form.cleaned_data["status"]
    try:
        services.chain_set_status(
            chain=chain, by=user, status=status, expected_version=form.cleaned_data["version"]
        )
    except Conflict as error:
        return editor_page(request, user, chain, status=409, status_error=error.message)
    shared = "Teammates can read it now." if status == ChainStatus.READY_FOR_TEAM else ""
    messages.success(request, f"Now {ChainStatus(status).label.lower()}. {shared}".strip())
    return redirect(editor_url(chain))
