"""The audit trail page: administrators see all of it, team leaders their team's events."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.exceptions import ValidationError

from consultteam.audit.filters import cleaned_filters, filter_events
from consultteam.audit.models import Action, AuditEvent
from consultteam.audit.permissions import can_view_audit_trail
from consultteam.teams.models import Team

PAGE_SIZE = 100


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not can_view_audit_trail(request.user):
        raise PermissionDenied
    errors: object = {}
    events = AuditEvent.objects.visible_to(request.user)
    try:
        events = filter_events(events, cleaned_filters(request.GET.dict()))
    except ValidationError as exc:
        errors = exc.detail
        events = events.none()
    before = request.GET.get("before", "")
    if before.isascii() and before.isdigit():  # `isdigit` alone admits "²", which int() refuses
        events = events.filter(id__lt=int(before))
    elif before:
        errors = {"before": ["That is not a page of the trail: follow the “Older” link."]}
        events = events.none()
    page = list(events.select_related("actor", "team").order_by("-id")[:PAGE_SIZE])
    context = {
        "events": page,
        "errors": errors,
        "query": request.GET,
        "actions": Action.choices,
        "teams": Team.objects.visible_to(request.user).order_by("name"),
        "older": page[-1].id if len(page) == PAGE_SIZE else None,
    }
    return render(request, "audit/event_list.html", context, status=400 if errors else 200)
