"""Per-person API tokens: issued for an email and password, listed and revoked by their owner
only, stored as a hash, refused with 401 (never 500) when malformed, unknown, revoked or the
account is inactive."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from rest_framework.test import APIClient

from consultteam.accounts.api import ApiTokenIssueThrottle
from consultteam.accounts.models import ApiToken
from consultteam.accounts.services import api_token_issue
from consultteam.audit.models import Action, AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ISSUE_URL = "/api/v1/auth/token/"
LIST_URL = "/api/v1/auth/tokens/"
GENERIC_FAILURE = "That email and password do not match an active account."


@pytest.fixture
def api():
    return APIClient()


def _with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _issue(api, email, password=PASSWORD, name="Laptop"):
    return api.post(ISSUE_URL, {"email": email, "password": password, "name": name}, format="json")


# --- Issuing ----------------------------------------------------------------------------------


def test_issue_answers_the_key_once_and_stores_only_its_hash(api, tara):
    response = _issue(api, "tara@alpha.example")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"key", "id", "name", "created_at", "expires_at", "second_factor"}
    assert body["second_factor"] is False
    assert body["name"] == "Laptop"
    token = ApiToken.objects.get(public_id=body["id"])
    assert token.user == tara
    assert token.key_hash == hashlib.sha256(body["key"].encode()).hexdigest()
    assert token.prefix == body["key"][:8]
    stored = [str(getattr(token, field.attname)) for field in ApiToken._meta.concrete_fields]
    assert not any(body["key"] in value for value in stored)


def test_email_is_matched_whatever_its_case(api, tara):
    assert _issue(api, "Tara@Alpha.EXAMPLE").status_code == 201


def test_name_is_optional(api, tara):
    response = api.post(
        ISSUE_URL, {"email": "tara@alpha.example", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["name"] == ""


@pytest.mark.parametrize("email", ["tara@alpha.example", "nobody@alpha.example"])
def test_wrong_password_gets_one_generic_answer(api, tara, email):
    response = _issue(api, email, password="not-the-password-1")

    assert response.status_code == 400
    assert response.json() == {"detail": GENERIC_FAILURE}
    assert not ApiToken.objects.exists()


def test_inactive_account_gets_the_generic_answer(api, tara):
    tara.is_active = False
    tara.save()

    response = _issue(api, "tara@alpha.example")

    assert response.status_code == 400
    assert response.json() == {"detail": GENERIC_FAILURE}


def test_missing_fields_are_a_400_naming_them(api):
    response = api.post(ISSUE_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_issue_ignores_a_stale_token_header(api, tara):
    api.credentials(HTTP_AUTHORIZATION="Token revoked-long-ago")
    assert _issue(api, "tara@alpha.example").status_code == 201


def test_issue_is_throttled_per_address(api, tara, monkeypatch):
    monkeypatch.setattr(ApiTokenIssueThrottle, "rate", "2/min")
    assert _issue(api, "tara@alpha.example").status_code == 201
    assert _issue(api, "tara@alpha.example").status_code == 201
    assert _issue(api, "tara@alpha.example").status_code == 429


def test_issue_is_audited_once_as_the_owner(api, tara):
    body = _issue(api, "tara@alpha.example").json()

    events = AuditEvent.objects.filter(object_type="accounts.apitoken", object_id=body["id"])
    assert [(event.action, event.actor_id) for event in events] == [(Action.CREATE, tara.pk)]


# --- Using a token ----------------------------------------------------------------------------


def test_key_authenticates_and_the_list_never_shows_keys(api, tara):
    key = _issue(api, "tara@alpha.example").json()["key"]

    response = _with_key(key).get(LIST_URL)

    assert response.status_code == 200
    [listed] = response.json()
    assert set(listed) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "ends_at",
        "second_factor",
        "last_used_at",
    }
    assert listed["prefix"] == key[:8]
    assert key not in response.content.decode()


def test_list_shows_only_ones_own_tokens(tara, theo):
    _, tara_key = api_token_issue(user=tara, name="Tara's laptop")
    api_token_issue(user=theo, name="Theo's phone")

    names = [row["name"] for row in _with_key(tara_key).get(LIST_URL).json()]

    assert names == ["Tara's laptop"]


def test_last_use_is_written_at_most_once_a_minute(tara, django_assert_num_queries):
    token, key = api_token_issue(user=tara, name="Laptop")
    client = _with_key(key)

    # 1: the token and its user by the key's hash; 2: the conditional UPDATE of last use;
    # 3: the list.
    with django_assert_num_queries(3):
        assert client.get(LIST_URL).status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert token.last_used_ip == "127.0.0.1"

    # Within the minute: 1: the token and its user; 2: the list. No write.
    with django_assert_num_queries(2):
        assert client.get(LIST_URL).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use


@pytest.mark.parametrize("header", ["Token", "Token a b", "Bearer x", "Token unknown-key"])
def test_malformed_or_unknown_token_is_401(tara, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(LIST_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"]


def test_revoked_token_is_401(tara):
    token, key = api_token_issue(user=tara, name="Laptop")
    token.delete()

    response = _with_key(key).get(LIST_URL)

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_inactive_users_token_is_401(tara):
    """Deactivating ends the tokens (tests/core/test_token_lifetimes.py); an account made
    inactive without a save (a bulk update) is still refused by the check itself."""
    _, key = api_token_issue(user=tara, name="Laptop")
    type(tara).objects.filter(pk=tara.pk).update(is_active=False)

    response = _with_key(key).get(LIST_URL)

    assert response.status_code == 401
    assert "inactive" in response.json()["detail"]


def test_token_requests_need_no_csrf_token(tara):
    token, key = api_token_issue(user=tara, name="Laptop")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert client.delete(f"{LIST_URL}{token.public_id}/").status_code == 204


def test_session_requests_still_need_a_csrf_token(tara):
    token, _ = api_token_issue(user=tara, name="Laptop")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(tara)

    assert client.delete(f"{LIST_URL}{token.public_id}/").status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


# --- Revoking ---------------------------------------------------------------------------------


def test_owner_revokes_a_token_and_its_key_stops_working(tara):
    token, key = api_token_issue(user=tara, name="Old phone")
    _, other_key = api_token_issue(user=tara, name="Laptop")

    response = _with_key(other_key).delete(f"{LIST_URL}{token.public_id}/")

    assert response.status_code == 204
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert _with_key(key).get(LIST_URL).status_code == 401
    revocations = AuditEvent.objects.filter(action=Action.REVOKE, object_id=str(token.public_id))
    assert [event.actor_id for event in revocations] == [tara.pk]


def test_someone_elses_token_is_404_and_survives(tara, olga):
    token, _ = api_token_issue(user=olga, name="Olga's laptop")
    _, tara_key = api_token_issue(user=tara, name="Laptop")

    response = _with_key(tara_key).delete(f"{LIST_URL}{token.public_id}/")

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert not AuditEvent.objects.filter(action=Action.REVOKE).exists()


def test_unknown_token_id_is_404(tara):
    _, key = api_token_issue(user=tara, name="Laptop")
    assert _with_key(key).delete(f"{LIST_URL}{uuid.uuid4()}/").status_code == 404


def test_anonymous_cannot_list(api):
    assert api.get(LIST_URL).status_code == 401


# --- The page ---------------------------------------------------------------------------------


def test_page_lists_own_tokens_with_a_revoke_button(client, tara, olga):
    token, key = api_token_issue(user=tara, name="Laptop")
    api_token_issue(user=olga, name="Olga's phone")
    client.force_login(tara)

    page = client.get("/accounts/tokens/").content.decode()

    assert "Laptop" in page
    assert token.prefix in page
    assert key not in page
    assert "Olga" not in page
    assert f"Revoke token “Laptop” ({token.prefix}…)" in page


def test_page_revokes_by_post(client, tara):
    token, _ = api_token_issue(user=tara, name="Laptop")
    client.force_login(tara)

    response = client.post(f"/accounts/tokens/{token.public_id}/revoke/", follow=True)

    assert response.redirect_chain == [("/accounts/tokens/", 302)]
    assert "is revoked" in response.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_page_revoke_is_post_only(client, tara):
    token, _ = api_token_issue(user=tara, name="Laptop")
    client.force_login(tara)

    assert client.get(f"/accounts/tokens/{token.public_id}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_page_cannot_revoke_someone_elses_token(client, tara, olga):
    token, _ = api_token_issue(user=olga, name="Olga's laptop")
    client.force_login(tara)

    assert client.post(f"/accounts/tokens/{token.public_id}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_page_needs_sign_in(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
