"""Who sees which API token and signed-in session: the only definition of read access for
this app's own rows. A person's own, and nobody else's: not even staff see another person's
(they deactivate the account instead, which stops its tokens and ends its sessions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models

from consultteam.compiled import PERSON, compiled_read

if TYPE_CHECKING:
    from consultteam.access import AnyUser
    from consultteam.accounts.models import (  # noqa: F401  (the strings in the base classes)
        ApiToken,
        UserSession,
    )


@compiled_read(PERSON, shapes=[{"model": "accounts.ApiToken"}, {"model": "accounts.UserSession"}])
def own_row_ids(*, person: int, model: str) -> models.QuerySet[Any, Any]:
    """The person's own tokens or sessions (``model``, by label)."""
    rows: models.QuerySet[Any, Any] = apps.get_model(model)._default_manager.filter(user_id=person)
    return rows.values("pk")


def _own(rows: Any, user: AnyUser) -> Any:
    from consultteam import access

    if not access.is_active_person(user) or user.pk is None:
        return rows.none()
    return rows.filter(pk__in=own_row_ids(person=user.pk, model=rows.model._meta.label))


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def visible_to(self, user: AnyUser) -> ApiTokenQuerySet:
        """A person's own tokens. Inactive people see none."""
        return _own(self, user)  # type: ignore[no-any-return]


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    def visible_to(self, user: AnyUser) -> UserSessionQuerySet:
        """A person's own signed-in sessions. Inactive people see none."""
        return _own(self, user)  # type: ignore[no-any-return]
