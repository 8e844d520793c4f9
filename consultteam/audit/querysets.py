"""Who may read the audit trail: administrators all of it, a team leader their team's events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from consultteam.access import AnyUser
    from consultteam.audit.models import AuditEvent  # noqa: F401 (quoted generic below)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: AnyUser) -> AuditEventQuerySet:
        """Staff read every event; a team leader those of the teams they lead (a compiled
        read, by team, on the trail's own index)."""
        from consultteam import access
        from consultteam.teams.models import LEADER_ROLES

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(team_id__in=access.team_ids_subquery(user, roles=LEADER_ROLES))
