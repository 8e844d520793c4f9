"""Access rows for the project's core: home, health, sign-in, teams, audit, reference, API
docs, tokens."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.matrix import API_SIGNED_OUT, PAGE, SIGNED_OUT, Row, every


def alpha_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"team_id": world.alpha.public_id}


def tara_token(world: SimpleNamespace) -> dict[str, Any]:
    return {"token_id": world.tara_token.public_id}


# Teams are not clinical: administrators see every team.
MEMBERS_OF_ALPHA = every(200, olga=404, fern=404, **SIGNED_OUT)
API_MEMBERS_OF_ALPHA = every(200, olga=404, fern=404, **API_SIGNED_OUT)
LEADERS_AND_ADMINS = every(403, lena=200, ada=200, **SIGNED_OUT)
# Changing a team (its settings, its members' roles): its leader and administrators; others on
# it 403, outsiders 404.
CHANGES_ALPHA_PAGE = every(403, lena=200, ada=200, olga=404, fern=404, **SIGNED_OUT)
CHANGES_ALPHA_API = every(403, lena=200, ada=200, olga=404, fern=404, **API_SIGNED_OUT)


def tara_membership(world: SimpleNamespace) -> dict[str, Any]:
    membership = world.tara.memberships.get(team=world.alpha)
    return {"team_id": world.alpha.public_id, "member_id": membership.public_id}


ROWS: list[Row] = [
    Row("home", "GET", PAGE),
    Row("healthz", "GET", every(200)),
    # For a Prometheus scraper's bearer token, never a session: with no METRICS_TOKEN configured
    # (the suite's case) there is no such endpoint for anyone (tests/core/test_metrics.py).
    Row("metrics", "GET", every(404)),
    Row(
        "login",
        "GET",
        every(200, tara=302, theo=302, lena=302, sam=302, olga=302, fern=302, ada=302),
    ),
    Row("logout", "POST", every(302)),
    Row("team-list", "GET", PAGE),
    Row("team-detail", "GET", MEMBERS_OF_ALPHA, alpha_kwargs),
    Row("audit-list", "GET", LEADERS_AND_ADMINS),
    Row("api-schema", "GET", every(200)),
    Row("api-docs", "GET", every(200)),
    Row("api-team-list", "GET", every(200, **API_SIGNED_OUT)),
    # Administrators start teams (tests/core/test_team_setup.py); its leader or an
    # administrator changes one; its leader or an administrator changes roles (test_roles.py).
    Row(
        "api-team-list",
        "POST",
        every(403, ada=201, **API_SIGNED_OUT),
        data={"name": "Gamma", "leader_email": "lena@alpha.example"},
    ),
    Row("api-team-detail", "PATCH", CHANGES_ALPHA_API, alpha_kwargs, data={"meeting_minutes": 60}),
    Row("api-team-detail", "PUT", every(405, **API_SIGNED_OUT), alpha_kwargs),
    Row(
        "api-team-member-detail",
        "PATCH",
        CHANGES_ALPHA_API,
        tara_membership,
        data={"role": "SUPERVISOR"},
    ),
    Row("api-team-member-detail", "GET", every(405, **API_SIGNED_OUT), tara_membership),
    Row("team-create", "GET", every(403, ada=200, **SIGNED_OUT)),
    Row("team-create", "POST", every(403, ada=400, **SIGNED_OUT)),
    Row("team-edit", "GET", CHANGES_ALPHA_PAGE, alpha_kwargs),
    Row("team-edit", "POST", {**CHANGES_ALPHA_PAGE, "lena": 400, "ada": 400}, alpha_kwargs),
    Row("team-member-role", "GET", CHANGES_ALPHA_PAGE, tara_membership),
    Row(
        "team-member-role", "POST", {**CHANGES_ALPHA_PAGE, "lena": 400, "ada": 400}, tara_membership
    ),
    Row("api-team-detail", "GET", API_MEMBERS_OF_ALPHA, alpha_kwargs),
    Row("api-team-detail", "DELETE", every(405, **API_SIGNED_OUT), alpha_kwargs),
    Row("api-team-members", "GET", API_MEMBERS_OF_ALPHA, alpha_kwargs),
    Row("api-audit-event-list", "GET", every(403, lena=200, ada=200, **API_SIGNED_OUT)),
    # Reference data (agreements, assumptions): any signed-in active person may read it.
    Row("reference-index", "GET", PAGE),
    Row("api-agreement-list", "GET", every(200, **API_SIGNED_OUT)),
    Row("api-agreement-list", "POST", every(403, **API_SIGNED_OUT), data={"code": "NEW"}),
    Row(
        "api-agreement-detail",
        "GET",
        every(200, **API_SIGNED_OUT),
        lambda world: {"code": "FALLIBILITY"},
    ),
    Row(
        "api-agreement-detail",
        "DELETE",
        every(403, **API_SIGNED_OUT),
        lambda world: {"code": "FALLIBILITY"},
    ),
    Row("api-assumption-list", "GET", every(200, **API_SIGNED_OUT)),
    Row(
        "api-assumption-detail",
        "GET",
        every(200, **API_SIGNED_OUT),
        lambda world: {"code": "DOING_BEST_THEY_CAN"},
    ),
    Row(
        "api-assumption-detail",
        "PUT",
        every(403, **API_SIGNED_OUT),
        lambda world: {"code": "DOING_BEST_THEY_CAN"},
        data={"statement": "changed"},
    ),
    # Sign-in and one's own API tokens (Tara owns the token in the world).
    Row("password-change", "GET", PAGE),
    Row("api-token-list", "GET", PAGE),
    Row("api-token-revoke", "POST", every(404, tara=302, **SIGNED_OUT), tara_token),
    Row("api-token-issue", "GET", every(405)),  # POST: tests/core/test_api_tokens.py
    Row("api-tokens", "GET", every(200, **API_SIGNED_OUT)),
    Row("api-token-detail", "DELETE", every(404, tara=204, **API_SIGNED_OUT), tara_token),
]
