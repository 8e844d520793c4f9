"""The building blocks of every `visible_to(user)`: active team membership, and per-object
grants from django-guardian's direct foreign-key tables.

Each returns a subquery of ids, so callers filter with `pk__in=` / `team_id__in=` and rows never
duplicate. Guardian's generic (content-type) tables and its shortcuts with global permissions
are never used: the first cast ids to text and lose the index, the second would let a global
`view_*` permission leak every row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import QuerySet
from django.db.models.expressions import Expression, RawSQL
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


# A person id no row has: it marks where the person's id goes in a subquery compiled once.
_SOMEONE = -2_000_000_011

# What is kept of a compiled text: the SQL, its parameters, where the person's id stands.
_Compiled = tuple[str, tuple[Any, ...], list[int]]


def _person_places(params: Iterable[Any], build: Callable[..., Any]) -> list[int]:
    """Where the person's id stands among the compiled parameters of ``build``."""
    places = [i for i, value in enumerate(params) if value == _SOMEONE]
    if not places:
        # The person's id was not kept as a parameter: the text would answer the same rows
        # for everyone. Refuse at once rather than run it.
        raise ImproperlyConfigured(
            f"{build.__name__} does not filter on the person's id as a parameter."
        )
    return places


def _put_in(params: tuple[Any, ...], places: list[int], person_id: int) -> list[Any]:
    values = list(params)
    for i in places:
        values[i] = person_id
    return values


def compiled_once(
    build: Callable[..., QuerySet[Any, Any]],
) -> Callable[..., RawSQL]:
    """``build(person_id, *shape)`` makes a subquery of ids with the ORM; the function this
    returns gives the same subquery as SQL, compiled once per process and shape (the other,
    hashable arguments: roles, permission models, codenames), with the person's id put in.

    Why: building the nested querysets of a `visible_to` cost Django more than PostgreSQL took
    to plan and run them (2.8 ms against 0.5 ms for a caseload; docs/performance.md). The ORM
    stays the one definition; only its compiled text is kept. Its parameters are the builder's
    constants and the person's id, never anything else of a request, so nothing one person
    asked for is kept for another. ``build`` itself stays reachable as ``.queryset``.
    """
    compiled: dict[tuple[str, tuple[Hashable, ...]], _Compiled] = {}

    @functools.wraps(build)
    def subquery(person_id: int, *shape: Hashable) -> RawSQL:
        key = (connection.vendor, shape)
        if key not in compiled:
            # Without ordering, as Django compiles any subquery it nests itself: compiled on
            # its own, a builder would keep its model's (Membership's: team and person names,
            # two joins and a sort) in every rule that uses it.
            sql, params = build(_SOMEONE, *shape).order_by().query.sql_with_params()
            compiled[key] = (sql, tuple(params), _person_places(params, build))
        sql, params, places = compiled[key]
        values = _put_in(params, places, person_id)
        return RawSQL(sql, values)  # noqa: S611 (the ORM's own SQL; values stay parameters)

    subquery.queryset = build  # type: ignore[attr-defined]
    return subquery


class _CompiledCondition(Expression):
    """A `visible_to` condition compiled once (see `compiled_rule`), written against the
    alias its query gives the rows' table, and following that alias when Django renames it
    (a queryset nested in another becomes ``U0``...)."""

    conditional = True

    def __init__(self, sql: str, params: list[Any], alias: str) -> None:
        super().__init__(output_field=models.BooleanField())
        self.sql, self.params, self.alias = sql, params, alias

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(self.alias)
        return self.sql.replace(_ROWS, f"{table}."), self.params

    def relabeled_clone(self, change_map: Mapping[str, str]) -> _CompiledCondition:
        return _CompiledCondition(self.sql, self.params, change_map.get(self.alias, self.alias))

    def get_group_by_cols(self) -> list[Any]:
        return []


# The alias the rows' table has while a rule is compiled: no table or column is named so.
_ROWS_ALIAS = "rule_rows_compiled_once"
_ROWS = f"{_ROWS_ALIAS}."


Rows = TypeVar("Rows", bound=QuerySet[Any, Any])


class Rule(Protocol):
    condition: Callable[..., models.Q]  # the builder: its `Q`, for tests to compare with

    def __call__(self, rows: Rows, person_id: int, *shape: Hashable) -> Rows: ...


def compiled_rule(build: Callable[..., models.Q]) -> Rule:
    """``build(person_id, *shape)`` gives a `visible_to` condition as a `Q` on the rows' own
    columns (and subqueries); the function this returns, ``rule(rows, person_id, *shape)``,
    filters ``rows`` by it, compiled once per process, model and shape.

    Why: with its blocks compiled once (`compiled_once`), a rule still cost Django about
    0.4 ms a request to build into the filter and compile (a chain analysis's six
    conditions), more than PostgreSQL took to run it (docs/performance.md). The `Q` stays
    the one definition, compiled by Django itself; only its text is kept, with the person's
    id put in where it stood, as `compiled_once` does. The text names the rows' table by an
    alias of its own, replaced when the query is rendered by whatever alias Django gives the
    table then, so it stays right inside a subquery. A condition that would join another
    table is refused: its alias could not follow.
    """
    compiled: dict[tuple[str, type, tuple[Hashable, ...]], _Compiled] = {}

    @functools.wraps(build)
    def rule(rows: Rows, person_id: int, *shape: Hashable) -> Rows:
        key = (connection.vendor, rows.model, shape)
        if key not in compiled:
            query = rows.model._default_manager.filter(build(_SOMEONE, *shape)).query
            table = query.get_initial_alias()
            # Django sets up a join for `team_id` and trims it unused: only a used one counts.
            if any(n for alias, n in query.alias_refcount.items() if alias != table):
                raise ImproperlyConfigured(f"{build.__name__} joins another table.")
            query.change_aliases({table: _ROWS_ALIAS})
            sql, params = query.get_compiler(connection=connection).compile(query.where)
            compiled[key] = (sql, tuple(params), _person_places(params, build))
        sql, params, places = compiled[key]
        values = _put_in(params, places, person_id)
        # The alias the query already gives its table, or the one Django will (the table's name).
        alias = next(iter(rows.query.alias_map), rows.model._meta.db_table)
        return rows.filter(_CompiledCondition(sql, values, alias))

    rule.condition = build  # type: ignore[attr-defined]
    return rule  # type: ignore[return-value]


@compiled_once
def member_team_ids(person_id: int, roles: tuple[Role, ...] | None) -> QuerySet[Any, Any]:
    memberships = Membership.objects.filter(user_id=person_id, is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("team_id")


def team_ids_of(user: AnyUser, roles: Iterable[Role] | None = None) -> QuerySet[Membership, Any]:
    """Ids of the teams where ``user`` is an active member (in one of ``roles``, if given), as
    a queryset for rules that ask `.exists()` or filter further. Inactive people and former
    members get an empty set. `visible_to` uses `team_ids_subquery`, the same rule compiled."""
    if not is_active_person(user):
        return Membership.objects.none().values("team_id")
    shape = None if roles is None else tuple(roles)
    return member_team_ids.queryset(user.pk, shape)  # type: ignore[attr-defined,no-any-return]


def team_ids_subquery(user: User, roles: Iterable[Role] | None = None) -> RawSQL:
    """`team_ids_of` for `visible_to`: the same subquery, compiled once. ``user`` must be an
    active person (every `visible_to` has answered `none()` to anyone else already)."""
    return member_team_ids(user.pk, None if roles is None else tuple(roles))


def _granted_directly(
    person_id: int, user_perm_model: type[models.Model], codenames: tuple[str, ...]
) -> QuerySet[Any, Any]:
    return user_perm_model._default_manager.filter(
        user_id=person_id, permission__codename__in=list(codenames)
    ).values("content_object_id")


def _granted_via_groups(
    person_id: int, group_perm_model: type[models.Model], codenames: tuple[str, ...]
) -> QuerySet[Any, Any]:
    return group_perm_model._default_manager.filter(
        group_id__in=Group.objects.filter(user__id=person_id).values("pk"),
        permission__codename__in=list(codenames),
    ).values("content_object_id")


def grant_parts(
    person_id: int,
    user_perm_model: type[models.Model],
    group_perm_model: type[models.Model],
    codenames: tuple[str, ...],
) -> tuple[QuerySet[Any, Any], QuerySet[Any, Any]]:
    """The ORM definitions of the ids of objects granted to a person directly and through
    their groups, as parts for `union_of` (in a builder that `compiled_once` compiles)."""
    return (
        _granted_directly(person_id, user_perm_model, codenames),
        _granted_via_groups(person_id, group_perm_model, codenames),
    )


def union_of(*parts: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """One subquery of ids from several, each part still reading its own index.

    Why a union: `x IN (a UNION ALL b)` is one block of a rule to build and one hashed set
    for PostgreSQL to look in, where `x IN a OR x IN b` is two of each; and one OR'ed
    subquery (`WHERE user = ... OR group IN ...`) would lose both indexes (FIELD-NOTES on
    guardian at a million rows). A compound statement admits no ordering in its parts, so
    theirs are dropped (an ordering changes no set of ids).
    """
    first, *rest = (part.order_by() for part in parts)
    return first.union(*rest, all=True)


@compiled_once
def _granted(
    person_id: int,
    user_perm_model: type[models.Model],
    group_perm_model: type[models.Model],
    codenames: tuple[str, ...],
) -> QuerySet[Any, Any]:
    return union_of(*grant_parts(person_id, user_perm_model, group_perm_model, codenames))


def granted_ids(
    person_id: int,
    user_perm_model: type[models.Model],
    group_perm_model: type[models.Model],
    codenames: str | Iterable[str],
) -> RawSQL:
    """Ids of objects granted to the person directly or through their groups, as one
    subquery (compiled once; the person must be active)."""
    names = (codenames,) if isinstance(codenames, str) else tuple(codenames)
    return _granted(person_id, user_perm_model, group_perm_model, names)


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
