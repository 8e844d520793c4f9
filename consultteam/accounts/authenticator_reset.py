"""A lost authenticator: an administrator or the person's team leader resets their two-factor
sign-in, giving a reason from a fixed list (no free text: the trail never holds any).

The reset removes every authenticator and recovery code of the person, ends their API tokens and
signed-in sessions (each was opened on the lost device), and records who, whose, why and on
which team's authority in `AuthenticatorReset`. At their next sign-in the person has no second
factor: with REQUIRE_TWO_FACTOR, TwoFactorRequiredMiddleware holds them to enrolment before
anything else. Their password is untouched; the reset never signs anyone in.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultteam.accounts.models import (
    AuthenticatorReset,
    AuthenticatorResetReason,
    RecoveryCode,
    User,
)
from consultteam.accounts.services import api_tokens_end, user_sessions_end
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.teams.models import Membership
from consultteam.teams.permissions import can_reset_authenticator


@transaction.atomic
def authenticator_reset(
    *, membership: Membership, reason: AuthenticatorResetReason | str, by: User
) -> AuthenticatorReset:
    """Reset the two-factor sign-in of ``membership``'s person, on the authority of its team.

    Deletes their authenticators (confirmed or half set up) and recovery codes, ends their API
    tokens (audited REVOKE each) and sessions. Audited as UPDATE of the person (["two_factor"])
    on the team's trail, and CREATE of the reset record, which holds the reason. Safe to run
    twice: a second call finds nothing left to remove and records the reset again.
    """
    if not can_reset_authenticator(by, membership):
        raise PermissionDenied(
            "Only an administrator or the person's team leader can reset their two-factor "
            "sign-in (your own is reset on the two-factor page)."
        )
    if reason not in AuthenticatorResetReason.values:
        raise ValidationError(
            {"reason": [f"Choose one of: {', '.join(AuthenticatorResetReason.values)}."]}
        )
    person = User.objects.select_for_update().get(pk=membership.user_id)
    # One by one, so the device's removal signal ends the tokens issued under it.
    for device in TOTPDevice.objects.filter(user=person):
        device.delete()
    RecoveryCode.objects.filter(user=person).delete()
    api_tokens_end(user=person)
    # Their open sessions passed the lost device's check: they sign in and enrol again.
    user_sessions_end(user=person)
    audit_record(action=Action.UPDATE, obj=person, team=membership.team_id, fields=["two_factor"])
    return AuthenticatorReset.objects.create(
        person=person, by=by, team_id=membership.team_id, reason=reason
    )
