"""An API token never outlives what it was issued on: it expires, ends when unused for a while,
and ends at once on a new password, a deactivation (for good, even if the account comes back)
and a two-factor reset; turning two-factor on ends the tokens got on the password alone.
Each through the real authentication, with a message the owner can act on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consultteam.accounts.models import ApiToken
from consultteam.accounts.services import api_token_issue, two_factor_device
from consultteam.audit.models import Action, AuditEvent
from tests.authenticator import code_of, enrolled
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/auth/tokens/"
TOKEN_URL = "/api/v1/auth/token/"


def _get(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(LIST_URL)


def _age(token: ApiToken, **since: dt.timedelta) -> None:
    ApiToken.objects.filter(pk=token.pk).update(**{
        field: timezone.now() - ago for field, ago in since.items()
    })  # fmt: skip


def test_a_token_lasts_api_token_days(tara, settings):
    settings.API_TOKEN_DAYS = 30
    token, key = api_token_issue(user=tara, name="Laptop")

    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    assert _get(key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = _get(key)

    assert expired.status_code == 401
    assert "expired on" in expired.json()["detail"]
    assert "Get a new one" in expired.json()["detail"]


def test_a_token_unused_for_api_token_idle_days_ends(tara, settings):
    settings.API_TOKEN_IDLE_DAYS = 7
    used, used_key = api_token_issue(user=tara, name="Used yesterday")
    unused, unused_key = api_token_issue(user=tara, name="Never used")
    _age(used, created_at=dt.timedelta(days=20), last_used_at=dt.timedelta(days=1))
    _age(unused, created_at=dt.timedelta(days=8))

    assert _get(used_key).status_code == 200
    idle = _get(unused_key)
    assert idle.status_code == 401
    assert "7 days unused" in idle.json()["detail"]


def test_the_list_shows_last_use_and_when_each_token_stops(tara, settings):
    settings.API_TOKEN_IDLE_DAYS = 7
    token, key = api_token_issue(user=tara, name="Laptop")
    _age(token, last_used_at=dt.timedelta(days=2))

    (listed,) = _get(key).json()

    token.refresh_from_db()
    assert listed["last_used_at"] is not None
    assert listed["expires_at"] == token.expires_at.isoformat().replace("+00:00", "Z")
    ends = dt.datetime.fromisoformat(listed["ends_at"])
    # Used just now (by this very request, at most once a minute): idle end is 7 days away.
    assert dt.timedelta(days=6, hours=23) < ends - timezone.now() <= dt.timedelta(days=7)


def test_the_page_says_when_each_token_stops_and_which_ended(client, tara):
    api_token_issue(user=tara, name="Laptop")
    ended, _ = api_token_issue(user=tara, name="Old script")
    ApiToken.objects.filter(pk=ended.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(tara)

    page = client.get("/accounts/tokens/").content.decode()

    assert "Stops working" in page
    assert page.count("Ended ") == 1
    assert "Never" in page


def test_a_new_password_ends_every_token(client, tara):
    _, key = api_token_issue(user=tara, name="Laptop")
    client.force_login(tara)
    new_password = "a-new-and-longer-passphrase-42"

    changed = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert changed.status_code == 302
    assert _get(key).status_code == 401
    assert not tara.api_tokens.exists()
    assert AuditEvent.objects.filter(action=Action.REVOKE, object_type="accounts.apitoken").exists()


def test_a_password_set_anywhere_ends_the_tokens(tara):
    """The admin and commands set a password with `set_password` and save: the same rule."""
    _, key = api_token_issue(user=tara, name="Laptop")
    tara.set_password("set-by-an-administrator-77")
    tara.save()

    assert _get(key).status_code == 401


def test_other_changes_to_the_person_leave_tokens_alone(tara):
    _, key = api_token_issue(user=tara, name="Laptop")
    tara.display_name = "Tara V."
    tara.save()

    assert _get(key).status_code == 200


def test_deactivation_ends_tokens_for_good(tara):
    _, key = api_token_issue(user=tara, name="Laptop")
    tara.is_active = False
    tara.save()
    tara.is_active = True
    tara.save()

    refused = _get(key)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_turning_two_factor_on_ends_the_tokens_got_on_the_password_alone(tara):
    _, password_only = api_token_issue(user=tara, name="Before")
    device, _ = enrolled(tara)
    with_code = APIClient().post(
        TOKEN_URL,
        {
            "email": tara.email,
            "password": PASSWORD,
            "name": "After",
            "code": code_of(device, ahead=1),
        },
        format="json",
    )

    assert _get(password_only).status_code == 401
    assert with_code.status_code == 201
    assert with_code.json()["second_factor"] is True
    assert _get(with_code.json()["key"]).status_code == 200


def test_a_two_factor_reset_ends_every_token(tara):
    device, _ = enrolled(tara)
    _, key = api_token_issue(user=tara, name="Laptop", second_factor=True)
    assert _get(key).status_code == 200

    device.delete()  # an administrator resets the person's two-factor sign-in

    assert two_factor_device(tara) is None
    assert _get(key).status_code == 401
