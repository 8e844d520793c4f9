"""Who sees which API token and signed-in session: the only definition of read access for
this app's own rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from consultteam.access import AnyUser
    from consultteam.accounts.models import (  # noqa: F401  (the strings in the base classes)
        ApiToken,
        UserSession,
    )


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def visible_to(self, user: AnyUser) -> ApiTokenQuerySet:
        """A person's own tokens, and nobody else's: not even staff see another person's
        (they deactivate the account instead, which stops its tokens). Inactive people see
        none."""
        from consultteam import access

        if not access.is_active_person(user) or user.pk is None:
            return self.none()
        return self.filter(user_id=user.pk)


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    def visible_to(self, user: AnyUser) -> UserSessionQuerySet:
        """A person's own signed-in sessions, and nobody else's (staff included: they deactivate
        the account instead, which ends its sessions). Inactive people see none."""
        from consultteam import access

        if not access.is_active_person(user) or user.pk is None:
            return self.none()
        return self.filter(user_id=user.pk)
