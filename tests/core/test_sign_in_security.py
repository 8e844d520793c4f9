"""Lockout after repeated failures (page and API together), the audit of sign-in, and the limits
on sessions: idle and absolute timeouts, sign-out everywhere, password change."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from rest_framework.test import APIClient

from consultteam.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from consultteam.accounts.models import UserSession
from consultteam.audit.models import Action, AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"
WRONG = "Wrong-Password-4711"
LOCKED = "Too many failed sign-ins. Try again in 15 minutes, or ask an administrator."


def _page_sign_in(client, email, password):
    return client.post(LOGIN_URL, {"username": email, "password": password})


def _api_sign_in(email, password):
    return APIClient().post(TOKEN_URL, {"email": email, "password": password}, format="json")


def _fail_until_locked(client, email, limit):
    responses = [_page_sign_in(client, email, WRONG) for _ in range(limit)]
    assert all(response.status_code == 200 for response in responses[:-1])
    return responses[-1]


def _cool_off_passes():
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))


# --- Lockout ----------------------------------------------------------------------------------


def test_page_locks_out_after_the_limit_then_refuses_the_right_password(client, tara, settings):
    locked = _fail_until_locked(client, "tara@alpha.example", settings.AXES_FAILURE_LIMIT)

    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    again = _page_sign_in(client, "tara@alpha.example", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_password_works_again_after_the_cool_off(client, tara, settings):
    _fail_until_locked(client, "tara@alpha.example", settings.AXES_FAILURE_LIMIT)
    _cool_off_passes()

    assert _page_sign_in(client, "tara@alpha.example", PASSWORD).status_code == 302


def test_unknown_email_locks_out_the_same_way(client, tara, settings):
    known = _fail_until_locked(client, "tara@alpha.example", settings.AXES_FAILURE_LIMIT)
    unknown = _fail_until_locked(client, "nobody@alpha.example", settings.AXES_FAILURE_LIMIT)

    assert known.status_code == unknown.status_code == 429
    assert LOCKED in unknown.content.decode()
    assert "tara@alpha.example" not in known.content.decode()


def test_lockout_is_per_email_and_address(client, tara, theo, settings):
    _fail_until_locked(client, "tara@alpha.example", settings.AXES_FAILURE_LIMIT)
    assert _page_sign_in(client, "theo@alpha.example", PASSWORD).status_code == 302


def test_case_of_the_email_does_not_reset_the_count(client, tara, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _page_sign_in(client, "tara@alpha.example" if n % 2 else "TARA@Alpha.example", WRONG)
    assert _page_sign_in(client, "Tara@alpha.example", WRONG).status_code == 429


def test_success_clears_the_count(client, tara, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _page_sign_in(client, "tara@alpha.example", WRONG)
    assert _page_sign_in(client, "tara@alpha.example", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert _page_sign_in(client, "tara@alpha.example", WRONG).status_code == 200


def test_token_endpoint_locks_out_and_refuses_the_right_password(tara, settings):
    answers = [
        _api_sign_in("tara@alpha.example", WRONG) for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert [a.status_code for a in answers[:-1]] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1].status_code == 429
    assert answers[-1].json() == {"detail": LOCKED}
    assert answers[-1]["Retry-After"] == "900"
    right = _api_sign_in("tara@alpha.example", PASSWORD)
    assert right.status_code == 429
    assert "key" not in right.json()
    _cool_off_passes()
    assert _api_sign_in("tara@alpha.example", PASSWORD).status_code == 201


def test_page_and_api_failures_count_together(client, tara, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _page_sign_in(client, "tara@alpha.example", WRONG)

    assert _api_sign_in("Tara@Alpha.example", WRONG).status_code == 429
    assert _page_sign_in(client, "tara@alpha.example", PASSWORD).status_code == 429


def test_api_success_clears_the_count(client, tara, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _page_sign_in(client, "tara@alpha.example", WRONG)
    assert _api_sign_in("tara@alpha.example", PASSWORD).status_code == 201
    assert _page_sign_in(client, "tara@alpha.example", WRONG).status_code == 200


# --- Audit of sign-in -------------------------------------------------------------------------


def test_sign_in_and_out_are_audited(client, tara):
    _page_sign_in(client, "tara@alpha.example", PASSWORD)
    client.post("/accounts/logout/")

    events = AuditEvent.objects.filter(action__in=[Action.LOGIN, Action.LOGOUT]).order_by("id")
    assert [(e.action, e.actor_id, e.object_id) for e in events] == [
        (Action.LOGIN, tara.pk, str(tara.public_id)),
        (Action.LOGOUT, tara.pk, str(tara.public_id)),
    ]
    # last_login is bookkeeping of the sign-in, not a change to the account.
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists()


def test_failures_and_lockout_are_audited_without_what_was_typed(client, tara, settings):
    limit = settings.AXES_FAILURE_LIMIT
    _fail_until_locked(client, "Tara@Alpha.example", limit)
    _fail_until_locked(client, "nobody@alpha.example", limit)
    # Refused while locked out: recorded as a failure and, again, a lockout.
    _page_sign_in(client, "tara@alpha.example", PASSWORD)
    _cool_off_passes()
    for _ in range(limit):
        _api_sign_in("tara@alpha.example", WRONG)

    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED)
    lockouts = AuditEvent.objects.filter(action=Action.LOCKOUT)
    # Known account: named by its public id; unknown email: no object at all.
    assert failed.filter(object_id=str(tara.public_id)).count() == 2 * limit + 1
    assert failed.filter(object_id="", object_type="").count() == limit
    assert lockouts.filter(object_id=str(tara.public_id)).count() == 3
    assert lockouts.filter(object_id="").count() == 1
    assert not failed.exclude(actor=None).exists()

    typed = ["tara@alpha.example", "nobody@alpha.example", WRONG.lower(), PASSWORD.lower()]
    text_fields = [f for f in AuditEvent._meta.concrete_fields if f.name != "id"]
    for event in AuditEvent.objects.all():
        for field in text_fields:
            value = str(getattr(event, field.attname)).lower()
            assert not any(secret in value for secret in typed), (event, field.name)


# --- Session limits ---------------------------------------------------------------------------


def _shift(client, key, **delta):
    session = client.session
    session[key] -= dt.timedelta(**delta).total_seconds()
    session.save()


def test_idle_session_is_signed_out_with_a_message(client, tara):
    client.force_login(tara)
    _shift(client, LAST_SEEN_AT, minutes=16)

    response = client.get("/", follow=True)

    assert response.redirect_chain[0][0].startswith(LOGIN_URL)
    assert "You were signed out after 15 minutes without activity." in response.content.decode()
    assert not UserSession.objects.filter(user=tara).exists()
    assert AuditEvent.objects.filter(action=Action.LOGOUT, actor=tara).count() == 1


def test_session_is_signed_out_after_the_absolute_limit_however_active(client, tara):
    client.force_login(tara)
    _shift(client, SIGNED_IN_AT, hours=12, seconds=1)

    response = client.get("/", follow=True)

    assert response.redirect_chain[0][0].startswith(LOGIN_URL)
    assert "a session lasts at most 12 hours" in response.content.decode()


def test_active_session_stays_and_its_last_seen_moves(client, tara):
    client.force_login(tara)
    _shift(client, LAST_SEEN_AT, minutes=14)
    _shift(client, SIGNED_IN_AT, hours=11)
    before = UserSession.objects.get(user=tara).last_seen_at

    assert client.get("/").status_code == 200
    assert UserSession.objects.get(user=tara).last_seen_at > before
    # The idle clock restarted: the same shift again is still inside the limit.
    _shift(client, LAST_SEEN_AT, minutes=14)
    assert client.get("/").status_code == 200


def test_idle_limit_applies_to_the_api_with_a_session(tara):
    api = APIClient()
    api.force_login(tara)
    assert api.get("/api/v1/auth/tokens/").status_code == 200
    _shift(api, LAST_SEEN_AT, minutes=16)

    assert api.get("/api/v1/auth/tokens/").status_code == 401


def test_idle_limit_is_configurable(client, tara, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(tara)
    _shift(client, LAST_SEEN_AT, minutes=16)

    assert client.get("/").status_code == 200


def test_a_timeout_ends_only_that_session(client, tara):
    other = type(client)()
    client.force_login(tara)
    other.force_login(tara)
    _shift(client, LAST_SEEN_AT, minutes=16)

    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 200


def test_sign_in_records_the_session(client, tara):
    _page_sign_in(client, "tara@alpha.example", PASSWORD)

    row = UserSession.objects.get(user=tara)
    assert row.session_key == client.session.session_key
    assert row.ip == "127.0.0.1"
    assert client.session.get_expiry_age() <= 12 * 3600


def test_sign_out_ends_every_session_of_the_person(client, tara, theo):
    laptop, phone, theos = client, type(client)(), type(client)()
    laptop.force_login(tara)
    phone.force_login(tara)
    theos.force_login(theo)
    phone_key = phone.session.session_key

    assert laptop.post("/accounts/logout/").status_code == 302

    assert phone.get("/").status_code == 302
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert not UserSession.objects.filter(user=tara).exists()
    assert theos.get("/").status_code == 200


def test_password_change_keeps_this_session_and_ends_the_others(client, tara):
    phone = type(client)()
    client.force_login(tara)
    phone.force_login(tara)
    phone_key = phone.session.session_key
    new_password = "a-new-and-longer-passphrase-42"

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
        follow=True,
    )

    assert response.redirect_chain == [("/", 302)]
    assert "Your password is changed." in response.content.decode()
    assert client.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert list(UserSession.objects.filter(user=tara).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    tara.refresh_from_db()
    assert tara.check_password(new_password)


def test_password_change_enforces_the_validators(client, tara):
    client.force_login(tara)

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short-9", "new_password2": "short-9"},
    )

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode()
    )
    tara.refresh_from_db()
    assert tara.check_password(PASSWORD)


def test_password_change_page_needs_sign_in(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
