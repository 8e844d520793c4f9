"""The pages that read across the apps: the signed-in home page, "my week", and a team's
patterns (its language flags, what its meetings' observers named, what its feedback cites)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agendas.models import ActionItem, AgendaItem
from agendas.patterns import observer_patterns
from agendas.selectors import my_week
from cases.selectors import feedback_citation_counts
from consultteam.access import is_active_person
from consultteam.audit.services import audit_list_read
from consultteam.monthly_chart import counts_by_month, last_months, month_rows, monthly_bars
from consultteam.teams.models import Team
from consultteam.textcheck.models import FlagCheck, FlagStatus, LanguageCategory, TextFlag
from consultteam.textcheck.permissions import can_see_team_patterns

# The order of the team patterns' resolution rows: still open first, then what became of them.
RESOLUTION_ORDER = (
    FlagStatus.OPEN,
    FlagStatus.REWORDED,
    FlagStatus.KEPT,
    FlagStatus.DISMISSED,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My week: the next meeting of each of my teams with my part in it, my open action items;
    for a team I lead, how ready its meeting is; for a reviewer, the reviews waiting."""
    user = request.user
    if not is_active_person(user):  # login_required let them in; narrows the type
        raise PermissionDenied
    week = my_week(user)
    # My items' titles and my actions are the clinical text this page shows.
    audit_list_read(AgendaItem, [item.public_id for team in week.teams for item in team.my_items])
    audit_list_read(ActionItem, [action.public_id for action in week.open_actions])
    return render(request, "home.html", {"week": week})


@login_required
@require_GET
def team_patterns(request: HttpRequest, team_id: uuid.UUID) -> HttpResponse:
    """The team's language flags by category and by what became of them, month by month over
    the last six months, with what its observers named and what its feedback cites. Counts
    only: never by person, and no names on the page."""
    user = request.user
    if not is_active_person(user):
        raise PermissionDenied
    team = get_object_or_404(Team.objects.visible_to(user), public_id=team_id)
    if not can_see_team_patterns(user, team):
        raise PermissionDenied("The team leader and supervisors see the team's patterns.")
    months = last_months(timezone.localdate())
    since = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    flags = TextFlag.objects.filter(team=team, kind=FlagCheck.LANGUAGE, created_at__gte=since)

    categories = month_rows(
        counts_by_month(flags, when="created_at", by="category"),
        months,
        list(LanguageCategory.choices),
    )
    resolutions = month_rows(
        counts_by_month(flags, when="created_at", by="status"),
        months,
        [(status.value, status.label) for status in RESOLUTION_ORDER],
    )
    title = f"Language flags per month by category, {months[0]:%B %Y} to {months[-1]:%B %Y}"
    context = {
        "team": team,
        "months": months,
        "categories": categories,
        "resolutions": resolutions,
        "total": sum(row.total for row in categories),
        "chart": monthly_bars(months, categories, title, chart_id="language-chart"),
        "chart_title": title,
        "citation_counts": list(feedback_citation_counts(team)),
        "observer": observer_patterns(team, months),
    }
    return render(request, "textcheck/team_patterns.html", context)
