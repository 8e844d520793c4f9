"""Who may read the audit trail: administrators all of it, a team leader their team's events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from consultteam.access import AnyUser
    from consultteam.audit.models import AuditEvent  # noqa: F401 (quoted generic below)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: AnyUser) -> AuditEventQuerySet:
        """Staff read every event; a team leader those of the teams they lead (a compiled
        read, by team, on the trail's own index)."""
        from consultteam import access

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(led_by(user.pk))


def led_by(person: int, *, compiled: bool = True) -> Q:
    """The events of the teams ``person`` leads: what a team leader who is not staff reads (the
    membership read compiled, or its ORM definition for a compiled read's builder)."""
    from consultteam import access
    from consultteam.teams.models import LEADER_ROLES

    teams = access.member_team_ids.subquery(compiled=compiled, person=person, roles=LEADER_ROLES)
    return Q(team_id__in=teams)
