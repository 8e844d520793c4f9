"""A lost authenticator: the team leader or an administrator resets a member's two-factor with a
reason (a category, never free text); their devices, recovery codes, sessions and API tokens
end; the reset is recorded and audited; the person enrols again at their next sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from consultteam.accounts.models import (
    ApiToken,
    AuthenticatorReset,
    RecoveryCode,
    UserSession,
)
from consultteam.accounts.services import api_token_issue
from consultteam.audit.models import Action, AuditEvent
from consultteam.teams.models import Membership
from tests.authenticator import SETUP_URL, enrolled
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def reset_url(membership: Membership) -> str:
    return f"/teams/{membership.team.public_id}/members/{membership.public_id}/two-factor-reset/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_leader_resets_a_members_lost_authenticator(settings, alpha, lena, tara):
    enrolled(tara)
    tara_elsewhere = signed_in(tara)
    api_token_issue(user=tara, name="script", second_factor=True)
    membership = Membership.objects.get(team=alpha, user=tara)
    leader = signed_in(lena)

    page = leader.get(reset_url(membership))
    assert page.status_code == 200
    assert "Tara" in page.content.decode()
    done = leader.post(reset_url(membership), {"reason": "LOST_OR_REPLACED_PHONE"})

    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=tara).exists()
    assert not RecoveryCode.objects.filter(user=tara).exists()
    assert not ApiToken.objects.filter(user=tara).exists()
    assert not UserSession.objects.filter(user=tara).exists()
    assert tara_elsewhere.get("/teams/").status_code == 302  # that session is over
    reset = AuthenticatorReset.objects.get()
    assert (reset.person, reset.by, reset.team, reset.reason) == (
        tara,
        lena,
        alpha,
        "LOST_OR_REPLACED_PHONE",
    )
    on_the_trail = AuditEvent.objects.filter(team=alpha, object_id=str(tara.public_id))
    assert on_the_trail.filter(action=Action.UPDATE, fields=["two_factor"]).count() == 1
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_id=str(reset.public_id), team=alpha
    ).exists()
    # At her next sign-in (her password is unchanged) she sets up an authenticator again.
    settings.REQUIRE_TWO_FACTOR = True
    client = Client()
    client.post("/accounts/login/", {"username": tara.email, "password": PASSWORD})
    assert client.get("/teams/")["Location"] == SETUP_URL


def test_a_reason_from_the_list_is_required(alpha, lena, tara):
    membership = Membership.objects.get(team=alpha, user=tara)

    for reason in ("", "She said so on the phone"):
        response = signed_in(lena).post(reset_url(membership), {"reason": reason})
        assert response.status_code == 400
    assert not AuthenticatorReset.objects.exists()


@pytest.mark.parametrize(
    ("who", "whose", "status"),
    [
        ("theo", "tara", 403),  # a therapist on the team
        ("sam", "tara", 403),  # the supervisor
        ("lena", "lena", 403),  # one's own: the two-factor page is for that
        ("olga", "tara", 404),  # another team
        ("ada", "tara", 200),  # an administrator
    ],
)
def test_who_may_reset(world, who, whose, status):
    membership = Membership.objects.get(team=world.alpha, user=getattr(world, whose))

    assert signed_in(getattr(world, who)).get(reset_url(membership)).status_code == status


def test_a_leader_cannot_reset_an_administrators(alpha, lena, ada):
    from tests.factories import MembershipFactory

    membership = MembershipFactory.create(team=alpha, user=ada)

    assert signed_in(lena).get(reset_url(membership)).status_code == 403


def test_the_api_resets_with_a_reason(alpha, lena, tara):
    enrolled(tara)
    membership = Membership.objects.get(team=alpha, user=tara)
    api = APIClient()
    api.force_authenticate(lena)
    url = f"/api/v1/teams/{alpha.public_id}/members/{membership.public_id}/two-factor-reset/"

    refused = api.post(url, {"reason": "because"}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    done = api.post(url, {"reason": "APP_REMOVED"}, format="json")

    assert done.status_code == 201
    assert done.json()["reason"] == "APP_REMOVED"
    assert done.json()["person"] == str(tara.public_id)
    assert not TOTPDevice.objects.filter(user=tara).exists()


def test_the_team_page_offers_the_reset_to_the_leader_only(alpha, lena, tara):
    membership = Membership.objects.get(team=alpha, user=tara)

    assert (
        reset_url(membership) in signed_in(lena).get(f"/teams/{alpha.public_id}/").content.decode()
    )
    assert reset_url(membership) not in (
        signed_in(tara).get(f"/teams/{alpha.public_id}/").content.decode()
    )
