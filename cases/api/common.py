"""What the clinical record's API views share: the team and people a request body names, the
identifier override taken out of a body, and what a list line shows of the rows joined to it.
Every app's API helpers (request bodies, `person`, a 400 on a field) are in consultteam/web/api.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import OpenApiResponse

from cases.models import Case
from consultteam.access import AnyUser
from consultteam.accounts.models import User
from consultteam.teams.models import Team
from consultteam.web.api import invalid, one_named

STALE = OpenApiResponse(
    description="Someone saved the chain analysis after the version you name: reload first."
)

# What a line of the TIB log or of the chain analyses shows of the rows joined to it.
RECORD_JOINS = (
    "team__public_id",
    "case__public_id",
    "case__code",
    "author__public_id",
    "author__display_name",
)


def team_named(user: AnyUser, team_id: uuid.UUID | None, case: Case | None) -> Team:
    """The team a request body names (or the case's team when it names a case only), among
    the caller's; 400 for another team, or for a case of another team."""
    if team_id is None:
        assert case is not None  # the input serializer asks for one or the other
        return case.team
    team = one_named(Team.objects.visible_to(user), team_id, field="team", what="team")
    if case is not None and case.team_id != team.pk:
        raise invalid("team", "The case belongs to another team.")
    return team


def active_person(user_id: uuid.UUID, field: str) -> User:
    """The active person a request body names in ``field`` (else 400 on it)."""
    return one_named(
        User.objects.filter(is_active=True), user_id, field=field, what="active person"
    )


def take_override(data: dict[str, Any]) -> str | None:
    """Take the identifier override out of a validated body (it is not a field of the record).
    Changes ``data``."""
    return data.pop("identifier_override", None) or None
