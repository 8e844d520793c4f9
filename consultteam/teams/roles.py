"""Changing a member's standing role on their team (therapist, supervisor, trainee, team leader).

A team is never without a leader: the last active leader cannot be given another role until
someone else leads. The rotating roles of a meeting (observer, note-taker...) are the agendas
app's business. Every change is audited by the registry in apps.py (an UPDATE of the
membership naming the field `role`, never free text).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.teams.models import Membership, Role
from consultteam.teams.permissions import can_change_member_role


def other_leaders(membership: Membership) -> int:
    """How many active leaders with an active account the team has besides ``membership``'s
    person. Locks the team's leader rows, so two leaders demoting each other at the same moment
    cannot leave the team with none (the second waits and then sees the first's change)."""
    leaders = Membership.objects.select_for_update().filter(
        team_id=membership.team_id, role=Role.TEAM_LEADER, is_active=True, user__is_active=True
    )
    return sum(1 for leader in leaders if leader.pk != membership.pk)


def refuse_if_last_leader(membership: Membership, *, doing: str) -> None:
    """Conflict (409) when ``membership`` is its team's only active leader. ``doing`` names the
    change refused, as in "change Lena's role". Call inside the change's transaction."""
    if membership.role != Role.TEAM_LEADER or not membership.is_active:
        return
    if other_leaders(membership) == 0:
        name = membership.user.display_name
        raise Conflict(
            f"{name} is the team's only leader, so you cannot {doing}. Make another member "
            f"team leader first, then {doing}."
        )


@transaction.atomic
def membership_role_change(*, membership: Membership, by: User, role: Role | str) -> Membership:
    """Give the member ``role`` on their team. The team's leader or an administrator only.

    Refused with Conflict (409) for a former member, and for the team's last leader given any
    other role. Audited as an UPDATE of `role`. Safe to run twice: the same role again writes
    and records nothing.
    """
    if not can_change_member_role(by, membership.team):
        raise PermissionDenied("Only the team's leader or an administrator can change roles.")
    new_role = Role(role)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not membership.is_active:
        raise Conflict(
            f"{membership.user.display_name} has left the team; a former member has no role "
            "to change."
        )
    if membership.role == new_role:
        return membership
    if new_role != Role.TEAM_LEADER:
        refuse_if_last_leader(membership, doing=f"change {membership.user.display_name}'s role")
    membership.role = new_role
    membership.save(update_fields=["role"])
    return membership
