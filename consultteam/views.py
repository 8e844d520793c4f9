"""Project-level pages: the signed-in home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from consultteam.access import is_active_person
from consultteam.teams.models import Membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_active_person(user):  # login_required let them in; narrows the type
        raise PermissionDenied
    memberships = (
        Membership.objects.filter(user_id=user.pk, is_active=True)
        .select_related("team")
        .order_by("team__name")
    )
    return render(request, "home.html", {"memberships": memberships})
