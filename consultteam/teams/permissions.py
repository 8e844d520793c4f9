"""Every access rule of the teams app, as predicates `can_<verb>_<noun>(user, obj)` used by
views, services and templates alike. Reads defer to `visible_to`, the one definition."""

from __future__ import annotations

from consultteam.access import AnyUser, is_active_person
from consultteam.teams.models import Membership, Role, Team


def role_in(user: AnyUser, team: Team) -> Role | None:
    """The user's active role on ``team``, or None."""
    if not is_active_person(user):
        return None
    role = (
        Membership.objects.filter(user_id=user.pk, team_id=team.pk, is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def can_list_teams(user: AnyUser, _: None = None) -> bool:
    return is_active_person(user)


def can_view_team(user: AnyUser, team: Team | None) -> bool:
    return team is not None and Team.objects.visible_to(user).filter(pk=team.pk).exists()


def can_lead_team(user: AnyUser, team: Team | None) -> bool:
    """Team leaders run their team: roster, roles, meeting, the team's audit trail."""
    return team is not None and role_in(user, team) == Role.TEAM_LEADER


def can_manage_team_access(user: AnyUser, team: Team | None) -> bool:
    """Grant or revoke per-object access to a team: its leader, or an administrator."""
    if team is None or not is_active_person(user):
        return False
    return bool(user.is_staff) or can_lead_team(user, team)
