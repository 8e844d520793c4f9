"""The access matrix: every route of the project, by who is asking, with the expected answer.

Every URL pattern (admin excepted) must have at least one row; a new route without one fails
`test_every_route_has_a_row`. Rows live in tests/access_rows/ (one module per area) and name the
cast described in tests/matrix.py. Outsiders get 404 on details (never 403), and a refused write
changes no row.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_rows import all_rows
from tests.matrix import WHO, Row

MATRIX = all_rows()


def _client_for(who: str, world: SimpleNamespace) -> Client:
    client = Client()
    if who != "anon":
        client.force_login(getattr(world, who))
    return client


def _snapshot() -> dict[str, list[str]]:
    """Every row of the team, reference and clinical tables, to prove a refused write changed
    nothing (not even one field). Sign-in bookkeeping (sessions, tokens) is left out."""
    return {
        model._meta.label: sorted(map(repr, model._default_manager.values()))
        for model in apps.get_models()
        if model._meta.app_label in {"teams", "reference", "cases", "agendas", "reminders"}
    }


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_access_matrix(row: Row, world: SimpleNamespace) -> None:
    url = reverse(row.route, kwargs=row.kwargs(world))
    failures = []
    # Those who are refused go first, so a permitted delete cannot hide a refusal behind a 404.
    for who in sorted(WHO, key=lambda who: row.expect[who] < 400):
        client = _client_for(who, world)
        before = _snapshot()
        data = row.data(world) if callable(row.data) else row.data
        response = client.generic(
            row.method, url, data=json.dumps(data) if data else "", content_type="application/json"
        )
        if response.status_code != row.expect[who]:
            failures.append(f"{who}: expected {row.expect[who]}, got {response.status_code}")
        if row.method != "GET" and response.status_code >= 400:
            assert _snapshot() == before, f"{who}: a refused {row.method} changed rows"
    assert not failures, f"{row.id}: " + "; ".join(failures)


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
