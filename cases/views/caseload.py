"""My caseload, opening a case, and the case page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import services
from cases.charts import tib_weeks_chart
from cases.choices import MISSED_IN_A_ROW_WARNING, SESSION_MODES, Setting, TIBStatus
from cases.forms import AttendedForm, CaseOpenForm
from cases.models import Case, ChainAnalysis, MissedSessions, TIBEntry
from cases.permissions import (
    can_change_case,
    can_open_case,
    can_write_case_record,
    reads_case_record,
)
from cases.querysets import case_record_scope, co_treated_case_ids
from cases.selectors import emergency_access_of
from cases.views._common import teams_to_open_cases, visible_case
from cases.views.review import feedback_panels
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.textcheck.services import flags_for_objects
from consultteam.web import person
from consultteam.web.forms import add_service_errors
from consultteam.web.pages import member_teams


@dataclass(frozen=True)
class Missed:
    mode: str
    label: str
    in_a_row: int

    @property
    def warn(self) -> bool:
        return self.in_a_row >= MISSED_IN_A_ROW_WARNING


@dataclass
class CaseRow:
    case: Case
    open_tibs: int = 0
    chains: int = 0
    warnings: list[Missed] = field(default_factory=list)


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The cases I treat (primary or co-therapist), then the other cases I can see. Counts are
    of what I may read: a teammate's private TIB is not counted for me."""
    user = person(request)
    co_treating = ExpressionWrapper(
        Q(pk__in=co_treated_case_ids(user.pk)), output_field=BooleanField()
    )
    cases = list(
        Case.objects.visible_to(user)
        .select_related("team", "primary_therapist")
        .annotate(co_treating=co_treating)
        .order_by("team__name", "code")
    )
    rows = {case.pk: CaseRow(case) for case in cases}
    ids = list(rows)
    open_tibs = (
        TIBEntry.objects.visible_to(user)
        .filter(case_id__in=ids, status=TIBStatus.OPEN)
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    for case_pk, n in open_tibs:
        rows[case_pk].open_tibs = n
    chains = (
        ChainAnalysis.objects.visible_to(user)
        .filter(case_id__in=ids)
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    for case_pk, n in chains:
        rows[case_pk].chains = n
    # Counted from every TIB entry of a case, shared or not: warned of where the reader
    # reads them all (`case_record_scope`).
    whole_record = Case.objects.filter(case_record_scope(user.pk), pk__in=ids).values("pk")
    for tally in MissedSessions.objects.filter(
        case_id__in=whole_record, in_a_row__gte=MISSED_IN_A_ROW_WARNING
    ).order_by("mode"):
        rows[tally.case_id].warnings.append(
            Missed(tally.mode, Setting(tally.mode).label, tally.in_a_row)
        )
    mine: list[CaseRow] = []
    others: list[CaseRow] = []
    for row in rows.values():
        treating = row.case.primary_therapist_id == user.pk or row.case.co_treating  # type: ignore[attr-defined]
        (mine if treating else others).append(row)
    teams = list(member_teams(user))
    context = {
        "mine": mine,
        "others": others,
        "on_a_team": bool(teams),
        "can_open": any(can_open_case(user, team) for team in teams),
    }
    return render(request, "cases/caseload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    user = person(request)
    teams = teams_to_open_cases(user)
    if not teams.exists():
        raise PermissionDenied("Only therapists and team leaders open cases, on their own team.")
    form = CaseOpenForm(request.POST if request.method == "POST" else None, teams=teams)
    if form.is_bound and form.is_valid():
        try:
            case = services.case_open(
                team=form.cleaned_data["team"],
                by=user,
                opened=form.cleaned_data["opened"],
                stage=form.cleaned_data["stage"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Case {case.code} is open. Use this code, never a name, in team."
            )
            return redirect("case-detail", case_id=case.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "cases/case_form.html", {"form": form}, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = person(request)
    case = visible_case(user, case_id)
    emergency = emergency_access_of(user, case)
    audit_record(
        action=Action.VIEW,
        obj=case,
        team=case.team,
        emergency_access=str(emergency.public_id) if emergency else "",
    )
    tibs = list(
        TIBEntry.objects.visible_to(user)
        .filter(case=case)
        .select_related("author", "team", "case")
        .prefetch_related("assumptions", "agreements")
        .order_by("-occurred_on", "-id")
    )
    chart = tib_weeks_chart(
        ((entry.occurred_on, entry.category) for entry in tibs), today=timezone.localdate()
    )
    chains = ChainAnalysis.objects.visible_to(user).filter(case=case).select_related("author")
    # Counted from every TIB entry of the case, shared or not: for readers of all of them.
    missed = []
    if reads_case_record(user, case):
        tallies = dict(case.missed_sessions.values_list("mode", "in_a_row"))
        missed = [Missed(mode, mode.label, tallies.get(mode, 0)) for mode in SESSION_MODES]
    can_write = can_write_case_record(user, case)
    # What the wording check noticed in each entry, for those who write them (one query).
    tib_flags = flags_for_objects(entry.public_id for entry in tibs) if can_write else {}
    context = {
        "case": case,
        "emergency": emergency,
        "tibs": tibs,
        "chart": chart,
        "chains": chains.order_by("-behavior_on", "-id"),
        "missed": missed,
        "can_write": can_write,
        "tib_flags": tib_flags,
        "can_change": can_change_case(user, case),
        # Each entry's feedback and review (cases/views/review.py), in a fixed number of queries.
        "feedback": feedback_panels(user, tibs),
    }
    return render(request, "cases/case_detail.html", context)


@require_POST
@login_required
def case_session_attended(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The client came to a session: their missed-in-a-row count for that mode starts again."""
    user = person(request)
    case = visible_case(user, case_id)
    if not can_change_case(user, case):
        raise PermissionDenied
    form = AttendedForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", status=400)
    mode = form.cleaned_data["mode"]
    services.case_session_attended(case=case, mode=mode, by=user)
    messages.success(
        request,
        f"Attendance recorded: the count of missed {Setting(mode).label.lower()}s starts again.",
    )
    return redirect(reverse("case-detail", kwargs={"case_id": case.public_id}) + "#attendance")
