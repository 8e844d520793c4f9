"""Every access rule of the clinical record, as predicates used by views, services and
templates alike. Reads defer to `visible_to` (cases/querysets.py), the one definition."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from cases.choices import CHAIN_STATUS_MOVES, Actor, ChainStatus
from cases.models import (
    Case,
    ChainAnalysis,
    EmergencyAccess,
    FeedbackKind,
    ReviewRequest,
    TIBEntry,
)
from cases.querysets import case_record_scope, co_treated_case_ids, reviewed_chain_ids
from consultteam.access import AnyUser, is_active_person, team_ids_of
from consultteam.teams.models import LEADER_ROLES, OVERSEER_ROLES, Role, Team
from consultteam.teams.permissions import role_in

CLINICIANS = {Role.THERAPIST, Role.TEAM_LEADER, Role.TRAINEE}


def can_view_case(user: AnyUser, case: Case | None) -> bool:
    return case is not None and Case.objects.visible_to(user).filter(pk=case.pk).exists()


def can_list_cases(user: AnyUser, _: None = None) -> bool:
    return is_active_person(user)


def can_open_case(user: AnyUser, team: Team | None) -> bool:
    """Therapists open cases on their own team (as primary); the team leader too."""
    return team is not None and role_in(user, team) in CLINICIANS


def is_co_therapist(user: AnyUser, case: Case) -> bool:
    """Co-therapist of ``case``: granted it directly or through a group (`co_treated_case_ids`,
    the definition reads use too). One query."""
    if not is_active_person(user):
        return False
    return Case.objects.filter(pk=case.pk, pk__in=co_treated_case_ids(user.pk)).exists()


def reads_case_record(user: AnyUser, case: Case) -> bool:
    """Reads the case's whole client record, shared or not (`case_record_scope`): what is
    derived from all of it (missed sessions in a row) is theirs to see. One query."""
    if not is_active_person(user):
        return False
    return Case.objects.filter(case_record_scope(user.pk), pk=case.pk).exists()


def can_write_case_record(user: AnyUser, case: Case | None) -> bool:
    """Log a client's TIBs and write chain analyses of this case: its primary therapist (while
    on the team) and co-therapists. The team leader reads but does not write them."""
    if case is None or not is_active_person(user):
        return False
    if case.primary_therapist_id == user.pk and role_in(user, case.team) is not None:
        return True
    return is_co_therapist(user, case)


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
        return role in OVERSEER_ROLES
    return False


# --- Feedback and review ------------------------------------------------------------------------

FEEDBACK_KIND_OF_ROLE = {
    Role.TEAM_LEADER: FeedbackKind.TEAM_LEADER,
    Role.SUPERVISOR: FeedbackKind.SUPERVISOR,
    Role.THERAPIST: FeedbackKind.PEER,
    Role.TRAINEE: FeedbackKind.PEER,
}


def can_view_item(user: AnyUser, item: ChainAnalysis | TIBEntry | None) -> bool:
    """Read a chain analysis or a TIB entry (through its `visible_to`)."""
    if isinstance(item, ChainAnalysis):
        return can_view_chain(user, item)
    return can_view_tib(user, item)


def can_write_item(user: AnyUser, item: ChainAnalysis | TIBEntry | None) -> bool:
    """Change a chain analysis or a TIB entry: its author or the case's therapists."""
    if isinstance(item, ChainAnalysis):
        return can_change_chain(user, item)
    return can_change_tib(user, item)


def feedback_kind_of(user: AnyUser, item: ChainAnalysis | TIBEntry) -> str:
    """PEER, SUPERVISOR or TEAM_LEADER, from the author's role on the item's team. A reviewer
    granted one analysis from outside the team gives supervisor feedback. No side effects."""
    role = role_in(user, item.team)
    if role is not None:
        return FEEDBACK_KIND_OF_ROLE[role]
    if isinstance(item, ChainAnalysis) and is_active_person(user):
        granted = reviewed_chain_ids.queryset(person=user.pk)
        if ChainAnalysis.objects.filter(pk=item.pk, pk__in=granted).exists():
            return FeedbackKind.SUPERVISOR
    return FeedbackKind.PEER


def can_give_feedback(user: AnyUser, item: ChainAnalysis | TIBEntry | None) -> bool:
    """Give feedback on an item one can read: peers, the team leader, supervisors, a reviewer
    granted the analysis. Not those it is addressed to (its author, the case's therapists):
    feedback is what the team gives them. No side effects."""
    if item is None or not is_active_person(user):
        return False
    if item.author_id == user.pk or can_write_item(user, item):
        return False
    return can_view_item(user, item)


def can_list_feedback(user: AnyUser, _: None = None) -> bool:
    return is_active_person(user)


def is_eligible_reviewer(person: AnyUser, item: ChainAnalysis | TIBEntry) -> bool:
    """A review is given by a supervisor or the team leader of the item's team."""
    return role_in(person, item.team) in OVERSEER_ROLES


def can_request_review(user: AnyUser, item: ChainAnalysis | TIBEntry | None) -> bool:
    """Ask for a review of an item: its author or the case's therapists."""
    return item is not None and can_write_item(user, item)


def can_take_review_step(user: AnyUser, review: ReviewRequest | None) -> bool:
    """Start a review, request a revision, sign off: the named reviewer only, while still a
    supervisor or the team leader of the team. Whether the step fits the review's status is
    the service's to answer (409), not a matter of who asks."""
    if review is None or not is_active_person(user) or review.reviewer_id != user.pk:
        return False
    return role_in(user, review.team) in OVERSEER_ROLES


def can_resubmit_review(user: AnyUser, review: ReviewRequest | None) -> bool:
    """Send an item back to its reviewer after revising it: its author or the case's
    therapists."""
    return review is not None and can_write_item(user, review.target)


# --- Emergency (break-glass) access -------------------------------------------------------------


ON_CALL_ACROSS_TEAMS = "open_across_teams"


def on_call_across_teams(user: AnyUser) -> bool:
    """Named by an administrator for cross-team on-call (the permission, given to the person
    or a group of theirs): not implied by being staff or superuser, who read no record."""
    if not is_active_person(user):
        return False
    return (
        Permission.objects.filter(content_type__app_label="cases", codename=ON_CALL_ACROSS_TEAMS)
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def emergency_team_ids(user: AnyUser) -> QuerySet[Any, Any]:
    """The teams whose cases the person may open emergency access to: those they lead or
    supervise, and every team for someone on call across teams. A queryset of ids."""
    if on_call_across_teams(user):
        return Team.objects.values("pk")
    return team_ids_of(user, roles=OVERSEER_ROLES)


def can_open_emergency_access(user: AnyUser, _: None = None) -> bool:
    """Open an emergency access: a team leader or supervisor (for their teams' cases), or
    someone on call across teams. Which case (one of `emergency_team_ids` they cannot
    already see) is checked by the service."""
    return emergency_team_ids(user).exists()


def can_open_emergency_access_to(user: AnyUser, case: Case) -> bool:
    """Open an emergency access to ``case``: one of `emergency_team_ids`'s teams."""
    return Team.objects.filter(pk=case.team_id, pk__in=emergency_team_ids(user)).exists()


def can_list_emergency_accesses(user: AnyUser, _: None = None) -> bool:
    """The review list: team leaders (their teams' cases) and staff (all)."""
    if not is_active_person(user):
        return False
    return user.is_staff or team_ids_of(user, roles=LEADER_ROLES).exists()


def can_review_emergency_access(user: AnyUser, emergency: EmergencyAccess | None) -> bool:
    """Mark an emergency access reviewed: a second person, never its opener; the team leader
    of the case's team, or staff."""
    if emergency is None or not is_active_person(user) or emergency.user_id == user.pk:
        return False
    return user.is_staff or role_in(user, emergency.case.team) == Role.TEAM_LEADER
