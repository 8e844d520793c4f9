"""Who sees which team and membership: the only definition of read access for this app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from consultteam.compiled import PERSON, compiled_read

if TYPE_CHECKING:
    from consultteam.access import AnyUser
    from consultteam.teams.models import Invitation, Membership, Team  # noqa: F401 (quoted generics below)


@compiled_read(PERSON)
def visible_team_ids(*, person: int) -> models.QuerySet[Any, Any]:
    """Teams the person belongs to (active membership), and teams granted to them or their
    groups one by one."""
    from consultteam import access
    from consultteam.teams.models import TeamGroupObjectPermission, TeamUserObjectPermission

    return access.union_of(
        access.member_team_ids.queryset(person=person, roles=None),
        *access.grant_parts(
            person,
            TeamUserObjectPermission,
            TeamGroupObjectPermission,
            ["view_team"],
            team_of_object="pk",
        ),
    )


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: AnyUser) -> TeamQuerySet:
        """`visible_team_ids`, and every team for staff (a team is not clinical material).
        Inactive people see none."""
        from consultteam import access

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(pk__in=visible_team_ids(person=user.pk))


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: AnyUser) -> MembershipQuerySet:
        """The rosters of the teams the user can see (`TeamQuerySet.visible_to`)."""
        from consultteam import access

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(team_id__in=visible_team_ids(person=user.pk))

    def current(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def visible_to(self, user: AnyUser) -> InvitationQuerySet:
        """Invitations of the teams the user leads, and every team's for an administrator:
        the people who send, resend and revoke them (`can_manage_invitations`). An address and
        whether it was accepted are not for the rest of the team."""
        from consultteam import access
        from consultteam.teams.models import LEADER_ROLES

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(team_id__in=access.team_ids_subquery(user, LEADER_ROLES))

    def pending(self) -> InvitationQuerySet:
        """Neither accepted nor revoked (an expired one is still pending: it can be resent)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)
