"""Who sees which team and membership: the only definition of read access for this app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from consultteam.access import AnyUser
    from consultteam.teams.models import Membership, Team  # noqa: F401 (quoted generics below)


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: AnyUser) -> TeamQuerySet:
        """Teams the user belongs to (active membership), teams granted to them or their
        groups one by one, and every team for staff (a team is not clinical material).
        Inactive people see none."""
        from consultteam import access
        from consultteam.teams.models import TeamGroupObjectPermission, TeamUserObjectPermission

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self
        granted = access.granted_ids(
            user.pk, TeamUserObjectPermission, TeamGroupObjectPermission, "view_team"
        )
        return self.filter(Q(pk__in=access.team_ids_subquery(user)) | Q(pk__in=granted))


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: AnyUser) -> MembershipQuerySet:
        """The rosters of the teams the user can see."""
        from consultteam.teams.models import Team

        return self.filter(team_id__in=Team.objects.visible_to(user).values("pk"))

    def current(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)
