"""Every access rule of the clinical record, as predicates used by views, services and
templates alike. Reads defer to `visible_to` (cases/querysets.py), the one definition."""

from __future__ import annotations

from cases.choices import CHAIN_STATUS_MOVES, Actor, ChainStatus
from cases.models import Case, CaseUserObjectPermission, ChainAnalysis, TIBEntry
from consultteam.access import AnyUser, is_active_person
from consultteam.teams.models import Role, Team
from consultteam.teams.permissions import role_in

CLINICIANS = {Role.THERAPIST, Role.TEAM_LEADER, Role.TRAINEE}


def can_view_case(user: AnyUser, case: Case | None) -> bool:
    return case is not None and Case.objects.visible_to(user).filter(pk=case.pk).exists()


def can_list_cases(user: AnyUser, _: None = None) -> bool:
    return is_active_person(user)


def can_open_case(user: AnyUser, team: Team | None) -> bool:
    """Therapists open cases on their own team (as primary); the team leader too."""
    return team is not None and role_in(user, team) in CLINICIANS


def _is_co_therapist(user: AnyUser, case: Case) -> bool:
    if not is_active_person(user):
        return False
    return CaseUserObjectPermission.objects.filter(
        user_id=user.pk, content_object_id=case.pk, permission__codename="co_treat_case"
    ).exists()


def can_write_case_record(user: AnyUser, case: Case | None) -> bool:
    """Log a client's TIBs and write chain analyses of this case: its primary therapist (while
    on the team) and co-therapists. The team leader reads but does not write them."""
    if case is None or not is_active_person(user):
        return False
    if case.primary_therapist_id == user.pk and role_in(user, case.team) is not None:
        return True
    return _is_co_therapist(user, case)


def can_change_case(user: AnyUser, case: Case | None) -> bool:
    """Stage, status, closing: the primary therapist, co-therapists and the team leader."""
    if case is None:
        return False
    return can_write_case_record(user, case) or role_in(user, case.team) == Role.TEAM_LEADER


def can_manage_case_access(user: AnyUser, case: Case | None) -> bool:
    """Add or remove a co-therapist: the primary therapist or the team leader."""
    if case is None or not is_active_person(user):
        return False
    if case.primary_therapist_id == user.pk and role_in(user, case.team) is not None:
        return True
    return role_in(user, case.team) == Role.TEAM_LEADER


def can_log_tib(user: AnyUser, team: Team, actor: str, case: Case | None) -> bool:
    if actor == Actor.CLIENT:
        return case is not None and case.team_id == team.pk and can_write_case_record(user, case)
    return role_in(user, team) is not None


def can_view_tib(user: AnyUser, entry: TIBEntry | None) -> bool:
    return entry is not None and TIBEntry.objects.visible_to(user).filter(pk=entry.pk).exists()


def can_change_tib(user: AnyUser, entry: TIBEntry | None) -> bool:
    if entry is None or not is_active_person(user):
        return False
    if entry.case is not None:
        return can_write_case_record(user, entry.case)
    return entry.author_id == user.pk and role_in(user, entry.team) is not None


def can_view_chain(user: AnyUser, chain: ChainAnalysis | None) -> bool:
    return chain is not None and ChainAnalysis.objects.visible_to(user).filter(pk=chain.pk).exists()


def can_start_chain(user: AnyUser, team: Team, case: Case | None) -> bool:
    if case is not None:
        return case.team_id == team.pk and can_write_case_record(user, case)
    return role_in(user, team) is not None  # an analysis of one's own behaviour


def can_change_chain(user: AnyUser, chain: ChainAnalysis | None) -> bool:
    if chain is None or not is_active_person(user):
        return False
    if chain.case is not None:
        return can_write_case_record(user, chain.case)
    return chain.author_id == user.pk and role_in(user, chain.team) is not None


def can_set_chain_status(user: AnyUser, chain: ChainAnalysis | None, status: str) -> bool:
    """The author moves a draft to the team and back; the team leader marks it presented in
    the meeting; a supervisor or the team leader marks it reviewed. Only the moves in
    CHAIN_STATUS_MOVES exist: nobody else can share an author's draft."""
    if chain is None or status not in CHAIN_STATUS_MOVES.get(chain.status, set()):
        return False
    if status in {ChainStatus.DRAFT, ChainStatus.READY_FOR_TEAM}:
        return can_change_chain(user, chain)
    role = role_in(user, chain.team)
    if status == ChainStatus.PRESENTED:
        return role == Role.TEAM_LEADER
    if status == ChainStatus.REVIEWED:
        return role in {Role.TEAM_LEADER, Role.SUPERVISOR}
    return False
