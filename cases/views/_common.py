"""What the clinical record's pages share: who is asking, the one way to fetch what they may
see (404 otherwise), and htmx's request and answer conventions."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers

from cases.models import Case, ChainAnalysis
from cases.permissions import can_open_case
from consultteam.access import is_active_person, team_ids_of
from consultteam.accounts.models import User
from consultteam.teams.models import Team


def person(request: HttpRequest) -> User:
    """The signed-in, active person (`login_required` has let them in; this narrows the type)."""
    user = request.user
    if not is_active_person(user):
        raise PermissionDenied
    return user


def visible_case(user: User, case_id: uuid.UUID) -> Case:
    """A case the user may see, or 404: one never learns that a case outside it exists."""
    return get_object_or_404(
        Case.objects.visible_to(user).select_related("team", "primary_therapist"),
        public_id=case_id,
    )


def visible_chain(user: User, chain_id: uuid.UUID) -> ChainAnalysis:
    return get_object_or_404(
        ChainAnalysis.objects.visible_to(user).select_related("team", "case", "author"),
        public_id=chain_id,
    )


def member_teams(user: User) -> QuerySet[Team]:
    """The teams where the user is an active member: where they may log their own or the team's
    TIB and analyse their own behaviour."""
    return Team.objects.filter(pk__in=team_ids_of(user))


def teams_to_open_cases(user: User) -> QuerySet[Team]:
    """The user's teams where `can_open_case` lets them open a case (one rule, asked per team)."""
    allowed = [team.pk for team in member_teams(user) if can_open_case(user, team)]
    return Team.objects.filter(pk__in=allowed)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def varies_with_htmx(response: HttpResponse) -> HttpResponse:
    """The same address answers a fragment to htmx and a page (or redirect) otherwise."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def retarget(response: HttpResponse, target: str) -> HttpResponse:
    """Swap a failed form in place of itself instead of the section the form targets."""
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "outerHTML"
    return response
