"""Access rows for the flags remembered on saved text and the team's language patterns.

The flag is raised on Tara's draft chain analysis: Tara (its author) may keep or dismiss it;
Lena and Sam read the draft (so its flags) but do not change it; Theo cannot see a draft
(404), nor can anyone outside Alpha. The patterns page is for Alpha's leader and supervisor;
other members (and administrators, who see every team) get 403, outsiders 404.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.matrix import API_SIGNED_OUT, SIGNED_OUT, Row, every


def _flag_id(world: SimpleNamespace) -> dict[str, Any]:
    from consultteam.textcheck.services import text_gate

    flags = text_gate(
        obj=world.tara_chain_draft,
        team=world.alpha,
        fields={"problem_behavior": "She was being manipulative in group."},
        by=world.tara,
    )
    return {"flag_id": flags[0].public_id}


def _flagged_object(world: SimpleNamespace) -> dict[str, Any]:
    _flag_id(world)
    return {"object_id": world.tara_chain_draft.public_id}


READERS = every(404, tara=200, lena=200, sam=200, **SIGNED_OUT)
WRITER = every(404, tara=200, lena=403, sam=403, **SIGNED_OUT)
API_WRITER = every(404, tara=200, lena=403, sam=403, **API_SIGNED_OUT)

ROWS: list[Row] = [
    Row(
        "team-patterns",
        "GET",
        every(403, lena=200, sam=200, olga=404, fern=404, **SIGNED_OUT),
        lambda world: {"team_id": world.alpha.public_id},
    ),
    Row("text-flags-of", "GET", READERS, _flagged_object),
    Row("text-flag-resolve", "GET", WRITER, _flag_id),
    # The matrix posts JSON, which a page form does not read: Tara's post is an empty form.
    Row("text-flag-resolve", "POST", {**WRITER, "tara": 400}, _flag_id),
    # Without ?object= there is nothing to list (tests/core/test_text_checks_in_use.py lists).
    Row("api-text-flag-list", "GET", every(400, **API_SIGNED_OUT)),
    Row("api-text-flag-resolve", "POST", API_WRITER, _flag_id, data={"status": "DISMISSED"}),
]
