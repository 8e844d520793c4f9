"""Every write of the clinical record. Each service re-checks its rule, validates the whole
record before saving (a 400 with a message a clinician can act on, never half a record), runs in
one transaction and is audited by the registry in apps.py.

Chain analyses carry a `version`: every change names the version it was made against, and a
change against an older one is refused (409), so two people editing at once never silently
overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from cases.choices import (
    CATEGORIES_BY_ACTOR,
    MISSED_IN_A_ROW_WARNING,
    SESSION_MODES,
    Actor,
    ChainKind,
    ChainSubject,
    SolutionType,
    TIBCategory,
    Vulnerability,
)
from cases.models import (
    Case,
    CaseUserObjectPermission,
    ChainAnalysis,
    ChainAnalysisUserObjectPermission,
    ChainConsequence,
    ChainLink,
    MissedSessions,
    TIBEntry,
    new_case_code,
)
from cases.permissions import (
    can_change_case,
    can_change_chain,
    can_change_tib,
    can_log_tib,
    can_manage_case_access,
    can_open_case,
    can_set_chain_status,
    can_start_chain,
)
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.teams.models import Role, Team
from consultteam.teams.permissions import role_in

STALE = (
    "Someone else saved this chain analysis after you opened it (it is now at version "
    "{current}, you were editing version {yours}). Reload to see their changes; what you typed "
    "has not been saved, so copy it first."
)


def _refuse(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day is not None else None


def _not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "This date is in the future; record what has happened."})


def _save_valid(instance: models.Model, **extra_save: Any) -> None:
    """Validate every field and constraint, then save: a bad value is a 400, never a 500."""
    instance.full_clean()
    instance.save(**extra_save)


def _apply(instance: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    for name, value in changes.items():
        setattr(instance, name, value)


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
        raise _refuse("Only clinicians on this team can open a case for it.")
    therapist = primary_therapist or by
    if therapist != by and role_in(by, team) != Role.TEAM_LEADER:
        raise _refuse("Only the team leader can open a case for another therapist.")
    if role_in(therapist, team) is None:
        raise ValidationError({"primary_therapist": "The primary therapist must be on this team."})
    _not_in_future(opened, "opened")
    case = Case(team=team, primary_therapist=therapist, stage=stage, opened=opened.replace(day=1))
    # A clash of random codes within a team is rare but possible: draw again.
    while Case.objects.filter(team=team, code=case.code).exists():
        case.code = new_case_code()
    _save_valid(case)
    return case


@transaction.atomic
def case_update(*, case: Case, by: User, changes: Mapping[str, Any]) -> Case:
    """Change a case's stage, status or months. Audited with the names of the fields."""
    if not can_change_case(by, case):
        raise _refuse("Only the case's therapists or the team leader can change it.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    months = {k: _month(v) if k in {"opened", "closed"} else v for k, v in changes.items()}
    for field in ("opened", "closed"):
        month = months.get(field)
        if isinstance(month, dt.date):
            _not_in_future(month, field)
    _apply(case, months, CASE_FIELDS)
    _save_valid(case, update_fields=[*months, "updated_at"])
    return case


@transaction.atomic
def case_co_therapist_add(*, case: Case, therapist: User, by: User) -> CaseUserObjectPermission:
    """Let ``therapist`` (perhaps from another team) co-treat ``case``: read and write its
    record. Audited as GRANT; safe to run twice."""
    if not can_manage_case_access(by, case):
        raise _refuse("Only the primary therapist or the team leader can add a co-therapist.")
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
        raise _refuse("Only the primary therapist or the team leader can remove a co-therapist.")
    removed = 0
    for grant in CaseUserObjectPermission.objects.filter(user=therapist, content_object=case):
        grant.delete()
        removed += 1
    return removed


@transaction.atomic
def chain_reviewer_add(*, chain: ChainAnalysis, reviewer: User, by: User) -> Any:
    """Let a reviewer outside the team (a supervisor) read one chain analysis. Audited."""
    if not can_change_chain(by, chain) and role_in(by, chain.team) != Role.TEAM_LEADER:
        raise _refuse("Only the author, the case's therapists or the team leader can do this.")
    permission = Permission.objects.get(
        content_type__app_label="cases", codename="view_chainanalysis"
    )
    grant, _ = ChainAnalysisUserObjectPermission.objects.get_or_create(
        user=reviewer, permission=permission, content_object=chain
    )
    return grant


# --- The TIB log ----------------------------------------------------------------------------------

TIB_FIELDS = ("category", "setting", "description", "occurred_on", "count", "status")


@dataclass(frozen=True)
class TIBLogged:
    entry: TIBEntry
    missed_in_a_row: int | None = None  # for a missed session, the count after this entry

    @property
    def warning(self) -> str | None:
        if self.missed_in_a_row is None or self.missed_in_a_row < MISSED_IN_A_ROW_WARNING:
            return None
        return (
            f"This client has now missed {self.missed_in_a_row} "
            f"{self.entry.get_setting_display().lower()}s in a row. Many programmes end the "
            "treatment contract at four: consider bringing it to team."
        )


def _check_category(actor: str, category: str) -> None:
    if category not in TIBCategory.values:
        raise ValidationError({"category": f"{category!r} is not a TIB category."})
    if category not in CATEGORIES_BY_ACTOR.get(actor, []):
        raise ValidationError(
            {"category": f"{TIBCategory(category).label!r} is not a category for this actor."}
        )


@transaction.atomic
def tib_log(
    *,
    by: User,
    team: Team,
    actor: str,
    category: str,
    setting: str,
    description: str,
    occurred_on: dt.date,
    count: int = 1,
    case: Case | None = None,
    status: str = "OPEN",
) -> TIBLogged:
    """Log a TIB entry. A client's missed session (in individual therapy or skills group)
    also counts towards the missed-in-a-row tally of that mode. Not idempotent."""
    if actor not in Actor.values:
        raise ValidationError({"actor": "Choose the client, yourself or the team."})
    if (actor == Actor.CLIENT) != (case is not None):
        raise ValidationError({"case": "A client's TIB belongs to a case; others do not."})
    if not can_log_tib(by, team, actor, case):
        raise _refuse("You cannot log this TIB for this team or case.")
    _check_category(actor, category)
    _not_in_future(occurred_on, "occurred_on")
    entry = TIBEntry(
        team=team,
        case=case,
        author=by,
        actor=actor,
        category=category,
        setting=setting,
        description=description,
        occurred_on=occurred_on,
        count=count,
        status=status,
    )
    _save_valid(entry)
    missed = None
    if case is not None and category == TIBCategory.NON_ATTENDING and setting in SESSION_MODES:
        missed = _missed_sessions_add(case=case, mode=setting, count=count)
    return TIBLogged(entry=entry, missed_in_a_row=missed)


def _missed_sessions_add(*, case: Case, mode: str, count: int) -> int:
    tally, _ = MissedSessions.objects.select_for_update().get_or_create(case=case, mode=mode)
    tally.in_a_row = F("in_a_row") + count
    tally.save(update_fields=["in_a_row", "updated_at"])
    tally.refresh_from_db(fields=["in_a_row"])
    return tally.in_a_row


@transaction.atomic
def case_session_attended(*, case: Case, mode: str, by: User) -> None:
    """The client came to a session of ``mode``: the missed-in-a-row tally starts again."""
    if not can_change_case(by, case):
        raise _refuse("Only the case's therapists or the team leader can record attendance.")
    if mode not in SESSION_MODES:
        raise ValidationError({"mode": "Attendance is counted for individual sessions and group."})
    MissedSessions.objects.update_or_create(case=case, mode=mode, defaults={"in_a_row": 0})


@transaction.atomic
def tib_update(*, entry: TIBEntry, by: User, changes: Mapping[str, Any]) -> TIBEntry:
    """Correct or progress a TIB entry (status from open to resolved). Audited with fields."""
    if not can_change_tib(by, entry):
        raise _refuse("Only the author or the case's therapists can change this entry.")
    entry = TIBEntry.objects.select_for_update().get(pk=entry.pk)
    _apply(entry, changes, TIB_FIELDS)
    _check_category(entry.actor, entry.category)
    _not_in_future(entry.occurred_on, "occurred_on")
    _save_valid(entry, update_fields=[*changes, "updated_at"])
    return entry


@transaction.atomic
def tib_share_with_team(*, entry: TIBEntry, by: User) -> TIBEntry:
    """Bring an entry to team: from now on teammates may read it. Safe to run twice."""
    if not can_change_tib(by, entry):
        raise _refuse("Only the author or the case's therapists can bring this to team.")
    if not entry.shared_with_team:
        entry.shared_with_team = True
        entry.save(update_fields=["shared_with_team", "updated_at"])
    return entry


# --- Chain analyses -------------------------------------------------------------------------------

CHAIN_FIELDS = (
    "target_level",
    "problem_behavior",
    "behavior_on",
    "intensity",
    "prompting_event",
    "prompting_event_started",
    "vulnerabilities",
    "vulnerability_notes",
    "prevention_plan",
    "repair",
    "commitment",
    "knew_what_was_needed",
    "knowing_barrier",
    "was_willing",
    "willingness_barrier",
    "thought_occurred",
    "thought_barrier",
    "what_got_in_the_way",
    "problem_solving_plan",
)
LINK_FIELDS = (
    "kind",
    "description",
    "intensity",
    "solution_type",
    "skill_module",
    "replacement_behavior",
)
MAX_LINKS = 40


def _check_vulnerabilities(codes: object) -> None:
    if not isinstance(codes, list) or any(code not in Vulnerability.values for code in codes):
        raise ValidationError({"vulnerabilities": "Choose from the listed vulnerability factors."})


@transaction.atomic
def chain_start(
    *,
    by: User,
    team: Team,
    subject: str,
    kind: str,
    problem_behavior: str,
    behavior_on: dt.date,
    case: Case | None = None,
    **fields: Any,
) -> ChainAnalysis:
    """Start a chain analysis as a draft (only its author and overseers can read a draft)."""
    if subject not in ChainSubject.values or kind not in ChainKind.values:
        raise ValidationError({"subject": "Choose what is analysed and the kind of analysis."})
    if (subject == ChainSubject.CLIENT_BEHAVIOR) != (case is not None):
        raise ValidationError({"case": "A client's behaviour is analysed within their case."})
    if not can_start_chain(by, team, case):
        raise _refuse("You cannot write a chain analysis for this team or case.")
    chain = ChainAnalysis(
        team=team,
        case=case,
        author=by,
        subject=subject,
        kind=kind,
        problem_behavior=problem_behavior,
        behavior_on=behavior_on,
    )
    _apply(chain, fields, CHAIN_FIELDS)
    _check_vulnerabilities(chain.vulnerabilities)
    _not_in_future(chain.behavior_on, "behavior_on")
    _save_valid(chain)
    return chain


def _lock_current(chain: ChainAnalysis, expected_version: int) -> ChainAnalysis:
    """Lock the analysis row and refuse a change made against an older version."""
    current = ChainAnalysis.objects.select_for_update().get(pk=chain.pk)
    if current.version != expected_version:
        raise Conflict(STALE.format(current=current.version, yours=expected_version))
    return current


def _bump(chain: ChainAnalysis, fields: Iterable[str] = ()) -> None:
    chain.version += 1
    _save_valid(chain, update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def chain_update(
    *, chain: ChainAnalysis, by: User, expected_version: int, changes: Mapping[str, Any]
) -> ChainAnalysis:
    """Change worksheet fields. Refused (409) if someone saved since ``expected_version``."""
    if not can_change_chain(by, chain):
        raise _refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(chain, expected_version)
    _apply(chain, changes, CHAIN_FIELDS)
    _check_vulnerabilities(chain.vulnerabilities)
    _not_in_future(chain.behavior_on, "behavior_on")
    _bump(chain, changes)
    return chain


@transaction.atomic
def chain_set_status(
    *, chain: ChainAnalysis, by: User, status: str, expected_version: int
) -> ChainAnalysis:
    """Move the analysis along: ready for team, presented, reviewed (or back to draft)."""
    if not can_set_chain_status(by, chain, status):
        raise _refuse("Your role cannot move this analysis to that status.")
    chain = _lock_current(chain, expected_version)
    chain.status = status
    _bump(chain, ["status"])
    return chain


def _renumber(chain: ChainAnalysis, ordered_ids: list[int]) -> None:
    """Give the links positions 1..n in this order. Two passes (first all out of the way,
    then each into place) so the unique (chain, position) constraint holds at every step, on
    any database, without deferrable constraints. Position changes are not audited one by one:
    the analysis's own version change records the edit."""
    links = {link.pk: link for link in ChainLink.objects.filter(chain=chain)}
    for link in links.values():
        link.position += MAX_LINKS * 10
        link.save(update_fields=["position"])
    for position, pk in enumerate(ordered_ids, start=1):
        links[pk].position = position
        links[pk].save(update_fields=["position"])


def _ordered_link_ids(chain: ChainAnalysis) -> list[int]:
    return list(
        ChainLink.objects.filter(chain=chain).order_by("position").values_list("pk", flat=True)
    )


@transaction.atomic
def chain_link_add(
    *,
    chain: ChainAnalysis,
    by: User,
    expected_version: int,
    kind: str,
    description: str,
    position: int | None = None,
    **fields: Any,
) -> ChainLink:
    """Add a link at ``position`` (default: the end); later links move down one."""
    if not can_change_chain(by, chain):
        raise _refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(chain, expected_version)
    order = _ordered_link_ids(chain)
    if len(order) >= MAX_LINKS:
        raise ValidationError({"position": f"A chain holds at most {MAX_LINKS} links."})
    at = len(order) + 1 if position is None else position
    if not 1 <= at <= len(order) + 1:
        raise ValidationError({"position": f"Choose a position from 1 to {len(order) + 1}."})
    link = ChainLink(chain=chain, position=MAX_LINKS * 20, kind=kind, description=description)
    _apply(link, fields, LINK_FIELDS)
    _save_valid(link)
    order.insert(at - 1, link.pk)
    _renumber(chain, order)
    _bump(chain)
    link.refresh_from_db()
    return link


@transaction.atomic
def chain_link_update(
    *, link: ChainLink, by: User, expected_version: int, changes: Mapping[str, Any]
) -> ChainLink:
    """Edit one link's content (not its place: see chain_links_reorder)."""
    if not can_change_chain(by, link.chain):
        raise _refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(link.chain, expected_version)
    link = ChainLink.objects.get(pk=link.pk)
    _apply(link, changes, LINK_FIELDS)
    if link.solution_type != SolutionType.SKILL:
        if changes.get("skill_module"):  # never drop what was sent without a word
            raise ValidationError({"skill_module": "Only a skill has a module."})
        link.skill_module = ""
    elif not link.skill_module:
        raise ValidationError({"skill_module": "Name the module the skill is from."})
    _save_valid(link, update_fields=list({*changes, "skill_module"}))
    _bump(chain)
    return link


@transaction.atomic
def chain_link_remove(*, link: ChainLink, by: User, expected_version: int) -> None:
    """Remove a link; the ones after it move up, so positions stay 1..n."""
    if not can_change_chain(by, link.chain):
        raise _refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(link.chain, expected_version)
    link.delete()
    _renumber(chain, _ordered_link_ids(chain))
    _bump(chain)


@transaction.atomic
def chain_links_reorder(
    *, chain: ChainAnalysis, by: User, expected_version: int, order: list[uuid.UUID]
) -> list[ChainLink]:
    """Put the links in the given order (public ids, first to last). The list must name every
    link of the chain exactly once: no gaps, no repeats, no strangers."""
    if not can_change_chain(by, chain):
        raise _refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(chain, expected_version)
    ids = dict(ChainLink.objects.filter(chain=chain).values_list("public_id", "pk"))
    if len(order) != len(set(order)) or set(order) != set(ids):
        raise ValidationError({"order": "List every link of this analysis once, in the new order."})
    _renumber(chain, [ids[public_id] for public_id in order])
    _bump(chain)
    return list(ChainLink.objects.filter(chain=chain).order_by("position"))


@transaction.atomic
def chain_consequence_add(
    *,
    chain: ChainAnalysis,
    by: User,
    expected_version: int,
    description: str,
    timing: str,
    locus: str,
) -> ChainConsequence:
    if not can_change_chain(by, chain):
        raise _refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(chain, expected_version)
    consequence = ChainConsequence(chain=chain, description=description, timing=timing, locus=locus)
    _save_valid(consequence)
    _bump(chain)
    return consequence


@transaction.atomic
def chain_consequence_remove(
    *, consequence: ChainConsequence, by: User, expected_version: int
) -> None:
    if not can_change_chain(by, consequence.chain):
        raise _refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(consequence.chain, expected_version)
    consequence.delete()
    _bump(chain)
