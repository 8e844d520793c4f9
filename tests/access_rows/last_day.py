"""Access rows for a member's last day (clinic/handover_views.py, clinic/handover_api.py): the
team's leader and administrators see the handover and end a membership; the team's other
members are refused (403); anyone outside the team, former members included, gets 404. The
writes are sent empty, so those allowed get 400 and nothing changes (the whole path is in
tests/clinic/test_last_day.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.matrix import API_SIGNED_OUT, SIGNED_OUT, Row, every


def theo_in_alpha(world: SimpleNamespace) -> dict[str, Any]:
    membership = world.theo.memberships.get(team=world.alpha)
    return {"team_id": world.alpha.public_id, "member_id": membership.public_id}


OUTSIDERS = {"olga": 404, "fern": 404}
LEADER_AND_ADMINS = every(403, lena=200, ada=200, **OUTSIDERS, **SIGNED_OUT)
API_LEADER_AND_ADMINS = every(403, lena=200, ada=200, **OUTSIDERS, **API_SIGNED_OUT)

ROWS: list[Row] = [
    Row("member-handover", "GET", LEADER_AND_ADMINS, theo_in_alpha),
    Row(
        "member-handover",
        "POST",
        every(403, lena=400, ada=400, **OUTSIDERS, **SIGNED_OUT),
        theo_in_alpha,
    ),
    Row("api-member-handover", "GET", API_LEADER_AND_ADMINS, theo_in_alpha),
    Row(
        "api-member-end",
        "POST",
        every(403, lena=400, ada=400, **OUTSIDERS, **API_SIGNED_OUT),
        theo_in_alpha,
    ),
    Row("api-member-end", "GET", every(405, olga=405, fern=405, **API_SIGNED_OUT), theo_in_alpha),
]
