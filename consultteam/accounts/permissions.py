"""Every access rule of the accounts app, as predicates `can_<verb>_<noun>(user, obj)` used by
views and services alike. Reads defer to `ApiToken.objects.visible_to`, the one definition."""

from __future__ import annotations

from consultteam.access import AnyUser, is_active_person
from consultteam.accounts.models import ApiToken


def can_list_api_tokens(user: AnyUser, _: None = None) -> bool:
    return is_active_person(user)


def can_revoke_api_token(user: AnyUser, token: ApiToken | None) -> bool:
    """Only the token's owner revokes it (an administrator deactivates the account instead)."""
    return token is not None and ApiToken.objects.visible_to(user).filter(pk=token.pk).exists()
