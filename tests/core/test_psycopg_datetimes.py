"""Timestamps are read with psycopg's compiled loader, giving what Django's own loader gives
(consultteam/psycopg_datetimes.py): the names of psycopg's that module relies on are still
there, every connection Django opens uses it, and values (the ends of the calendar, fractions
of a second, offsets PostgreSQL turns to the session's zone, NULL) read the same both ways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from consultteam.audit.models import Action, AuditEvent
from tests.conftest import requires_postgres

pytestmark = [pytest.mark.django_db, requires_postgres()]

TEXTS = [
    "2026-12-07 18:06:22.123456+00",
    "2026-03-29 02:30:00+02",  # a clock change elsewhere: PostgreSQL answers in the session's
    "1999-12-31 23:59:59.999999-11",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2024-02-29 12:00:00+05:45",
]


def _read(texts: list[str], loader: type | None) -> list[dt.datetime | None]:
    """``texts`` cast to timestamptz by PostgreSQL and read back, with ``loader`` on this
    cursor only (None: the connection's own)."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        if loader is not None:
            cursor.adapters.register_loader("timestamptz", loader)
        cursor.execute(
            "SELECT value::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(value, n) "
            "ORDER BY n",
            [[*texts, None]],
        )
        return [row[0] for row in cursor.fetchall()]


def test_psycopg_still_offers_its_compiled_loader_under_the_name_relied_on():
    from psycopg import adapters
    from psycopg.types.datetime import TimestamptzLoader

    compiled = adapters._get_optimised(TimestamptzLoader)
    assert compiled is not TimestamptzLoader, "psycopg[binary] is a dependency: it should be here"
    assert callable(compiled.load)


def test_every_connection_reads_timestamps_with_it_in_djangos_zone():
    from psycopg.pq import Format

    connection.ensure_connection()
    adapters = connection.connection.adapters
    loader = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    assert loader.__name__ == "TimestampLoader"
    djangos = loader.__mro__[1]
    assert djangos.__module__ == "django.db.backends.postgresql.psycopg_any"
    # Django compares this when it makes a cursor, to register its own loader if it differs.
    assert loader.timezone == djangos.timezone == connection.timezone


def test_values_read_as_djangos_loader_reads_them():
    from psycopg.pq import Format

    connection.ensure_connection()
    adapters = connection.connection.adapters
    djangos = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT).__mro__[1]
    fast, slow = _read(TEXTS, None), _read(TEXTS, djangos)
    assert fast == slow
    assert [value.tzinfo if value else None for value in fast] == [
        value.tzinfo if value else None for value in slow
    ]
    assert fast[0] == dt.datetime(2026, 12, 7, 18, 6, 22, 123456, tzinfo=dt.UTC)
    assert fast[-1] is None


def test_the_orm_reads_the_instant_it_wrote():
    at = dt.datetime(2026, 12, 7, 18, 6, 22, 654321, tzinfo=dt.UTC)
    # The database stamps an event's own time unless its owner switches maintenance on.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL consultteam.audit_maintenance = 'on'")
        event = AuditEvent.objects.create(action=Action.LOGIN_FAILED, object_type="user", at=at)
    assert AuditEvent.objects.values_list("at", flat=True).get(pk=event.pk) == at
