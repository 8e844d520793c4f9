"""Writes of cases: opening, changing, co-therapists, attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import (
    Case,
    CaseUserObjectPermission,
    new_case_code,
)
from cases.permissions import (
    can_change_case,
    can_manage_case_access,
    can_open_case,
)
from cases.services.common import first_of_month, plausible_day
from consultteam.accounts.models import User
from consultteam.teams.models import Role, Team
from consultteam.teams.permissions import role_in
from consultteam.writes import apply_changes, refuse, save_valid

# --- Cases --------------------------------------------------------------------------------------

CASE_FIELDS = ("stage", "status", "opened", "closed")


@transaction.atomic
def case_open(
    *,
    team: Team,
    by: User,
    opened: dt.date,
    stage: str = "PRETREATMENT",
    primary_therapist: User | None = None,
) -> Case:
    """Open a case with a fresh random code. The primary therapist is ``by`` unless the team
    leader assigns another member. Not idempotent: each call opens a new case."""
    if not can_open_case(by, team):
        raise refuse("Only clinicians on this team can open a case for it.")
    therapist = primary_therapist or by
    if therapist != by and role_in(by, team) != Role.TEAM_LEADER:
        raise refuse("Only the team leader can open a case for another therapist.")
    if role_in(therapist, team) is None:
        raise ValidationError({"primary_therapist": "The primary therapist must be on this team."})
    plausible_day(opened, "opened", person=by)
    case = Case(team=team, primary_therapist=therapist, stage=stage, opened=opened.replace(day=1))
    # A clash of random codes within a team is rare but possible: draw again.
    while Case.objects.filter(team=team, code=case.code).exists():
        case.code = new_case_code()
    save_valid(case)
    return case


@transaction.atomic
def case_update(*, case: Case, by: User, changes: Mapping[str, Any]) -> Case:
    """Change a case's stage, status or months. Audited with the names of the fields."""
    if not can_change_case(by, case):
        raise refuse("Only the case's therapists or the team leader can change it.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    months = {k: first_of_month(v) if k in {"opened", "closed"} else v for k, v in changes.items()}
    for field in ("opened", "closed"):
        month = months.get(field)
        if isinstance(month, dt.date):
            plausible_day(month, field, person=by)
    apply_changes(case, months, CASE_FIELDS)
    save_valid(case, update_fields=[*months, "updated_at"])
    return case


@transaction.atomic
def case_co_therapist_add(*, case: Case, therapist: User, by: User) -> CaseUserObjectPermission:
    """Let ``therapist`` (perhaps from another team) co-treat ``case``: read and write its
    record. Audited as GRANT; safe to run twice."""
    if not can_manage_case_access(by, case):
        raise refuse("Only the primary therapist or the team leader can add a co-therapist.")
    permission = Permission.objects.get(content_type__app_label="cases", codename="co_treat_case")
    grant: CaseUserObjectPermission
    grant, _ = CaseUserObjectPermission.objects.get_or_create(
        user=therapist, permission=permission, content_object=case
    )
    return grant


@transaction.atomic
def case_co_therapist_remove(*, case: Case, therapist: User, by: User) -> int:
    """Withdraw a co-therapist's access. Audited as REVOKE; safe to run twice."""
    if not can_manage_case_access(by, case):
        raise refuse("Only the primary therapist or the team leader can remove a co-therapist.")
    removed = 0
    for grant in CaseUserObjectPermission.objects.filter(user=therapist, content_object=case):
        grant.delete()
        removed += 1
    return removed
