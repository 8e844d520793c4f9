"""Access rows for invitations, a lost authenticator and a forgotten password.

Invitations and two-factor resets are the team leader's and an administrator's (Lena, Ada);
the rest of Alpha sees the team and is refused (403), outsiders get 404. The emailed links
(an invitation's, a password reset's) are for whoever holds them, signed in or not.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from consultteam.teams.invitations import invitation_token_hash
from consultteam.teams.models import Invitation, Membership, Role
from tests.matrix import API_SIGNED_OUT, SIGNED_OUT, Row, every

# A new address, with no account: Nadia is invited to Alpha.
NADIA_TOKEN = "nadia-invitation-token-for-the-access-matrix-0001"

LEADER_AND_ADMIN_PAGE = every(403, lena=200, ada=200, olga=404, fern=404, **SIGNED_OUT)


def nadia_invitation(world: SimpleNamespace) -> Invitation:
    now = timezone.now()
    return Invitation.objects.create(
        team=world.alpha,
        email="nadia@example.org",
        role=Role.THERAPIST,
        token_hash=invitation_token_hash(NADIA_TOKEN),
        invited_by=world.lena,
        sent_at=now,
        expires_at=now + timedelta(days=7),
    )


def alpha_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"team_id": world.alpha.public_id}


def invitation_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"team_id": world.alpha.public_id, "invitation_id": nadia_invitation(world).public_id}


def token_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    nadia_invitation(world)
    return {"token": NADIA_TOKEN}


def nadia_invited(world: SimpleNamespace) -> dict[str, Any]:
    """The accept endpoint names no invitation in its path: the token is in the body."""
    nadia_invitation(world)
    return {}


def tara_membership(world: SimpleNamespace) -> dict[str, Any]:
    membership = Membership.objects.get(team=world.alpha, user=world.tara)
    return {"team_id": world.alpha.public_id, "membership_id": membership.public_id}


def a_used_reset_link(world: SimpleNamespace) -> dict[str, Any]:
    return {"uidb64": "MQ", "token": "set-password-link-already-used"}


ROWS: list[Row] = [
    Row("team-invitations", "GET", LEADER_AND_ADMIN_PAGE, alpha_kwargs),
    # The matrix posts JSON, which a form does not read: an empty form is 400 for those allowed.
    Row(
        "team-invitations",
        "POST",
        every(403, lena=400, ada=400, olga=404, fern=404, **SIGNED_OUT),
        alpha_kwargs,
    ),
    Row(
        "invitation-resend",
        "POST",
        every(403, lena=302, ada=302, olga=404, fern=404, **SIGNED_OUT),
        invitation_kwargs,
    ),
    Row(
        "invitation-revoke",
        "POST",
        every(403, lena=302, ada=302, olga=404, fern=404, **SIGNED_OUT),
        invitation_kwargs,
    ),
    # The link: the form for someone signed out (Ivan's session is no sign-in); anyone signed in
    # as another address than Nadia's is told so.
    Row("invitation-accept", "GET", every(403, anon=200, ivan=200), token_kwargs),
    Row("invitation-accept", "POST", every(403, anon=400, ivan=400), token_kwargs),
    Row("team-member-two-factor-reset", "GET", LEADER_AND_ADMIN_PAGE, tara_membership),
    Row(
        "team-member-two-factor-reset",
        "POST",
        every(403, lena=400, ada=400, olga=404, fern=404, **SIGNED_OUT),
        tara_membership,
    ),
    Row(
        "api-team-invitations",
        "GET",
        every(403, lena=200, ada=200, olga=404, fern=404, **API_SIGNED_OUT),
        alpha_kwargs,
    ),
    Row(
        "api-team-invitations",
        "POST",
        every(403, lena=201, ada=201, olga=404, fern=404, **API_SIGNED_OUT),
        alpha_kwargs,
        data={"email": "nadia@example.org", "role": "THERAPIST"},
    ),
    Row(
        "api-invitation-resend",
        "POST",
        every(403, lena=200, ada=200, olga=404, fern=404, **API_SIGNED_OUT),
        invitation_kwargs,
    ),
    Row(
        "api-invitation-revoke",
        "POST",
        every(403, lena=200, ada=200, olga=404, fern=404, **API_SIGNED_OUT),
        invitation_kwargs,
    ),
    # Without a name and password nobody signed out makes an account; signed in as another
    # address than Nadia's, nobody joins.
    Row(
        "api-invitation-accept",
        "POST",
        every(403, anon=400, ivan=400),
        data={"token": NADIA_TOKEN},
        kwargs=nadia_invited,
    ),
    Row(
        "api-team-member-two-factor-reset",
        "POST",
        every(403, lena=201, ada=201, olga=404, fern=404, **API_SIGNED_OUT),
        tara_membership,
        data={"reason": "LOST_OR_REPLACED_PHONE"},
    ),
    # A forgotten password: the same pages for everyone, signed in or not.
    Row("password-reset", "GET", every(200)),
    Row("password-reset", "POST", every(400)),
    Row("password-reset-done", "GET", every(200)),
    Row("password-reset-confirm", "GET", every(410), a_used_reset_link),
    Row("password-reset-complete", "GET", every(200)),
]
