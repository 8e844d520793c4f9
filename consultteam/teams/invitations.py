"""Invitations: a team's leader or an administrator asks an email address to join the team with
a role, and whoever holds the address accepts by the emailed link.

What the link proves is that someone reads that mailbox. So it makes a new account for an address
that has none (with the name and password they choose, and two-factor before anything clinical,
which TwoFactorRequiredMiddleware enforces for every active member), but for an address that has
an account it only lets the person signed in *as that account* join: the link alone never
signs anyone in to an existing account.

Nothing here tells an inviter whether an address has an account: sending answers the same and
mails the same words either way. The token is stored only as its hash; the audit trail records
each invitation's CREATE (sent), UPDATE of `sent_at` (resent), of `revoked_at` (revoked) and of
`accepted_at` (accepted), through the registry in apps.py, never the token or the address.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from consultteam.accounts.models import User, normalize_email
from consultteam.errors import Conflict, DomainError
from consultteam.rate_limits import spend
from consultteam.teams.models import Invitation, Membership, Role, Team
from consultteam.teams.permissions import can_manage_invitations

logger = logging.getLogger(__name__)

DISPLAY_NAME_MAX = 120


# --- What can go wrong, each with its answer ----------------------------------------------------


class InvitationUnknown(DomainError):
    """No invitation has this link: mistyped, or replaced by a newer one when it was resent."""

    status = 404

    def __init__(self) -> None:
        super().__init__(
            "This invitation link is not valid. It may have been replaced by a newer one: use "
            "the link in the latest invitation email, or ask your team leader to send it again."
        )


class InvitationGone(DomainError):
    """The link was valid once: used, revoked or expired. 410, with what to do next."""

    status = 410


def _gone(invitation: Invitation) -> InvitationGone | None:
    if invitation.accepted_at is not None:
        return InvitationGone(
            "This invitation has already been used. Sign in with the account that accepted it."
        )
    if invitation.revoked_at is not None:
        return InvitationGone(
            "This invitation was withdrawn. If you expected to join the team, ask its leader."
        )
    if invitation.is_expired:
        return InvitationGone(
            f"This invitation expired on {invitation.expires_at:%Y-%m-%d}. Ask your team "
            "leader to send it again: the new email will carry a fresh link."
        )
    return None


class AccountExists(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "An account already uses this email address. Sign in with it, then open the "
            "invitation link again to join the team."
        )


class NotYourInvitation(DomainError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "This invitation is for another email address than the account you are signed in "
            "with. Sign out, then open the link again."
        )


class MailNotSent(DomainError):
    status = 503

    def __init__(self) -> None:
        super().__init__(
            "The invitation is saved, but its email could not be sent just now. Use Resend "
            "in a few minutes."
        )


# --- The link ----------------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", kwargs={"token": token})


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, invitation_token_hash(token)


def _expiry() -> timedelta:
    return timedelta(days=settings.INVITATION_DAYS)


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    # The link, for the email only: returned so a command or test can reach it, never stored.
    link: str


def _mail(invitation: Invitation, *, link: str, by: User) -> None:
    """The invitation email: who invites, to which team, the link and until when. The same
    words whether or not the address has an account, and nothing clinical."""
    context = {
        "inviter": by.display_name,
        "team": invitation.team.name,
        "role": invitation.get_role_display(),
        "link": link,
        "expires_on": invitation.expires_at,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=f"{by.display_name} invites you to a consultation team on ConsultTeam",
        body=render_to_string("teams/invitation_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("teams/invitation_email.html", context), "text/html"
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        # The link is in the message: never log it. The invitation stays and can be resent.
        logger.warning("invitation email %s could not be sent", invitation.public_id)
        raise MailNotSent from None


def _spend(by: User) -> None:
    spend(
        scope="invitations",
        who=str(by.pk),
        per_hour=settings.INVITATIONS_PER_HOUR,
        what="invitations sent",
    )


# --- Services ----------------------------------------------------------------------------------


def invitation_send(*, team: Team, email: str, role: Role | str, by: User) -> Sent:
    """Invite ``email`` to ``team`` with ``role`` and mail the link (after the write commits).
    A pending invitation of the same address to the same team gets a fresh link instead (the
    old one stops working), so there is one per address and team.

    Audited as CREATE (or UPDATE of ``sent_at`` and the token) of the invitation. Counts toward
    INVITATIONS_PER_HOUR (429 past it). Not idempotent: every call mails a new link.
    """
    if not can_manage_invitations(by, team):
        raise PermissionDenied("Only the team's leader or an administrator can invite people.")
    if role not in Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    _spend(by)
    token, token_hash = _new_token()
    now = timezone.now()
    address = normalize_email(email)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .pending()
            .filter(team=team, email=address)
            .first()
        )
        if invitation is None:
            invitation = Invitation.objects.create(
                team=team,
                email=address,
                role=role,
                token_hash=token_hash,
                invited_by=by,
                sent_at=now,
                expires_at=now + _expiry(),
            )
        else:
            invitation.role = Role(role)
            invitation.invited_by = by
            _renew(invitation, token_hash=token_hash, now=now)
    link = invitation_link(token)
    _mail(invitation, link=link, by=by)
    return Sent(invitation, link)


def _renew(invitation: Invitation, *, token_hash: str, now: datetime) -> None:
    invitation.token_hash = token_hash
    invitation.sent_at = now
    invitation.expires_at = now + _expiry()
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "role", "invited_by"])


def invitation_resend(*, invitation: Invitation, by: User) -> Sent:
    """Mail a fresh link, valid INVITATION_DAYS from now; the old link stops working at once.
    Refused (409) for an invitation already accepted or revoked.

    Audited as UPDATE (["expires_at", "sent_at", "token_hash", ...]). Counts toward
    INVITATIONS_PER_HOUR. Not idempotent: every call mails a new link.
    """
    if not can_manage_invitations(by, invitation.team):
        raise PermissionDenied("Only the team's leader or an administrator can resend it.")
    _spend(by)
    token, token_hash = _new_token()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("team").get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise Conflict("This invitation has already been accepted.")
        if locked.revoked_at is not None:
            raise Conflict("This invitation was revoked: send a new one instead.")
        locked.invited_by = by
        _renew(locked, token_hash=token_hash, now=timezone.now())
    link = invitation_link(token)
    _mail(locked, link=link, by=by)
    return Sent(locked, link)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an invitation: its link opens nothing from now on. Refused (409) once accepted
    (end the membership instead).

    Audited as UPDATE (["revoked_at"]). Safe to run twice: a revoked invitation is left alone
    and recorded once.
    """
    if not can_manage_invitations(by, invitation.team):
        raise PermissionDenied("Only the team's leader or an administrator can revoke it.")
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise Conflict(
            "This invitation has already been accepted: end the person's membership instead."
        )
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation a link names, if it can still be accepted. Raises InvitationUnknown (404)
    or InvitationGone (410: used, revoked or expired). Reads only."""
    rows = Invitation.objects.select_related("team", "invited_by")
    if lock:
        rows = rows.select_for_update()
    invitation = rows.filter(token_hash=invitation_token_hash(token)).first()
    if invitation is None:
        raise InvitationUnknown
    gone = _gone(invitation)
    if gone is not None:
        raise gone
    return invitation


def account_for_invitation(invitation: Invitation) -> User | None:
    """The account that already uses the invited address, if any. For the accept page (shown
    to the holder of the link, who reads that mailbox), never to the inviter."""
    return User.objects.filter(email=invitation.email).first()


def _join(invitation: Invitation, user: User) -> Membership:
    """Make ``user`` an active member of the invitation's team, and mark it accepted. A former
    member comes back with the invited role from today; a current member keeps their role (a
    change of role is the leader's own step)."""
    today = timezone.localdate()
    membership = (
        Membership.objects.select_for_update().filter(team=invitation.team, user=user).first()
    )
    if membership is None:
        membership = Membership.objects.create(
            team=invitation.team, user=user, role=invitation.role, joined_on=today
        )
    elif not membership.is_active:
        membership.is_active = True
        membership.role = invitation.role
        membership.joined_on = today
        membership.left_on = None
        membership.save(update_fields=["is_active", "role", "joined_on", "left_on"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _display_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValidationError({"display_name": ["Give the name your colleagues know you by."]})
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(
            {"display_name": [f"Keep the name to {DISPLAY_NAME_MAX} characters or fewer."]}
        )
    return name


@transaction.atomic
def invitation_accept_new(*, token: str, display_name: str, password: str) -> User:
    """Accept for an address with no account: make the account (the name and password given,
    the password held to AUTH_PASSWORD_VALIDATORS) and its membership, all or nothing. The
    caller signs the person in; two-factor enrolment then comes before anything else.

    Raises InvitationUnknown / InvitationGone, AccountExists (409) when the address has an
    account, ValidationError (400) for a name or password refused. Audited as CREATE of the
    person and the membership and UPDATE (["accepted_at", "accepted_by"]) of the invitation.
    Not idempotent: the second call finds the link used (410).
    """
    invitation = invitation_for_token(token, lock=True)
    if account_for_invitation(invitation) is not None:
        raise AccountExists
    name = _display_name(display_name)
    candidate = User(email=invitation.email, display_name=name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as refused:
        raise ValidationError({"password": refused.messages}) from None
    user = User.objects.create_user(email=invitation.email, password=password, display_name=name)
    _join(invitation, user)
    return user


@transaction.atomic
def invitation_accept_as(*, token: str, user: User) -> Membership:
    """Accept as the signed-in ``user``, whose email must be the invited address: they join the
    team (or rejoin it). Raises InvitationUnknown / InvitationGone, NotYourInvitation (403).

    Audited as CREATE or UPDATE of the membership and UPDATE of the invitation. Not
    idempotent: the second call finds the link used (410).
    """
    if not user.is_active:
        raise PermissionDenied("An inactive account cannot join a team.")
    invitation = invitation_for_token(token, lock=True)
    if normalize_email(user.email) != invitation.email:
        raise NotYourInvitation
    return _join(invitation, user)
