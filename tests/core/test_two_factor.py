"""Two-factor sign-in: enrolment with a QR code and one valid code, the second step after the
password, replay and throttling, recovery codes, the REQUIRE_TWO_FACTOR requirement on pages and
API, and the token endpoint's code. Codes come from django-otp's own TOTP function and the
device's key: the real algorithm, no mocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from consultteam.accounts import two_factor
from consultteam.accounts.models import RecoveryCode
from consultteam.accounts.services import (
    api_token_issue,
    recovery_code_hash,
)
from consultteam.audit.models import Action, AuditEvent
from tests.authenticator import SETUP_URL, code_of, enrolled
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
VERIFY_URL = "/accounts/two-factor/verify/"
TOKEN_URL = "/api/v1/auth/token/"


def wait_out_the_throttle(device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    )


def password_step(client: Client, user, **extra) -> None:
    response = client.post(LOGIN_URL, {"username": user.email, "password": PASSWORD}, **extra)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def otp_failures(user) -> list[list[str]]:
    return [
        event.fields
        for event in AuditEvent.objects.filter(
            action=Action.LOGIN_FAILED, object_id=str(user.public_id)
        ).order_by("pk")
    ]


# --- Enrolment --------------------------------------------------------------------------------


def test_setup_page_shows_a_qr_code_and_the_secret(client, tara):
    client.force_login(tara)

    response = client.get(SETUP_URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=tara)
    assert not device.confirmed
    assert two_factor.secret_for_manual_entry(device) in page
    # The CSP allows no inline script or style; the QR code is an image, not markup with style.
    assert "<script" not in page
    assert "style=" not in page
    # A reload shows the same secret (the app may already hold it).
    assert two_factor.secret_for_manual_entry(device) in client.get(SETUP_URL).content.decode()
    assert TOTPDevice.objects.filter(user=tara).count() == 1


def test_enrolment_needs_one_valid_code(client, tara):
    client.force_login(tara)
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=tara)

    wrong = client.post(SETUP_URL, {"code": "000000" if code_of(device) != "000000" else "111111"})

    assert wrong.status_code == 400
    assert "That code is not valid" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert otp_failures(tara) == [["otp"]]

    wait_out_the_throttle(device)
    right = client.post(SETUP_URL, {"code": code_of(device)})

    assert right.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    page = right.content.decode()
    assert "Two-factor sign-in is on" in page
    stored = set(RecoveryCode.objects.filter(user=tara).values_list("code_hash", flat=True))
    shown = [code for code in right.context["codes"]]
    assert len(shown) == len(stored) == 10
    # Stored hashed: the codes themselves are nowhere in the database.
    assert {recovery_code_hash(code) for code in shown} == stored
    assert not stored & set(shown)
    for code in shown:
        assert code in page
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_id=str(tara.public_id), fields=["two_factor"]
    ).exists()
    # The session that enrolled counts as verified; the page now shows the state.
    assert client.session[two_factor.STATE_KEY] == two_factor.VERIFIED
    assert "unused recovery codes" in client.get(SETUP_URL).content.decode()


def test_a_code_without_the_qr_step_is_refused_with_a_message(client, tara):
    client.force_login(tara)

    response = client.post(SETUP_URL, {"code": "123456"})

    assert response.status_code == 409
    assert "Start again" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=tara, confirmed=True).exists()


def test_enrolment_signs_out_the_other_sessions(tara):
    elsewhere = Client()
    password_step(elsewhere, tara)
    here = Client()
    password_step(here, tara)
    here.get(SETUP_URL)

    here.post(SETUP_URL, {"code": code_of(TOTPDevice.objects.get(user=tara))})

    assert elsewhere.get("/").status_code == 302
    assert "_auth_user_id" not in elsewhere.session
    assert here.get("/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, tara):
    _device, old_codes = enrolled(tara)
    client.force_login(tara)  # the force_login bypasses the page; mark the session as verified
    session = client.session
    session[two_factor.STATE_KEY] = two_factor.VERIFIED
    session.save()

    response = client.post(SETUP_URL, {"renew_recovery_codes": "1"})

    new_codes = response.context["codes"]
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    stored = set(RecoveryCode.objects.filter(user=tara).values_list("code_hash", flat=True))
    assert stored == {recovery_code_hash(code) for code in new_codes}


# --- The second step of signing in ------------------------------------------------------------


def test_an_enrolled_person_gives_a_code_after_the_password(client, tara):
    device, _ = enrolled(tara)

    password_step(client, tara)

    assert client.session[two_factor.STATE_KEY] == two_factor.PENDING
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == f"{VERIFY_URL}?next=%2F"
    caseload = client.get("/cases/")
    assert caseload.status_code == 302
    assert caseload["Location"].startswith(VERIFY_URL)
    api = client.get("/api/v1/teams/")
    assert api.status_code == 403
    assert "code from your authenticator" in api.json()["detail"]
    # The sessions page too: a password alone shows nothing of the account.
    assert client.get("/accounts/sessions/").status_code == 302
    assert client.get(VERIFY_URL).status_code == 200

    # The enrolment used the current step's code; the app's next one is due.
    done = client.post(VERIFY_URL, {"code": code_of(device, ahead=1), "next": "/cases/"})

    assert done.status_code == 302
    assert done["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/v1/teams/").status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.LOGIN, object_id=str(tara.public_id), fields=["otp"]
    ).exists()


def test_verify_does_not_send_anyone_off_site(client, tara):
    device, _ = enrolled(tara)
    password_step(client, tara)

    done = client.post(
        VERIFY_URL, {"code": code_of(device, ahead=1), "next": "https://evil.example/"}
    )

    assert done["Location"] == "/"


def test_wrong_codes_are_refused_audited_and_throttled(client, tara):
    device, _ = enrolled(tara)
    password_step(client, tara)
    right = code_of(device, ahead=1)
    wrong = "000000" if right != "000000" else "111111"

    first = client.post(VERIFY_URL, {"code": wrong})
    # Straight after a wrong code, even the right one is not checked: the wait doubles.
    second = client.post(VERIFY_URL, {"code": right})
    third = client.post(VERIFY_URL, {"code": "not-a-code"})

    assert first.status_code == 400
    assert "That code is not valid" in first.content.decode()
    assert second.status_code == 429
    assert "Too many wrong codes" in second.content.decode()
    assert third.status_code == 429
    assert client.session[two_factor.STATE_KEY] == two_factor.PENDING
    assert otp_failures(tara) == [["otp"], ["otp", "throttled"], ["otp", "throttled"]]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    wait_out_the_throttle(device)
    assert client.post(VERIFY_URL, {"code": right}).status_code == 302
    assert client.session[two_factor.STATE_KEY] == two_factor.VERIFIED


def test_a_used_code_cannot_be_replayed(tara):
    device, _ = enrolled(tara)
    code = code_of(device, ahead=1)
    first, second = Client(), Client()
    password_step(first, tara)
    password_step(second, tara)

    assert first.post(VERIFY_URL, {"code": code}).status_code == 302
    replay = second.post(VERIFY_URL, {"code": code})

    assert replay.status_code == 400
    assert second.session[two_factor.STATE_KEY] == two_factor.PENDING
    assert otp_failures(tara) == [["otp"]]


def test_a_recovery_code_works_once(tara):
    _device, codes = enrolled(tara)
    first, second = Client(), Client()
    password_step(first, tara)
    password_step(second, tara)

    used = first.post(VERIFY_URL, {"code": codes[0].upper().replace("-", " ")}, follow=True)

    assert used.status_code == 200
    assert "You signed in with a recovery code" in used.content.decode()
    assert "9 left" in used.content.decode()
    assert RecoveryCode.objects.filter(user=tara).count() == 9
    assert AuditEvent.objects.filter(
        action=Action.LOGIN, object_id=str(tara.public_id), fields=["otp", "recovery_code"]
    ).exists()
    assert second.post(VERIFY_URL, {"code": codes[0]}).status_code == 400
    assert second.session[two_factor.STATE_KEY] == two_factor.PENDING


def test_without_an_authenticator_the_verify_page_sends_you_on(client, tara):
    client.force_login(tara)

    response = client.get(VERIFY_URL)

    assert response.status_code == 302
    assert response["Location"] == "/"


# --- The requirement --------------------------------------------------------------------------


def test_requirement_off_lets_members_sign_in_with_a_password(client, tara, settings):
    settings.REQUIRE_TWO_FACTOR = False
    password_step(client, tara)

    assert client.get("/cases/").status_code == 200


def test_requirement_sends_an_unenrolled_member_to_enrolment(client, tara, settings):
    settings.REQUIRE_TWO_FACTOR = True
    password_step(client, tara)

    page = client.get("/cases/")
    api = client.get("/api/v1/teams/")

    assert page.status_code == 302
    assert page["Location"] == SETUP_URL
    assert api.status_code == 403
    assert "Two-factor sign-in is required" in api.json()["detail"]
    # What stays open: enrolment, the password page, signing out, health, the API docs.
    assert client.get(SETUP_URL).status_code == 200
    assert client.get("/accounts/password/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/schema/").status_code == 200

    device = TOTPDevice.objects.get(user=tara)
    assert client.post(SETUP_URL, {"code": code_of(device)}).status_code == 200
    assert client.get("/cases/").status_code == 200


def test_requirement_covers_staff_but_not_people_without_clinical_access(tara, ada, settings):
    settings.REQUIRE_TWO_FACTOR = True
    admin, outsider = Client(), Client()
    admin.force_login(ada)
    outsider.force_login(UserFactory.create(email="nobody@example.org"))

    assert admin.get("/").status_code == 302
    assert outsider.get("/").status_code == 200


def test_requirement_refuses_an_unenrolled_members_api_token(tara, settings):
    _token, key = api_token_issue(user=tara, name="Laptop")
    settings.REQUIRE_TWO_FACTOR = True
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    refused = api.get("/api/v1/teams/")
    enrolled(tara)
    ended = api.get("/api/v1/teams/")
    _token, with_code = api_token_issue(user=tara, name="Laptop", second_factor=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {with_code}")
    allowed = api.get("/api/v1/teams/")

    assert refused.status_code == 403
    assert "Two-factor sign-in is required" in refused.json()["detail"]
    # Enrolling ended the token got on the password alone; one got with a code works.
    assert ended.status_code == 401
    assert allowed.status_code == 200


# --- The token endpoint -----------------------------------------------------------------------


def _token_request(user, **extra):
    body = {"email": user.email, "password": PASSWORD, "name": "Laptop", **extra}
    return APIClient().post(TOKEN_URL, body, format="json")


def test_token_endpoint_needs_a_code_from_an_enrolled_person(tara, settings):
    settings.REQUIRE_TWO_FACTOR = True
    device, _ = enrolled(tara)

    missing = _token_request(tara)
    wrong_code = "000000" if code_of(device) != "000000" else "111111"
    wrong = _token_request(tara, code=wrong_code)
    wait_out_the_throttle(device)
    right = _token_request(tara, code=code_of(device, ahead=1))

    assert missing.status_code == 400
    assert "send the current code" in missing.json()["detail"]
    assert wrong.status_code == 400
    assert "That code is not valid" in wrong.json()["detail"]
    assert right.status_code == 201
    assert right.json()["key"]
    assert otp_failures(tara) == [["otp"]]
    # The failure is attributed to the person whose password was right.
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor_id == tara.pk


def test_token_endpoint_refuses_a_member_who_must_enrol(tara, settings):
    settings.REQUIRE_TWO_FACTOR = True

    refused = _token_request(tara)

    assert refused.status_code == 403
    assert "/accounts/two-factor/" in refused.json()["detail"]
    assert not tara.api_tokens.exists()


def test_token_endpoint_takes_a_recovery_code_once(tara):
    _device, codes = enrolled(tara)

    assert _token_request(tara, code=codes[3]).status_code == 201
    assert _token_request(tara, code=codes[3]).status_code == 400
