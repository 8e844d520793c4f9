"""Reading only what an answer shows of the rows joined to a list, and filtering by a joined
row's public id without joining it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet, Subquery

Rows = TypeVar("Rows", bound=QuerySet[Any, Any])


def only_shown(rows: Rows, *joined: str) -> Rows:
    """Every column of ``rows`` themselves, but of the rows joined to them (select_related) only
    the ``joined`` fields the answer shows, such as ``"author__display_name"``.

    Why: a list renders a person's name or a case's code, and without this each row would
    bring the joined records whole (a person's password hash, a chain analysis's worksheet),
    which costs the database, the wire and, most of all, Django's building of the query and of
    the objects. A joined field that is not named is fetched on first use, one query per row:
    the list endpoints' query budgets (tests/test_list_query_budgets.py) catch that.
    """
    own = [field.name for field in rows.model._meta.concrete_fields]
    return rows.only(*own, *joined)


def key_of(model: type[models.Model], public_id: object) -> Subquery:
    """The key of the ``model`` row with this public id, as a subquery for ``<fk>_id=``: the
    database looks it up once, before the scan, and then filters the indexed foreign key.

    Why: ``team__public_id=`` joins the team to every row first and filters after. On the
    audit trail, PostgreSQL then joined and sorted a quarter's events (about 3,000) to give
    50, three times the floor; with the key known up front it reads like the floor
    (docs/performance.md). No such row: the subquery is NULL and nothing matches, as before.
    """
    return Subquery(model._default_manager.filter(public_id=public_id).values("pk")[:1])
