"""What the apps' pages share besides their forms: the teams a page offers, and htmx's request
and answer conventions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from consultteam.access import team_ids_of
from consultteam.accounts.models import User
from consultteam.teams.models import Team

__all__ = ["is_htmx", "member_teams", "retarget", "varies_with_htmx"]


def member_teams(user: User) -> QuerySet[Team]:
    """The teams where the user is an active member: where they may log their own or the team's
    TIB, analyse their own behaviour, or look at a team's meetings."""
    return Team.objects.filter(pk__in=team_ids_of(user))


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
