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


def can_create_team(user: AnyUser, _: None = None) -> bool:
    """Only an administrator starts a team (and appoints its first leader)."""
    return is_active_person(user) and bool(user.is_staff)


def can_change_team(user: AnyUser, team: Team | None) -> bool:
    """The team's settings (name, time zone, meeting time): its leader, or an administrator."""
    return can_manage_team_access(user, team)


def can_change_member_role(user: AnyUser, team: Team | None) -> bool:
    """Who holds which role on the team: its leader, or an administrator."""
    return can_manage_team_access(user, team)


def can_manage_invitations(user: AnyUser, team: Team | None) -> bool:
    """Invite people to the team, list, resend and revoke its invitations: its leader, or an
    administrator. The same people see them (`Invitation.objects.visible_to`)."""
    return can_manage_team_access(user, team)


def can_reset_authenticator(user: AnyUser, membership: Membership | None) -> bool:
    """Reset a member's lost authenticator: an administrator, or the leader of a team the person
    is an active member of. Never one's own (the two-factor page is for that), and a leader
    never resets an administrator's (staff manage each other)."""
    if membership is None or not is_active_person(user) or membership.user_id == user.pk:
        return False
    if not membership.is_active:
        return False
    if user.is_staff:
        return True
    return not membership.user.is_staff and can_lead_team(user, membership.team)
