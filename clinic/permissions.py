"""Who may act on what the house composes across the apps. Each rule here defers to the rule of
the core it rests on, so there is still one definition of it."""

from __future__ import annotations

from consultteam.access import AnyUser
from consultteam.teams.models import Membership
from consultteam.teams.permissions import can_manage_team_access


def can_end_membership(user: AnyUser, membership: Membership | None) -> bool:
    """See what a member would hand over and end their membership (their last day on the team):
    the team's leader or an administrator, the same people who grant and revoke access to it
    (`can_manage_team_access`)."""
    return membership is not None and can_manage_team_access(user, membership.team)
