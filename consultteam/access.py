"""The building blocks of every `visible_to(user)`: active team membership, and per-object
grants from django-guardian's direct foreign-key tables.

Each returns a subquery of ids, so callers filter with `pk__in=` / `team_id__in=` and rows never
duplicate. Guardian's generic (content-type) tables and its shortcuts with global permissions
are never used: the first cast ids to text and lose the index, the second would let a global
`view_*` permission leak every row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import QuerySet
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView
from typing_extensions import TypeIs

from consultteam.accounts.models import User
from consultteam.teams.models import Membership, Role

AnyUser = User | AnonymousUser


def is_active_person(user: AnyUser | None) -> TypeIs[User]:
    """Signed in, with an account that has not been deactivated."""
    return user is not None and user.is_authenticated and user.is_active


def team_ids_of(user: AnyUser, roles: Iterable[Role] | None = None) -> QuerySet[Membership, Any]:
    """Ids of the teams where ``user`` is an active member (in one of ``roles``, if given).

    Inactive people and former members get an empty set.
    """
    if not is_active_person(user):
        return Membership.objects.none().values("team_id")
    memberships = Membership.objects.filter(user_id=user.pk, is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("team_id")


def granted_ids(
    user: AnyUser,
    user_perm_model: type[models.Model],
    group_perm_model: type[models.Model],
    codenames: str | Iterable[str],
) -> tuple[QuerySet[Any, Any], QuerySet[Any, Any]]:
    """Ids of objects granted to ``user`` directly and through their groups, as two subqueries.

    Two subqueries rather than one OR'ed union: each uses its own index (see FIELD-NOTES on
    guardian at a million rows).
    """
    if not is_active_person(user):
        empty = user_perm_model._default_manager.none().values("content_object_id")
        return empty, empty
    names = [codenames] if isinstance(codenames, str) else list(codenames)
    direct = user_perm_model._default_manager.filter(
        user_id=user.pk, permission__codename__in=names
    ).values("content_object_id")
    via_groups = group_perm_model._default_manager.filter(
        group_id__in=user.groups.values("pk"), permission__codename__in=names
    ).values("content_object_id")
    return direct, via_groups


def found_in_visible_to(user: AnyUser, obj: Any) -> bool:
    """The rule of a read whose only condition is seeing the object, for views whose queryset
    is `visible_to(user)`: `get_object` found the object there (an outsider already got 404),
    so asking the database again whether ``user`` sees it would only repeat the same query.
    Never use it on a view whose queryset is not scoped by `visible_to`; the access matrix
    (an outsider must get 404) holds every route to that."""
    return obj is not None and is_active_person(user)


class ActionRules(BasePermission):
    """Deny by default. A view maps each action (a ViewSet action, or the lower-case HTTP
    method on a plain APIView) to the predicate that lets a request through:

        rules = {"list": can_list_teams, "retrieve": can_view_team}

    Predicates take ``(user, obj)``; on collection actions ``obj`` is None. An action with no
    rule is refused. Objects outside `visible_to` never reach here: the view's queryset already
    answered 404, so a refusal here (403) only ever concerns something the user can see.
    """

    def _rule(self, request: Request, view: APIView) -> Any:
        action = getattr(view, "action", None) or (request.method or "").lower()
        return getattr(view, "rules", {}).get(action)

    def has_permission(self, request: Request, view: APIView) -> bool:
        rule = self._rule(request, view)
        if not is_active_person(request.user):
            return False
        if rule is None:
            # A method the view does not offer at all is left to DRF to answer 405; any
            # other action without a rule is refused.
            return getattr(view, (request.method or "").lower(), None) is None
        if getattr(view, "detail", False):
            return True  # decided per object, below
        return bool(rule(request.user, None))

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        rule = self._rule(request, view)
        return rule is not None and bool(rule(request.user, obj))
