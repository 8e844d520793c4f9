"""Invitations, end to end with real mail (aiosmtpd): a team leader invites by email with a role;
the link works once, expires, can be revoked and resent; a new person sets a name and password
(Django's validators) and must enrol two-factor before anything else; an address with an
account joins only when signed in as it. Answers and emails never tell whether an address has
an account; everything is audited, never the token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from consultteam.accounts.models import User
from consultteam.audit.models import Action, AuditEvent
from consultteam.teams.models import Invitation, Membership, Role
from tests.authenticator import SETUP_URL, code_of
from tests.core.mail_links import link_in, parts, sent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern-orchard-quietly-47"


def invitations_url(team) -> str:
    return f"/teams/{team.public_id}/invitations/"


def invite(client: Client, team, email: str, role: str = "THERAPIST"):
    return client.post(invitations_url(team), {"email": email, "role": role})


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_of(path: str) -> str:
    match = re.fullmatch(r"/teams/invitations/([^/]+)/", path)
    assert match, path
    return match.group(1)


# --- Sending -----------------------------------------------------------------------------------


def test_a_leader_invites_by_email_and_the_mail_carries_a_single_link(smtp, alpha, lena):
    response = invite(signed_in(lena), alpha, "Nadia@Example.org", "THERAPIST")

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.team) == (
        "nadia@example.org",
        Role.THERAPIST,
        alpha,
    )
    (message,) = sent(smtp)
    assert message["To"] == "nadia@example.org"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    assert "Lena" in body["text/plain"]
    assert "Alpha" in body["text/plain"]
    path = link_in(message, "/teams/invitations/")
    assert path in body["text/html"]
    # Only the hash is stored, and the trail names the invitation, never the token.
    token = token_of(path)
    assert token not in invitation.token_hash
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="teams.invitation")
    assert event.object_id == str(invitation.public_id)
    assert event.team_id == alpha.pk
    assert token not in repr(list(AuditEvent.objects.values()))


def test_the_answer_and_the_email_are_the_same_whether_or_not_the_address_has_an_account(
    smtp, alpha, lena, olga
):
    client = signed_in(lena)
    answers = [invite(client, alpha, email) for email in ("olga@beta.example", "new@example.org")]
    assert [answer.status_code for answer in answers] == [302, 302]

    def wording(message, email):
        text = parts(message)["text/plain"]
        return re.sub(r"/teams/invitations/\S+", "LINK", text).replace(email, "ADDRESS")

    first, second = sent(smtp)
    assert wording(first, "olga@beta.example") == wording(second, "new@example.org")
    assert first["Subject"] == second["Subject"]
    # The API answers alike too: the same fields, no hint of an account.
    api = APIClient()
    api.force_authenticate(lena)
    bodies = [
        api.post(f"/api/v1/teams/{alpha.public_id}/invitations/", {"email": email}).json()
        for email in ("olga@beta.example", "new@example.org")
    ]
    assert [sorted(body) for body in bodies] == [sorted(bodies[0])] * 2


def test_a_therapist_cannot_invite_and_nothing_is_sent(smtp, alpha, tara):
    response = invite(signed_in(tara), alpha, "nadia@example.org")

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert sent(smtp) == []


def test_bad_input_is_400_with_a_message(smtp, alpha, lena):
    response = invite(signed_in(lena), alpha, "not-an-address", "CAPTAIN")

    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitations_per_inviter_are_limited(smtp, settings, alpha, lena):
    settings.INVITATIONS_PER_HOUR = 2
    client = signed_in(lena)
    statuses = [invite(client, alpha, f"person{n}@example.org").status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert Invitation.objects.count() == 2
    assert len(sent(smtp)) == 2


def test_mail_that_cannot_be_sent_is_said_so_and_the_invitation_can_be_resent(smtp, alpha, lena):
    smtp.recorder.reply_with = "550 mailbox unavailable"
    response = invite(signed_in(lena), alpha, "nadia@example.org")

    assert response.status_code == 503
    assert "could not be sent" in response.content.decode()
    invitation = Invitation.objects.get()
    smtp.recorder.reply_with = None
    resend = signed_in(lena).post(
        f"/teams/{alpha.public_id}/invitations/{invitation.public_id}/resend/"
    )
    assert resend.status_code == 302
    assert len(sent(smtp)) == 1


# --- Accepting as someone new ----------------------------------------------------------------


def test_a_new_person_sets_name_and_password_then_must_enrol_before_anything(
    smtp, settings, alpha, lena
):
    invite(signed_in(lena), alpha, "nadia@example.org", "THERAPIST")
    path = link_in(sent(smtp)[0], "/teams/invitations/")
    settings.REQUIRE_TWO_FACTOR = True
    client = Client()

    page = client.get(path)
    assert page.status_code == 200
    assert "Join Alpha" in page.content.decode()

    # Django's validators: a weak password is refused with their message, nothing is made.
    weak = client.post(path, {"display_name": "Nadia", "password1": "nadia", "password2": "nadia"})
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    assert not User.objects.filter(email="nadia@example.org").exists()

    accepted = client.post(
        path,
        {"display_name": " Nadia  Quill ", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert accepted.status_code == 302
    assert accepted["Location"] == SETUP_URL
    nadia = User.objects.get(email="nadia@example.org")
    assert nadia.display_name == "Nadia Quill"
    assert nadia.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=nadia)
    assert (membership.team, membership.role, membership.is_active) == (
        alpha,
        Role.THERAPIST,
        True,
    )
    # Signed in, but held to enrolment: the team page and the API wait for it.
    assert client.get(f"/teams/{alpha.public_id}/")["Location"] == SETUP_URL
    assert client.get("/api/v1/teams/").status_code == 403
    # Enrolling opens the team.
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=nadia)
    client.post(SETUP_URL, {"code": code_of(device)})
    assert client.get(f"/teams/{alpha.public_id}/").status_code == 200
    # Accepted once: the link now shows a calm page, 410.
    again = Client().get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    accepted_event = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="teams.invitation"
    ).last()
    assert accepted_event is not None
    assert "accepted_at" in accepted_event.fields


# --- Accepting with an account -----------------------------------------------------------------


def test_an_address_with_an_account_joins_only_when_signed_in_as_it(smtp, alpha, lena, olga):
    invite(signed_in(lena), alpha, "olga@beta.example", "SUPERVISOR")
    path = link_in(sent(smtp)[0], "/teams/invitations/")

    # The link alone makes nothing and signs no one in.
    anonymous = Client()
    refused = anonymous.post(
        path, {"display_name": "Someone", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert refused.status_code == 409
    assert "Sign in with it" in refused.content.decode()
    assert "_auth_user_id" not in anonymous.session
    assert not Membership.objects.filter(team=alpha, user=olga).exists()

    # Signed in as someone else: refused, and the invitation stays open.
    other = signed_in(lena)
    assert other.post(path).status_code == 403
    assert Invitation.objects.pending().count() == 1

    client = signed_in(olga)
    assert client.get(path).status_code == 200
    joined = client.post(path)
    assert joined.status_code == 302
    membership = Membership.objects.get(team=alpha, user=olga)
    assert (membership.role, membership.is_active) == (Role.SUPERVISOR, True)
    assert Membership.objects.get(user=olga, team__name="Beta").is_active  # keeps her team


def test_a_former_member_rejoins_with_the_invited_role(smtp, alpha, lena, fern):
    invite(signed_in(lena), alpha, "fern@alpha.example", "TRAINEE")
    path = link_in(sent(smtp)[0], "/teams/invitations/")

    assert signed_in(fern).post(path).status_code == 302

    membership = Membership.objects.get(team=alpha, user=fern)
    assert (membership.is_active, membership.role, membership.left_on) == (
        True,
        Role.TRAINEE,
        None,
    )


# --- Links that no longer open -----------------------------------------------------------------


def test_revoked_expired_and_replaced_links_show_a_clear_page(smtp, alpha, lena):
    client = signed_in(lena)
    invite(client, alpha, "one@example.org")
    invite(client, alpha, "two@example.org")
    invite(client, alpha, "three@example.org")
    one, two, three = (link_in(message, "/teams/invitations/") for message in sent(smtp))
    first, second, third = Invitation.objects.order_by("pk")

    client.post(f"/teams/{alpha.public_id}/invitations/{first.public_id}/revoke/")
    Invitation.objects.filter(pk=second.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    client.post(f"/teams/{alpha.public_id}/invitations/{third.public_id}/resend/")
    fresh = link_in(sent(smtp)[-1], "/teams/invitations/")

    revoked, expired, replaced = (Client().get(path) for path in (one, two, three))
    assert (revoked.status_code, expired.status_code, replaced.status_code) == (410, 410, 404)
    assert "withdrawn" in revoked.content.decode()
    assert "expired" in expired.content.decode()
    assert "replaced by a newer one" in replaced.content.decode()
    assert Client().get(fresh).status_code == 200
    # Resending an expired one gives a fresh week.
    client.post(f"/teams/{alpha.public_id}/invitations/{second.public_id}/resend/")
    second.refresh_from_db()
    assert second.expires_at > timezone.now() + dt.timedelta(days=6)
    fields = [
        event.fields
        for event in AuditEvent.objects.filter(object_id=str(first.public_id)).order_by("pk")
    ]
    assert fields == [[], ["revoked_at"]]


def test_the_team_page_lists_pending_invitations_for_its_leader_only(smtp, alpha, lena, tara):
    invite(signed_in(lena), alpha, "nadia@example.org")

    assert "nadia@example.org" in signed_in(lena).get(f"/teams/{alpha.public_id}/").content.decode()
    assert "nadia@example.org" not in (
        signed_in(tara).get(f"/teams/{alpha.public_id}/").content.decode()
    )


# --- The API -----------------------------------------------------------------------------------


def test_the_api_sends_lists_resends_revokes_and_accepts(smtp, alpha, lena):
    api = APIClient()
    api.force_authenticate(lena)
    base = f"/api/v1/teams/{alpha.public_id}/invitations/"

    created = api.post(base, {"email": "nadia@example.org", "role": "SUPERVISOR"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["role"] == "SUPERVISOR"
    assert "token" not in str(body)
    assert [row["id"] for row in api.get(base).json()] == [body["id"]]

    old = token_of(link_in(sent(smtp)[0], "/teams/invitations/"))
    assert api.post(f"{base}{body['id']}/resend/").status_code == 200
    new = token_of(link_in(sent(smtp)[1], "/teams/invitations/"))

    anonymous = APIClient()
    stale = anonymous.post("/api/v1/invitations/accept/", {"token": old}, format="json")
    assert stale.status_code == 404
    missing = anonymous.post("/api/v1/invitations/accept/", {"token": new}, format="json")
    assert missing.status_code == 400
    accepted = anonymous.post(
        "/api/v1/invitations/accept/",
        {"token": new, "display_name": "Nadia", "password": NEW_PASSWORD},
        format="json",
    )
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["team"] == str(alpha.public_id)
    assert Membership.objects.get(user__email="nadia@example.org").role == Role.SUPERVISOR
    used = anonymous.post("/api/v1/invitations/accept/", {"token": new}, format="json")
    assert used.status_code == 410
    assert api.post(f"{base}{body['id']}/revoke/").status_code == 409


def test_the_api_accept_signed_in_joins_the_invited_account(smtp, alpha, lena, olga):
    api = APIClient()
    api.force_authenticate(lena)
    api.post(f"/api/v1/teams/{alpha.public_id}/invitations/", {"email": "olga@beta.example"})
    token = token_of(link_in(sent(smtp)[0], "/teams/invitations/"))

    as_olga = APIClient()
    as_olga.force_login(olga)
    answer = as_olga.post("/api/v1/invitations/accept/", {"token": token}, format="json")

    assert answer.status_code == 201
    assert Membership.objects.get(team=alpha, user=olga).is_active


def test_revoking_asks_first_on_the_team_page(smtp, alpha, lena):
    from tests.page_html import asks_first, parse, press

    client = signed_in(lena)
    invite(client, alpha, "nadia@example.org")
    page_url = f"/teams/{alpha.public_id}/"
    page = parse(client.get(page_url).content.decode())

    button = asks_first(
        page, opens="Revoke the invitation to nadia@example.org", does="Revoke the invitation to"
    )
    assert press(client, page_url, button).status_code == 302
    assert Invitation.objects.get().revoked_at is not None
