"""Every access rule of the accounts app, as predicates `can_<verb>_<noun>(user, obj)` used by
views and services alike. Reads defer to `ApiToken.objects.visible_to`, the one definition."""

from __future__ import annotations

from consultteam.access import AnyUser, is_active_person
from consultteam.accounts.models import ApiToken, UserSession
from consultteam.teams.models import Membership


def can_list_api_tokens(user: AnyUser, _: None = None) -> bool:
    return is_active_person(user)


def can_revoke_api_token(user: AnyUser, token: ApiToken | None) -> bool:
    """Only the token's owner revokes it (an administrator deactivates the account instead)."""
    return token is not None and ApiToken.objects.visible_to(user).filter(pk=token.pk).exists()


def can_end_user_session(user: AnyUser, session: UserSession | None) -> bool:
    """Only the person signed in by a session ends it from the sessions page (an administrator
    deactivates the account instead)."""
    return (
        session is not None and UserSession.objects.visible_to(user).filter(pk=session.pk).exists()
    )


def must_enrol_two_factor(user: AnyUser, *, is_member: bool | None = None) -> bool:
    """Whoever can reach clinical records must have a second factor when REQUIRE_TWO_FACTOR is
    on: every active team member, and staff (who manage cases and read the audit trail).

    One query for a member who is not staff, none when the caller already knows whether
    ``user`` is an active member (``is_member``). The setting itself is checked by the callers.
    """
    if not is_active_person(user):
        return False
    if user.is_staff:
        return True
    if is_member is not None:
        return is_member
    return Membership.objects.filter(user_id=user.pk, is_active=True).exists()
