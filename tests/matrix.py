"""Shared vocabulary of the access matrix (tests/test_access_matrix.py): the cast, the row
type and the usual expectations. Each area of the app adds its rows in tests/access_rows/.

    tara   therapist on Alpha (owns tara_case)   theo  her same-team colleague
    lena   Alpha's team leader                    sam   Alpha's supervisor
    olga   therapist on Beta (another team)       fern  former member of Alpha
    ivan   deactivated account on Alpha           ada   administrator (staff), on no team
    anon   not signed in
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

WHO = ["tara", "theo", "lena", "sam", "olga", "fern", "ivan", "ada", "anon"]
SIGNED_OUT = {"anon": 302, "ivan": 302}  # pages send them to sign in
API_SIGNED_OUT = {"anon": 401, "ivan": 401}  # the API challenges for a token


def every(status: int, **overrides: int) -> dict[str, int]:
    """The same answer for everyone but the named exceptions."""
    return {who: overrides.get(who, status) for who in WHO}


@dataclass(frozen=True)
class Row:
    """One route and method, the expected status for each of the cast, and how to build the
    URL's arguments from the world (tests/conftest.py `world`)."""

    route: str
    method: str
    expect: dict[str, int]
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = lambda world: {}
    data: dict[str, Any] | Callable[[SimpleNamespace], dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}"


PAGE = every(200, **SIGNED_OUT)
# Alpha's members (of any role) see it; another team and former members get 404.
MEMBERS_OF_ALPHA = every(200, olga=404, fern=404, ada=404, **SIGNED_OUT)
API_MEMBERS_OF_ALPHA = every(200, olga=404, fern=404, ada=404, **API_SIGNED_OUT)
