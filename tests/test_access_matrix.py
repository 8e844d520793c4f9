"""The access matrix: every route of the project, by who is asking, with the expected answer.

Every URL pattern (admin excepted) must have at least one row here; a new route without one
fails `test_every_route_has_a_row`. Rows name the cast of tests/conftest.py:

    tara   therapist on Alpha            theo  her same-team colleague
    lena   Alpha's team leader           sam   Alpha's supervisor
    olga   therapist on another team     fern  former member of Alpha
    ivan   deactivated account on Alpha  ada   administrator (staff), on no team
    anon   not signed in

Outsiders get 404 on details (never 403), and a denied write changes no row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from consultteam.accounts.services import api_token_issue

WHO = ["tara", "theo", "lena", "sam", "olga", "fern", "ivan", "ada", "anon"]
SIGNED_OUT = {"anon": 302, "ivan": 302}  # pages send them to sign in
API_SIGNED_OUT = {"anon": 401, "ivan": 401}  # the API challenges for a token


def every(status: int, **overrides: int) -> dict[str, int]:
    return {who: overrides.get(who, status) for who in WHO}


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    expect: dict[str, int]
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = lambda world: {}
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}"


def alpha_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"team_id": world.alpha.public_id}


def tara_token(world: SimpleNamespace) -> dict[str, Any]:
    return {"token_id": world.tara_token.public_id}


PAGE = every(200, **SIGNED_OUT)
MEMBERS_OF_ALPHA = every(200, olga=404, fern=404, **SIGNED_OUT)
API_MEMBERS_OF_ALPHA = every(200, olga=404, fern=404, **API_SIGNED_OUT)
LEADERS_AND_ADMINS = every(403, lena=200, ada=200, **SIGNED_OUT)

MATRIX: list[Row] = [
    Row("home", "GET", PAGE),
    Row("healthz", "GET", every(200)),
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
    Row("api-team-list", "POST", every(405, **API_SIGNED_OUT), data={"name": "Gamma"}),
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
    Row("api-token-issue", "GET", every(405)),  # POST is tested in test_api_tokens.py
    Row("api-tokens", "GET", every(200, **API_SIGNED_OUT)),
    Row("api-token-detail", "DELETE", every(404, tara=204, **API_SIGNED_OUT), tara_token),
]


@pytest.fixture
def world(alpha, beta, tara, theo, lena, sam, olga, fern, ivan, ada) -> SimpleNamespace:
    cast = dict(locals())
    token, _key = api_token_issue(user=tara, name="Tara's laptop")
    return SimpleNamespace(**cast, tara_token=token)


def _client_for(who: str, world: SimpleNamespace) -> Client:
    client = Client()
    if who != "anon":
        client.force_login(getattr(world, who))
    return client


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "teams", "reference", "cases", "agendas"}
    }


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_access_matrix(row: Row, world: SimpleNamespace) -> None:
    url = reverse(row.route, kwargs=row.kwargs(world))
    failures = []
    # Those who are refused go first, so a permitted delete cannot hide a refusal behind a 404.
    for who in sorted(WHO, key=lambda who: row.expect[who] < 400):
        client = _client_for(who, world)
        before = _row_counts()
        response = client.generic(
            row.method, url, data=_encode(row.data), content_type="application/json"
        )
        if response.status_code != row.expect[who]:
            failures.append(f"{who}: expected {row.expect[who]}, got {response.status_code}")
        if row.method != "GET" and response.status_code >= 400:
            assert _row_counts() == before, f"{who}: a refused {row.method} changed rows"
    assert not failures, f"{row.id}: " + "; ".join(failures)


def _encode(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data) if data else ""


def _route_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            names |= _route_names(pattern)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
        elif isinstance(pattern, URLPattern):
            names.add(f"<unnamed {pattern.pattern}>")
    return names


def test_every_route_has_a_row() -> None:
    routes = _route_names(get_resolver())
    # DRF's format-suffix twins and router roots share a name with a covered route.
    covered = {row.route for row in MATRIX}
    missing = sorted(routes - covered)
    assert not missing, f"routes with no row in the access matrix: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "sees_alpha"),
    [
        ("tara", True),
        ("theo", True),
        ("lena", True),
        ("sam", True),
        ("ada", True),
        ("olga", False),
        ("fern", False),
    ],
)
def test_outsiders_never_see_alpha_in_a_list(who: str, sees_alpha: bool, world) -> None:
    client = _client_for(who, world)
    listed = {team["name"] for team in client.get(reverse("api-team-list")).json()}
    assert ("Alpha" in listed) is sees_alpha
    page = client.get(reverse("team-list")).content.decode()
    assert (">Alpha<" in page) is sees_alpha
