"""The reference page: the team agreements and the DBT assumptions, for any signed-in user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from consultteam.reference.models import Agreement, Assumption, AssumptionSource


@login_required
def reference_index(request: HttpRequest) -> HttpResponse:
    """Two queries: the agreements, then the assumptions, grouped here by source (1993 first)
    so the template only loops."""
    agreements = list(Agreement.objects.visible_to(request.user))
    assumptions = list(Assumption.objects.visible_to(request.user))
    assumption_groups = [
        {"label": label, "assumptions": [a for a in assumptions if a.source == source]}
        for source, label in AssumptionSource.choices
    ]
    return render(
        request,
        "reference/index.html",
        {
            "agreements": agreements,
            "assumption_groups": [group for group in assumption_groups if group["assumptions"]],
        },
    )
