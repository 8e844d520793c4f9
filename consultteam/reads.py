"""Reading only what an answer shows of the rows joined to a list."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

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
