"""The API schema is served, documented and valid."""

from __future__ import annotations

import os

import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_valid(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI document
    assert "/api/v1/teams/" in schema["paths"]
    assert "/api/v1/audit-events/" in schema["paths"]


def test_docs_page_uses_no_inline_script(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html
    assert "swagger-ui" in html


def test_every_post_documents_the_idempotency_key(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    posts = [ops["post"] for ops in schema["paths"].values() if "post" in ops]
    assert len(posts) > 10
    for post in posts:
        names = [parameter["name"] for parameter in post.get("parameters", [])]
        assert "Idempotency-Key" in names, post["operationId"]
        assert {"409", "422"} <= set(post["responses"]), post["operationId"]


def test_the_schema_generates_without_a_warning():
    """A warning is a schema that guesses: two components named alike (a second `RoleEnum`),
    a field whose type it cannot tell. `spectacular --fail-on-warn` refuses both."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", os.devnull)
