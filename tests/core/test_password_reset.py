"""A forgotten password, with real mail (aiosmtpd): Django's own views and token; the same answer
for any address; the link works once; the new password never bypasses two-factor and ends every
session and API token; asking is rate-limited; the reset is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from consultteam.accounts.models import ApiToken, UserSession
from consultteam.accounts.services import api_token_issue
from consultteam.audit.models import Action, AuditEvent
from tests.authenticator import enrolled
from tests.core.mail_links import link_in, parts, sent

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password/reset/"
NEW_PASSWORD = "harbour-lamplight-steady-83"


def ask(client: Client, email: str):
    return client.post(RESET_URL, {"email": email})


def test_the_same_answer_whether_or_not_the_address_has_an_account(smtp, tara):
    known, unknown = ask(Client(), "tara@alpha.example"), ask(Client(), "nobody@example.org")

    assert (known.status_code, unknown.status_code) == (302, 302)
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/sent/"
    # Only the account's address gets mail, and it says nothing clinical: a link, what to do.
    (message,) = sent(smtp)
    assert message["To"] == "tara@alpha.example"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    assert "Alpha" not in body["text/plain"]


def test_the_link_sets_a_new_password_once_and_never_signs_in(smtp, tara):
    other = Client()
    other.force_login(tara)  # a session somewhere else, say one who learnt the old password
    api_token_issue(user=tara, name="script")
    ask(Client(), "tara@alpha.example")
    path = link_in(sent(smtp)[0], "/accounts/password/reset/")
    client = Client()

    form = client.get(path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "tara", "new_password2": "tara"})
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/done/"
    tara.refresh_from_db()
    assert tara.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session  # never signed in by the link
    assert not UserSession.objects.filter(user=tara).exists()
    assert other.get("/teams/").status_code == 302  # the other session is over
    assert not ApiToken.objects.filter(user=tara).exists()
    event = AuditEvent.objects.get(action=Action.UPDATE, fields=["password", "password_reset"])
    assert event.object_id == str(tara.public_id)
    assert event.actor_id == tara.pk
    # Used once: the same link shows a calm page, 410.
    again = Client().get(path, follow=True)
    assert again.status_code == 410
    assert "already been used, or it has expired" in again.content.decode()


def test_a_reset_never_bypasses_two_factor(smtp, tara):
    enrolled(tara)
    ask(Client(), "tara@alpha.example")
    path = link_in(sent(smtp)[0], "/accounts/password/reset/")
    client = Client()
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    signed_in = client.post(
        "/accounts/login/", {"username": "tara@alpha.example", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    held = client.get("/teams/")
    assert held.status_code == 302
    assert held["Location"].startswith("/accounts/two-factor/verify/")


def test_asking_is_rate_limited_for_any_address(smtp, settings, tara):
    settings.PASSWORD_RESETS_PER_HOUR = 2
    statuses = [ask(Client(), "tara@alpha.example").status_code for _ in range(3)]
    unknown = [ask(Client(), "nobody@example.org").status_code for _ in range(3)]

    # Per address typed, and per client address: the client address ran out first here.
    assert statuses == [302, 302, 429]
    assert unknown == [429, 429, 429]
    assert len(sent(smtp)) == 2


def test_bad_input_is_400(smtp):
    response = ask(Client(), "not an address")

    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()


def test_sign_in_and_locked_out_pages_link_to_the_reset(client):
    assert RESET_URL in client.get("/accounts/login/").content.decode()
    from django.template.loader import render_to_string

    locked = render_to_string("registration/locked_out.html", {"message": "Paused."})
    assert RESET_URL in locked
    assert "an administrator can set a new one" not in locked
