"""How the API pages its lists."""

from __future__ import annotations

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
