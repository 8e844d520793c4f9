"""Schemathesis over the whole API, through a real server, as a therapist and as a team leader:
a few hundred generated requests each, across every operation and method, valid and not. No
answer is a server error, and every answer keeps the published schema: its status documented,
its body and headers as described, its content type declared.

PostgreSQL only, where the service runs in production: the live server and a few hundred
requests are the slowest part of a pass, and CI runs them once."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from consultteam.accounts.services import api_token_issue
from tests.conftest import requires_postgres

pytestmark = [
    requires_postgres(),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EXAMPLES = 300
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _published_schema() -> schemathesis.schemas.BaseSchema:
    """The schema as /api/schema/ serves it (JSON round trip: it holds lazy strings)."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


@pytest.mark.parametrize("who", ["tara", "lena"])
def test_the_api_keeps_its_schema(world: SimpleNamespace, live_server, who: str) -> None:
    _, key = api_token_issue(user=getattr(world, who), name="schemathesis")
    headers = {"Authorization": f"Token {key}"}
    # Revoking tokens would end this run's own: that operation has its own tests.
    schema = _published_schema().exclude(path_regex="^/api/v1/auth/tokens/")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=schema.as_strategy())
    def request_and_check(case: Any) -> None:
        case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

    request_and_check()
