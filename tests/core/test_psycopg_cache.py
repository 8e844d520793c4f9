"""psycopg keeps its conversion of our long compiled statements (consultteam/psycopg_cache.py):
the names that module sets are still psycopg's, and the chain analysis detail, longer than
psycopg's own limit, is converted once, not on every request."""

from __future__ import annotations

import pytest

from cases.chain_detail import chain_worksheet
from consultteam import psycopg_cache
from tests.conftest import requires_postgres

pytestmark = pytest.mark.django_db


@requires_postgres()
def test_psycopg_still_reads_its_limits_from_module_constants():
    from psycopg import _queries

    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= psycopg_cache.LONGEST_CACHED
    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= psycopg_cache.MOST_PARAMETERS_CACHED
    assert hasattr(_queries._query2pg, "cache_info")  # the cache the limits guard


@requires_postgres()
def test_a_long_compiled_read_is_converted_once(world):
    from psycopg import _queries

    chain_worksheet(person=world.tara.pk, public_id=world.tara_chain_draft.public_id)
    (text,) = chain_worksheet._texts.values()
    assert len(text.sql) > 4096, "no longer longer than psycopg's own limit: drop the module"
    before = _queries._query2pg.cache_info().hits
    for _ in range(3):
        assert chain_worksheet(person=world.tara.pk, public_id=world.tara_chain_draft.public_id)
    assert _queries._query2pg.cache_info().hits >= before + 3
