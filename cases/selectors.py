"""Reads of the clinical record that are more than a filter: what cites an assumption or an
agreement, which ones a team's feedback draws on, the case a request names, and the emergency
accesses to review. Every read of rows starts from the models' `visible_to` (but the case an
emergency access names: see `case_coded`); the counts name no one."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils import timezone

from cases.models import Case, ChainAnalysis, EmergencyAccess, Feedback, TIBEntry
from consultteam.access import AnyUser, is_active_person, team_ids_of
from consultteam.reference.models import Agreement, Assumption
from consultteam.teams.models import Team

CITED_BY_LIMIT = 50
PATTERN_WINDOW = dt.timedelta(days=183)  # about six months


@dataclass(frozen=True)
class CitedBy:
    """What cites one assumption or agreement, among what the reader may see, newest first
    (at most CITED_BY_LIMIT of each)."""

    tib_entries: list[TIBEntry]
    chain_analyses: list[ChainAnalysis]
    feedback: list[Feedback]

    def __bool__(self) -> bool:
        return bool(self.tib_entries or self.chain_analyses or self.feedback)


def cited_by(user: AnyUser, row: Assumption | Agreement) -> CitedBy:
    """The TIB entries, chain analyses and feedback that cite ``row`` and that ``user`` may
    see (each through its own `visible_to`). Three queries. Reads only."""
    field = "assumptions" if isinstance(row, Assumption) else "agreements"
    cites = {field: row}
    tibs = (
        TIBEntry.objects.visible_to(user)
        .filter(**cites)
        .select_related("case")
        .order_by("-occurred_on", "-id")[:CITED_BY_LIMIT]
    )
    chains = (
        ChainAnalysis.objects.visible_to(user)
        .filter(**cites)
        .select_related("case")
        .order_by("-behavior_on", "-id")[:CITED_BY_LIMIT]
    )
    feedback = (
        Feedback.objects.visible_to(user)
        .filter(**cites)
        .select_related("chain_analysis", "tib_entry__case")
        .order_by("-created_at", "-id")[:CITED_BY_LIMIT]
    )
    return CitedBy(list(tibs), list(chains), list(feedback))


@dataclass(frozen=True)
class CitationCount:
    kind: str  # "assumption" or "agreement"
    code: str
    name: str
    count: int


def feedback_citation_counts(team: Team, *, now: dt.datetime | None = None) -> list[CitationCount]:
    """Which assumptions and agreements the team's feedback of the last six months draws on,
    most cited first: counts only, never who gave or received the feedback. The caller decides
    who may see a team's patterns. Two queries; reads only."""
    since = (now or timezone.now()) - PATTERN_WINDOW
    rows: list[CitationCount] = []
    for kind, through, target in (
        ("assumption", Feedback.assumptions.through, "assumption"),
        ("agreement", Feedback.agreements.through, "agreement"),
    ):
        counts: QuerySet[Any, dict[str, Any]] = (
            through.objects.filter(feedback__team=team, feedback__created_at__gte=since)
            .values(f"{target}__code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        labels = _labels(target)
        rows += [
            CitationCount(kind, c[f"{target}__code"], labels.get(c[f"{target}__code"], ""), c["n"])
            for c in counts
        ]
    rows.sort(key=lambda row: (-row.count, row.kind, row.code))
    return rows


def _labels(target: str) -> dict[str, str]:
    from consultteam.reference.models import AgreementCode, AssumptionCode

    codes = AssumptionCode if target == "assumption" else AgreementCode
    return {code: str(label) for code, label in codes.choices}


def emergency_access_of(user: AnyUser, case: Case | None) -> EmergencyAccess | None:
    """The unexpired emergency access through which ``user`` reads ``case``, when that is their
    way to it (they are not on its team; an access is only opened on a case one cannot see).
    Views pass its id to `audit_record` and show it on the case page."""
    if case is None or not is_active_person(user):
        return None
    if team_ids_of(user).filter(team_id=case.team_id).exists():
        return None
    return (
        EmergencyAccess.objects.active()
        .filter(user_id=user.pk, case_id=case.pk)
        .order_by("-expires_at")
        .first()
    )


def emergency_id(user: AnyUser, case: Case | None) -> str:
    """`emergency_access_of` as the audit trail records it: its public id, or blank."""
    emergency = emergency_access_of(user, case)
    return str(emergency.public_id) if emergency is not None else ""


def case_named(user: AnyUser, case_id: uuid.UUID | None) -> Case | None:
    """The case a request names by its id, with its team, among those ``user`` can see; None
    when it names none. One the user cannot see is a ValidationError on ``case`` (400),
    answered exactly like one that does not exist. Reads only."""
    if case_id is None:
        return None
    case = Case.objects.visible_to(user).select_related("team").filter(public_id=case_id).first()
    if case is None:
        raise ValidationError({"case": "There is no case with this id."})
    return case


def case_coded(team: Team, code: str) -> Case | None:
    """The case a colleague named by its code on ``team`` ("7f3k9q" finds C-7F3K9Q), for an
    emergency access: deliberately not through `visible_to`, since the person asking cannot
    see it yet (the service decides whether they may open one). Reads only."""
    code = code.strip().upper()
    if code and not code.startswith("C-"):
        code = f"C-{code}"
    return Case.objects.filter(team=team, code=code).select_related("team").first()


def emergency_accesses_to_review(user: AnyUser) -> QuerySet[EmergencyAccess]:
    """The emergency accesses ``user`` reviews (their teams' as team leader; all for staff),
    with what the review list shows. Reads only."""
    return EmergencyAccess.objects.to_review_by(user).select_related(
        "case__team", "user", "reviewed_by"
    )
