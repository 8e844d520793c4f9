"""Project-level pages: the signed-in home page, "my week"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agendas.selectors import my_week
from consultteam.access import is_active_person


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My week: the next meeting of each of my teams with my part in it, my open action items;
    for a team I lead, how ready its meeting is; for a reviewer, the reviews waiting."""
    user = request.user
    if not is_active_person(user):  # login_required let them in; narrows the type
        raise PermissionDenied
    return render(request, "home.html", {"week": my_week(user)})
