"""Who may read the audit trail: administrators all of it, a team leader their team's events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from consultteam.access import AnyUser
    from consultteam.audit.models import AuditEvent  # noqa: F401 (quoted generic below)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: AnyUser) -> AuditEventQuerySet:
        from consultteam import access
        from consultteam.teams.models import Role

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(team_id__in=access.team_ids_subquery(user, roles=[Role.TEAM_LEADER]))
