"""The page-only middleware (consultteam/pages_only.py) is skipped for an API call without a
session cookie, and for nothing else. In pairs: a token client skips it, a browser's session
calling the same endpoint passes it (session, CSRF, idle limit); headers, request id and the
two-factor rule for tokens stay on both."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from consultteam.accounts.middleware import LAST_SEEN_AT
from consultteam.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/auth/tokens/"


def _token_client(person) -> APIClient:
    _, key = api_token_issue(user=person, name="Script")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_call_skips_the_session_and_messages(tara):
    response = _token_client(tara).get(TOKENS)

    assert response.status_code == 200
    request = response.wsgi_request
    assert not hasattr(request, "session")
    assert not hasattr(request, "_messages")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_a_session_call_to_the_api_reads_its_session(tara):
    client = APIClient()
    client.force_login(tara)

    response = client.get(TOKENS)

    assert response.status_code == 200
    request = response.wsgi_request
    assert request.session.session_key == client.session.session_key
    assert hasattr(request, "_messages")
    assert request.user == tara


def test_a_page_reads_its_session(client, tara):
    client.force_login(tara)

    response = client.get("/")

    assert response.status_code == 200
    assert response.wsgi_request.user == tara


def test_a_token_call_with_a_session_cookie_passes_every_middleware(tara):
    token_client = _token_client(tara)
    token_client.force_login(tara)

    response = token_client.get(TOKENS)

    assert response.status_code == 200
    assert hasattr(response.wsgi_request, "session")


def test_a_session_call_still_needs_its_csrf_token_and_a_token_call_none(tara):
    token, _ = api_token_issue(user=tara, name="Laptop")
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(tara)
    assert browser.delete(f"{TOKENS}{token.public_id}/").status_code == 403

    assert _token_client(tara).delete(f"{TOKENS}{token.public_id}/").status_code == 204


def test_an_idle_session_is_ended_on_the_api_and_a_token_is_not_a_session(tara):
    browser = APIClient()
    browser.force_login(tara)
    session = browser.session
    session[LAST_SEEN_AT] -= 16 * 60
    session.save()
    assert browser.get(TOKENS).status_code == 401

    assert _token_client(tara).get(TOKENS).status_code == 200


@pytest.mark.parametrize("as_token", [True, False], ids=["token", "session"])
def test_both_keep_the_security_headers_and_request_id(tara, as_token):
    if as_token:
        client: Client = _token_client(tara)
    else:
        client = APIClient()
        client.force_login(tara)

    response = client.get(TOKENS, HTTP_X_REQUEST_ID="bench-request-0001")

    assert response.status_code == 200
    assert response["X-Request-ID"] == "bench-request-0001"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_an_unenrolled_token_is_still_held_by_the_two_factor_rule(tara, settings):
    settings.REQUIRE_TWO_FACTOR = True

    response = _token_client(tara).get(TOKENS)

    assert response.status_code == 403
    assert "Two-factor sign-in is required" in response.json()["detail"]


def test_an_anonymous_api_call_is_refused_as_before(client):
    response = client.get(TOKENS)

    assert response.status_code == 401
    assert not hasattr(response.wsgi_request, "session")
