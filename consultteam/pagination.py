"""How the API pages its lists."""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Newest first, by id, 50 a page (``page_size`` up to 200).

    Ids grow with time and never change, so the order is stable while rows are edited, and a
    cursor stays as fast deep into the list as on its first page (docs/performance.md).
    """

    ordering: str | tuple[str, ...] = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirstInTime(NewestFirst):
    """Newest first by the time a row records (`at`), ties by id: for the audit trail, which is
    filtered by a period of `at`, so one index serves the filter and the order together."""

    ordering = ("-at", "-id")


@dataclass(frozen=True)
class Order:
    """The order a compiled read is paged in, newest first: by ``keys`` (the first is the
    cursor's position, the others break its ties), the position parsed by ``parse`` (a
    cursor's text is the client's: anything else answers 404), and where a first page
    starts, reading older rows (``first_older``) or newer ones (``first_newer``)."""

    keys: tuple[str, ...]
    parse: Callable[[str], Any]
    first_older: Any
    first_newer: Any

    @property
    def ordering(self) -> tuple[str, ...]:
        return tuple(f"-{key}" for key in self.keys)


BY_ID = Order(("id",), int, 2**62, 0)


class PagedRead:
    """A compiled read of rows (consultteam/compiled.py) as `NewestFirst` pages a queryset: DRF's
    `CursorPagination` orders what it pages (newest first, or oldest first for the page before
    a cursor), filters it by the cursor's position (``<key>__lt`` or ``<key>__gt``) and slices
    a page plus one row. Those three calls are all this answers; each gives the read's rows
    for its shape ``newer`` (after the position, oldest first) and its parameter ``position``,
    with the page's size as the read's limit. The rest of the paging (cursors, links, the
    order of a page before) is DRF's own, unchanged.

    A cursor with an offset (DRF makes one when the position ties across a page's end) is read
    from ``orm``, the read's ORM definition as a queryset, with DRF's own three calls.

    Why: building and compiling a list's query on every request was most of its cost
    (docs/performance.md). tests/core/test_paged_read.py pins the three calls DRF makes.
    """

    def __init__(
        self,
        read: Any,
        order: Order = BY_ID,
        orm: Callable[[], QuerySet[Any, Any]] | None = None,
        **values: Any,
    ) -> None:
        self.read, self.order, self.orm, self.values = read, order, orm, values
        self.newer = False
        self.lookup: dict[str, Any] = {}
        self.position: Any = None

    def order_by(self, *ordering: str) -> PagedRead:
        newest, oldest = self.order.ordering, self.order.keys
        if ordering not in {newest, oldest}:
            raise ImproperlyConfigured(f"PagedRead pages by {newest}, not {ordering}.")
        paged = copy(self)
        paged.newer = ordering == oldest
        return paged

    def filter(self, **lookup: Any) -> PagedRead:
        ((name, value),) = lookup.items()
        if name != f"{self.order.keys[0]}__{'gt' if self.newer else 'lt'}":
            raise ImproperlyConfigured(f"PagedRead filters by its position, not by {name}.")
        paged = copy(self)
        try:
            paged.position = self.order.parse(value)
        except (TypeError, ValueError, ValidationError):
            raise NotFound(CursorPagination.invalid_cursor_message) from None
        if paged.position is None:
            raise NotFound(CursorPagination.invalid_cursor_message)
        paged.lookup = {name: paged.position}
        return paged

    def __getitem__(self, page: slice) -> list[Any]:
        if page.start:
            if self.orm is None:  # an offset: DRF makes one only for keys that tie
                raise NotFound(CursorPagination.invalid_cursor_message)
            ordering = self.order.keys if self.newer else self.order.ordering
            return list(self.orm().order_by(*ordering).filter(**self.lookup)[page])
        first = self.order.first_newer if self.newer else self.order.first_older
        rows: list[dict[str, Any]] = self.read(
            position=first if self.position is None else self.position,
            newer=self.newer,
            limit=page.stop,
            **self.values,
        )
        return rows
