"""Access rules of the audit trail. Reads defer to `AuditEvent.objects.visible_to`."""

from __future__ import annotations

from consultteam.access import AnyUser, is_active_person, team_ids_of
from consultteam.teams.models import LEADER_ROLES


def can_view_audit_trail(user: AnyUser, _: object = None) -> bool:
    """Administrators, and team leaders (for their own team's events)."""
    if not is_active_person(user):
        return False
    return bool(user.is_staff) or team_ids_of(user, roles=LEADER_ROLES).exists()
