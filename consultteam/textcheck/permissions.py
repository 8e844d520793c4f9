"""Every access rule of the text checks.

Checking a text stores nothing and shows nothing but the caller's own text back, so any
signed-in, active person may do it. A team's own rules are that team's business: only its
active members may have their text checked against them.
"""

from __future__ import annotations

import uuid

from consultteam.access import AnyUser, is_active_person, team_ids_of
from consultteam.teams.models import Team


def can_check_text(user: AnyUser, _: None = None) -> bool:
    """Any signed-in, active person. No side effects."""
    return is_active_person(user)


def team_for_text_check(user: AnyUser, team_id: uuid.UUID) -> Team | None:
    """The team whose rules ``user`` may add to a check: one where they are an active member,
    else None (the API answers 404, as for a team that does not exist). One query."""
    return Team.objects.filter(pk__in=team_ids_of(user), public_id=team_id).first()
