"""The reference pages: the team agreements and the DBT assumptions, for any signed-in user,
and for each one, the items that cite it among those the reader may see (found by the clinical
record's app, which registers its finder in `reference.citations`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from consultteam.reference.citations import cited_by
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


@login_required
def assumption_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One assumption: our description, what it guards against, a reframe, and what cites it
    among what the reader may see. An unknown or retired code answers 404."""
    assumption = get_object_or_404(Assumption.objects.visible_to(request.user), code=code)
    context = {"row": assumption, "kind": "assumption", "cited": cited_by(request.user, assumption)}
    return render(request, "reference/detail.html", context)


@login_required
def agreement_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One agreement and what cites it among what the reader may see."""
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user), code=code)
    context = {"row": agreement, "kind": "agreement", "cited": cited_by(request.user, agreement)}
    return render(request, "reference/detail.html", context)
