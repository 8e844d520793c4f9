"""Read scopes for reference data: the team agreements and the DBT assumptions.

Reference data is not clinical: it names no client and no case, so every signed-in, active
user may read it. `visible_to(user)` is still the one definition of that rule, so the page and
the API cannot drift apart on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.db import models

from consultteam.compiled import compiled_read
from consultteam.reference.permissions import can_view_reference

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

_Row = TypeVar("_Row", bound=models.Model)


@compiled_read(shapes=[{"model": "reference.Agreement"}, {"model": "reference.Assumption"}])
def active_reference_ids(*, model: str) -> models.QuerySet[Any, Any]:
    """Every row in use of ``model`` (by label): the same for everyone who may read at all."""
    rows: models.QuerySet[Any, Any] = apps.get_model(model)._default_manager.filter(is_active=True)
    return rows.values("pk")


class ReferenceQuerySet(models.QuerySet[_Row]):
    def active(self) -> ReferenceQuerySet[_Row]:
        """Rows in use. Admins retire a row by deactivating it, never by deleting it, so that
        what a team committed to stays on record."""
        return self.filter(is_active=True)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> ReferenceQuerySet[_Row]:
        """What ``user`` may read: every active row for a signed-in, active user; nothing for
        anyone else. Reads only; safe to call any number of times."""
        if not can_view_reference(user):
            return self.none()
        return self.filter(pk__in=active_reference_ids(model=self.model._meta.label))
