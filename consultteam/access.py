"""The building blocks of every `visible_to(user)`: active team membership (a compiled read,
consultteam/compiled.py), and per-object grants from django-guardian's direct foreign-key
tables (ORM parts for the reads' builders).

Each gives a subquery of ids, so callers filter with `pk__in=` / `team_id__in=` and rows never
duplicate. Guardian's generic (content-type) tables and its shortcuts with global permissions
are never used: the first cast ids to text and lose the index, the second would let a global
`view_*` permission leak every row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group
from django.db import models
from django.db.models import Exists, Q, QuerySet
from django.db.models.expressions import RawSQL
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView
from typing_extensions import TypeIs

from consultteam.accounts.models import User
from consultteam.compiled import PERSON, compiled_read
from consultteam.teams.models import LEADER_ROLES, OVERSEER_ROLES, Membership, Role

AnyUser = User | AnonymousUser


def is_active_person(user: AnyUser | None) -> TypeIs[User]:
    """Signed in, with an account that has not been deactivated."""
    return user is not None and user.is_authenticated and user.is_active


@compiled_read(PERSON, shapes=[{"roles": None}, {"roles": LEADER_ROLES}, {"roles": OVERSEER_ROLES}])
def member_team_ids(*, person: int, roles: tuple[Role, ...] | None) -> QuerySet[Any, Any]:
    """Ids of the teams where the person is an active member (in one of ``roles``, if any)."""
    memberships = Membership.objects.filter(user_id=person, is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("team_id")


def _roles_shape(roles: Iterable[Role] | None) -> tuple[Role, ...] | None:
    return None if roles is None else tuple(roles)


def team_ids_of(user: AnyUser, roles: Iterable[Role] | None = None) -> QuerySet[Membership, Any]:
    """Ids of the teams where ``user`` is an active member (in one of ``roles``, if given: a
    named role set of consultteam/teams/models.py), as a queryset for rules that ask
    `.exists()` or filter further. Inactive people and former members get an empty set.
    `visible_to` uses `team_ids_subquery`, the same read compiled."""
    if not is_active_person(user):
        return Membership.objects.none().values("team_id")
    return member_team_ids.queryset(person=user.pk, roles=_roles_shape(roles))


def team_ids_subquery(user: User, roles: Iterable[Role] | None = None) -> RawSQL:
    """`team_ids_of` for `visible_to`: the same read, compiled once. ``user`` must be an
    active person (every `visible_to` has answered `none()` to anyone else already)."""
    return member_team_ids(person=user.pk, roles=_roles_shape(roles))


def union_of(*parts: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """One subquery of ids from several, each part still reading its own index.

    Why a union: `x IN (a UNION ALL b)` is one hashed set for PostgreSQL to look in and one
    lookup for Django to build, where `x IN a OR x IN b` is two of each; and one OR'ed
    subquery (`WHERE user = ... OR group IN ...`) would lose both indexes (FIELD-NOTES on
    guardian at a million rows). A compound statement admits no ordering in its parts, so
    theirs are dropped (an ordering changes no set of ids).
    """
    first, *rest = (part.order_by() for part in parts)
    return first.union(*rest, all=True) if rest else first


def grant_parts(
    person: int,
    user_perm_model: type[models.Model],
    group_perm_model: type[models.Model],
    codenames: Iterable[str],
    *,
    team_of_object: str,
) -> tuple[QuerySet[Any, Any], QuerySet[Any, Any]]:
    """The ORM definitions of the ids of objects granted to a person directly and through
    their groups (django-guardian's direct foreign-key tables), as parts for `union_of` in a
    compiled read's builder.

    A grant never outlives what justified it (DOMAIN.md section 3): it counts only while the
    person is an active member of some team, and never on the record of a team they have
    left (``team_of_object``: the objects' column naming their team, ``pk`` for a team).
    Read from the memberships themselves, so it holds however a membership ended.

    The objects of the teams left are one set, not a join of every grant to its object: for
    almost everyone that set is empty, and the grants stay an index-only read."""
    names = list(codenames)
    on_a_team = Exists(Membership.objects.filter(user_id=person, is_active=True))
    left = Membership.objects.filter(user_id=person, is_active=False).values("team_id")
    object_model: Any = user_perm_model._meta.get_field("content_object").related_model
    of_teams_left = object_model._default_manager.filter(**{f"{team_of_object}__in": left})
    not_left = ~Q(content_object_id__in=of_teams_left.values("pk"))
    directly = user_perm_model._default_manager.filter(
        on_a_team, not_left, user_id=person, permission__codename__in=names
    ).values("content_object_id")
    via_groups = group_perm_model._default_manager.filter(
        on_a_team,
        not_left,
        group_id__in=Group.objects.filter(user__id=person).values("pk"),
        permission__codename__in=names,
    ).values("content_object_id")
    return directly, via_groups


def granted(
    person: int,
    user_perm_model: type[models.Model],
    group_perm_model: type[models.Model],
    codenames: Iterable[str],
    *,
    team_of_object: str,
) -> QuerySet[Any, Any]:
    """Ids of objects granted to the person directly or through their groups, as one union
    (an ORM definition, for a compiled read's builder; see `grant_parts`)."""
    parts = grant_parts(
        person, user_perm_model, group_perm_model, codenames, team_of_object=team_of_object
    )
    return union_of(*parts)


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
