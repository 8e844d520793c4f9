"""The API token lookup compiled once answers what its ORM definition answers: the same token,
the same user in every field (converted as the ORM converts them), the same two-factor facts,
and nothing for a key nobody holds."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultteam.accounts import token_lookup
from consultteam.accounts.models import ApiToken
from consultteam.accounts.services import api_token_for_key, api_token_hash, api_token_issue

pytestmark = pytest.mark.django_db


def _fields(obj: Model) -> dict[str, object]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _defined(key: str) -> dict[str, object]:
    """What the ORM's own definition of the lookup gives, column by column."""
    row = token_lookup.token_row.queryset(key_hash=api_token_hash(key)).get()
    return dict(row)


FACTS = ("user_is_member", "user_has_device")


def _facts(token: ApiToken) -> tuple[object, ...]:
    return tuple(getattr(token, fact) for fact in FACTS)


def _as_found(key: str) -> dict[str, object]:
    token = api_token_for_key(key)
    assert token is not None
    found = {**_fields(token), **{f"user__{k}": v for k, v in _fields(token.user).items()}}
    return {**found, **{fact: getattr(token, fact) for fact in FACTS}}


def test_a_member_with_an_authenticator_is_found_with_both_facts(tara):
    TOTPDevice.objects.create(user=tara, name="Phone", confirmed=True)
    tara.last_login = timezone.now()
    tara.save(update_fields=["last_login"])
    token, key = api_token_issue(user=tara, name="Laptop")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now(), last_used_ip="::1")

    found = api_token_for_key(key)
    assert found is not None
    assert (found.pk, found.user.pk) == (token.pk, tara.pk)
    assert _facts(found) == (True, True)
    assert _as_found(key) == {
        **_defined(key),
        "user_is_member": True,
        "user_has_device": True,
    }
    # Real objects, as the ORM would give them: saved without surprise, typed as declared.
    assert found.user.last_login == tara.last_login
    assert found.public_id == token.public_id
    found.user.save(update_fields=["display_name"])
    assert not found._state.adding
    assert found._state.db == "default"


def test_someone_on_no_team_without_an_authenticator_has_neither_fact(ada):
    _, key = api_token_issue(user=ada, name="Script")
    found = api_token_for_key(key)
    assert found is not None
    assert _facts(found) == (False, False)
    assert _as_found(key) == {**_defined(key), "user_is_member": False, "user_has_device": False}


def test_an_unconfirmed_authenticator_and_a_former_membership_do_not_count(tara):
    TOTPDevice.objects.create(user=tara, name="Phone", confirmed=False)
    tara.memberships.update(is_active=False)
    _, key = api_token_issue(user=tara, name="Laptop")
    found = api_token_for_key(key)
    assert found is not None
    assert _facts(found) == (False, False)


def test_an_unknown_or_revoked_key_finds_nothing(tara):
    token, key = api_token_issue(user=tara, name="Laptop")
    assert api_token_for_key("not-a-key-anyone-holds") is None
    token.delete()
    assert api_token_for_key(key) is None


def test_two_people_share_one_compiled_text_with_no_key_in_it(tara, olga):
    _, tara_key = api_token_issue(user=tara, name="Laptop")
    _, olga_key = api_token_issue(user=olga, name="Laptop")
    assert api_token_for_key(tara_key).user == tara  # type: ignore[union-attr]
    assert api_token_for_key(olga_key).user == olga  # type: ignore[union-attr]
    (text,) = token_lookup.token_row._texts.values()
    sql, params = text.sql, text.params
    assert api_token_hash(tara_key) not in params
    assert api_token_hash(olga_key) not in params
    assert api_token_hash(tara_key) not in sql
