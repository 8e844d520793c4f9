"""How the API pages its lists."""

from __future__ import annotations

from copy import copy
from typing import Any

from django.core.exceptions import ImproperlyConfigured
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


class PagedRead:
    """A compiled read of rows (consultteam/compiled.py) as `NewestFirst` pages a queryset: DRF's
    `CursorPagination` orders what it pages (by ``-<key>``, or by ``<key>`` for the page before a
    cursor), filters it by the cursor's position (``<key>__lt`` or ``<key>__gt``) and slices a
    page plus one row. Those three calls are all this answers; each gives the read's rows for
    its shape ``newer`` (after the position, in the key's order) and its parameter ``position``,
    with the page's size as the read's limit. The rest of the paging (cursors, links, the
    order of a page before) is DRF's own, unchanged.

    Why: building and compiling a list's query on every request was most of its cost
    (docs/performance.md). tests/core/test_paged_read.py pins the three calls DRF makes.
    """

    # Where the first page starts: after every key, or (reading newer rows first) before any.
    FIRST = {False: 2**62, True: 0}

    def __init__(self, read: Any, key: str = "id", **values: Any) -> None:
        self.read, self.key, self.values = read, key, values
        self.newer = False
        self.position: int | None = None

    def order_by(self, *ordering: str) -> PagedRead:
        if ordering not in {(f"-{self.key}",), (self.key,)}:
            raise ImproperlyConfigured(f"PagedRead pages by {self.key} alone, not {ordering}.")
        paged = copy(self)
        paged.newer = ordering == (self.key,)
        return paged

    def filter(self, **lookup: Any) -> PagedRead:
        ((name, value),) = lookup.items()
        if name != f"{self.key}__{'gt' if self.newer else 'lt'}":
            raise ImproperlyConfigured(f"PagedRead filters by its position, not by {name}.")
        paged = copy(self)
        try:
            paged.position = int(value)
        except (TypeError, ValueError):
            raise NotFound(CursorPagination.invalid_cursor_message) from None
        return paged

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        if page.start:  # an offset: DRF makes one only for keys that tie, and ours never do
            raise NotFound(CursorPagination.invalid_cursor_message)
        position = self.FIRST[self.newer] if self.position is None else self.position
        rows: list[dict[str, Any]] = self.read(
            position=position, newer=self.newer, limit=page.stop, **self.values
        )
        return rows
