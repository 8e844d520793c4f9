"""Read PostgreSQL's timestamps with psycopg's compiled loader, as Django would with its own.

Django registers its own loader for ``timestamptz`` on every connection, to give each value
the zone Django expects (`BaseTzLoader` in django/db/backends/postgresql/psycopg_any.py). It
derives from psycopg's pure-Python loader: the compiled one of ``psycopg[binary]`` cannot be
subclassed. So every timestamp the project reads is parsed in Python, about 9 µs a value
against 0.6 µs: 0.7 ms of an agenda of 19 items (76 timestamps), more than its SQL's own
execution (docs/performance.md; Django ticket 36960, psycopg issue 1273).

`TimestampLoader` is Django's loader with the parsing done by the compiled one: the same value
(psycopg's parse, whichever implementation), then Django's own step (`.replace` with the zone
Django set). It is registered on each new connection when the compiled loader is there, and
keeps Django's ``timezone`` attribute, which Django compares when it makes a cursor.

It relies on two names of psycopg's, pinned by tests/core/test_psycopg_datetimes.py: the
adapters map's ``_get_optimised`` (the compiled class standing for a Python one) and the
loader's ``load``.
"""

from __future__ import annotations

from typing import Any

TIMESTAMPTZ = "timestamptz"


def faster_timestamps(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On a new PostgreSQL connection (Django's ``connection_created``), read its timestamps
    with the compiled loader, in Django's zone."""
    if connection.vendor != "postgresql":
        return
    from psycopg.pq import Format
    from psycopg.types.datetime import TimestamptzLoader

    adapters = connection.connection.adapters
    compiled = adapters._get_optimised(TimestamptzLoader)
    if compiled is TimestamptzLoader:  # pure-Python psycopg: nothing faster to use
        return
    oid = adapters.types[TIMESTAMPTZ].oid
    djangos = adapters.get_loader(oid, Format.TEXT)
    adapters.register_loader(TIMESTAMPTZ, _faster(djangos, compiled))


_MADE: dict[tuple[type, type], type] = {}


def _faster(djangos: type, compiled: type) -> type:
    """Django's loader class (one per zone), parsing with ``compiled``; made once a pair."""
    made = _MADE.get((djangos, compiled))
    if made is None:

        class TimestampLoader(djangos):  # type: ignore[misc]
            def __init__(self, oid: int, context: Any = None) -> None:
                super().__init__(oid, context)
                self._parse = compiled(oid, context).load

            def load(self, data: Any) -> Any:
                return self._parse(data).replace(tzinfo=self.timezone)

        made = _MADE[(djangos, compiled)] = TimestampLoader
    return made
