"""Emergency (break-glass) access: the page to open one, and the review list (the API:
cases/api/emergency.py).

The person opening it cannot see the case, so there is no button on the case page: they name
the case by its team and code, as a colleague on the phone would, and state why."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cases import services
from cases.models import EmergencyAccess
from cases.permissions import (
    can_list_emergency_accesses,
    can_open_emergency_access,
    can_review_emergency_access,
    emergency_team_ids,
)
from cases.selectors import case_coded, emergency_accesses_to_review
from consultteam.teams.models import Team
from consultteam.web import person
from consultteam.web.attempt import attempt
from consultteam.web.forms import PageForm, add_service_errors

# --- Pages --------------------------------------------------------------------------------------


class EmergencyOpenForm(PageForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), to_field_name="public_id", label="Team"
    )
    code = forms.CharField(max_length=12, label="Case code", help_text="For example C-7F3K9Q.")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why you need this case now",
        help_text="At least a sentence. Your team leader and the case's therapist are told.",
    )


class ReviewNoteForm(PageForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Review note")


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Open an emergency access and go straight to the case."""
    user = person(request)
    if not can_open_emergency_access(user):
        raise PermissionDenied("Only a team leader or a supervisor can open emergency access.")
    form = EmergencyOpenForm(request.POST if request.method == "POST" else None)
    form.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
        pk__in=emergency_team_ids(user)
    ).order_by("name")
    if form.is_bound and form.is_valid():
        case = case_coded(form.cleaned_data["team"], form.cleaned_data["code"])
        if case is None:
            form.add_error("code", "There is no case with this code on that team.")
        else:
            try:
                services.emergency_access_open(
                    case=case,
                    by=user,
                    reason=form.cleaned_data["reason"],
                    review_link=request.build_absolute_uri(reverse("emergency-review")),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.warning(
                    request, "Emergency access is open. Everything you read is logged."
                )
                return redirect("case-detail", case_id=case.public_id)
    status_code = 400 if form.is_bound else 200
    context = {"form": form, "hours": settings.BREAK_GLASS_HOURS}
    return render(request, "cases/emergency_open.html", context, status=status_code)


def _review_list(
    request: HttpRequest,
    *,
    failed: EmergencyAccess | None = None,
    form: ReviewNoteForm | None = None,
) -> HttpResponse:
    user = person(request)
    if not can_list_emergency_accesses(user):
        raise PermissionDenied("The review list is for team leaders and administrators.")
    rows = [
        (access, form if failed is not None and access.pk == failed.pk else ReviewNoteForm())
        for access in emergency_accesses_to_review(user).filter(reviewed_at__isnull=True)
    ]
    context = {"rows": rows, "user_id": user.pk}
    return render(
        request, "cases/emergency_review.html", context, status=400 if failed is not None else 200
    )


@login_required
@require_http_methods(["GET"])
def emergency_review(request: HttpRequest) -> HttpResponse:
    """Emergency accesses waiting for a second person's review."""
    return _review_list(request)


@require_POST
@login_required
def emergency_review_mark(request: HttpRequest, access_id: uuid.UUID) -> HttpResponse:
    user = person(request)
    access = get_object_or_404(emergency_accesses_to_review(user), public_id=access_id)
    if not can_review_emergency_access(user, access):
        raise PermissionDenied("A second person reviews an emergency access, never its opener.")
    form = ReviewNoteForm(request.POST)
    reviewed = attempt(
        form,
        lambda data: services.emergency_access_review(access=access, by=user, note=data["note"]),
    )
    if not reviewed.done:
        return _review_list(request, failed=access, form=form)
    messages.success(request, "Marked reviewed.")
    return redirect("emergency-review")
