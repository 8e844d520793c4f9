"""Access rows for a team's own language rules.

Alpha's members (any role) read the page and the list; only Lena, its leader, adds, changes or
deactivates a rule; everyone else who can see the team (Ada, who sees every team) gets 403 on
the page, outsiders 404. The rule is one of Alpha's, added by Lena through the service.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.matrix import API_SIGNED_OUT, SIGNED_OUT, Row, every

BODY: dict[str, Any] = {
    "category": "PEJORATIVE_LABEL",
    "phrases": ["no-call no-show*"],
    "suggestion": "Say which session was missed and what got in the way of calling.",
    "assumptions": ["DOING_BEST_THEY_CAN"],
}


def _alpha(world: SimpleNamespace) -> dict[str, Any]:
    return {"team_id": world.alpha.public_id}


def _rule(world: SimpleNamespace) -> Any:
    from consultteam.textcheck.services import language_rule_add

    return language_rule_add(team=world.alpha, by=world.lena, **BODY)


def _alpha_rule(world: SimpleNamespace) -> dict[str, Any]:
    return {"team_id": world.alpha.public_id, "rule_id": _rule(world).public_id}


def _rule_id(world: SimpleNamespace) -> dict[str, Any]:
    return {"rule_id": _rule(world).public_id}


READERS = every(200, olga=404, fern=404, ada=403, **SIGNED_OUT)
LEADER = every(403, olga=404, fern=404, **SIGNED_OUT)
API_READERS = every(200, olga=404, fern=404, ada=404, **API_SIGNED_OUT)
API_LEADER = every(403, olga=404, fern=404, ada=404, **API_SIGNED_OUT)

ROWS: list[Row] = [
    Row("team-language-rules", "GET", READERS, _alpha),
    # The matrix posts JSON, which a page form does not read: Lena's post is an empty form.
    Row("team-language-rules", "POST", {**LEADER, "lena": 400}, _alpha),
    Row("team-language-rule-edit", "GET", {**LEADER, "lena": 200}, _alpha_rule),
    Row("team-language-rule-edit", "POST", {**LEADER, "lena": 400}, _alpha_rule),
    Row("team-language-rule-deactivate", "POST", {**LEADER, "lena": 302}, _alpha_rule),
    Row("team-language-rule-deactivate", "GET", every(405, **SIGNED_OUT), _alpha_rule),
    # The list needs ?team= (tests/core/test_team_language_rules.py lists with it).
    Row("api-language-rule-list", "GET", every(400, **API_SIGNED_OUT)),
    Row(
        "api-language-rule-list",
        "POST",
        {**API_LEADER, "lena": 201},
        data=lambda world: {**BODY, "team": str(world.alpha.public_id)},
    ),
    Row("api-language-rule-detail", "GET", API_READERS, _rule_id),
    Row(
        "api-language-rule-detail",
        "PATCH",
        {**API_LEADER, "lena": 200},
        _rule_id,
        data={"is_active": False},
    ),
]
