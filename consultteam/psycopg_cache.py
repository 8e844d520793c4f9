"""Let psycopg keep its conversion of our compiled statements, as it keeps short ones'.

psycopg converts a statement's ``%s`` placeholders to PostgreSQL's ``$1`` on every execution,
and caches the conversion only for statements up to 4 KB with up to 50 parameters (the limits
guard its cache against an ORM's one-off ``INSERT ... VALUES`` of any length). Our compiled
reads (consultteam/compiled.py) are a handful of fixed texts run on every request, and the
longest run to 9 KB and 90 parameters: the chain analysis detail (6 KB) was converted again on
every request, 0.6M of its 7.3M instructions (docs/performance.md).

The limits are module constants of ``psycopg._queries``, read at each execution; raising them
keeps a cache of at most 128 conversions (psycopg's own bound), now of up to 16 KB each.
tests/core/test_psycopg_cache.py pins both the names and that a long compiled read is
converted once.
"""

from __future__ import annotations

LONGEST_CACHED = 16 * 1024
MOST_PARAMETERS_CACHED = 200


def cache_compiled_statements() -> None:
    try:
        from psycopg import _queries
    except ImportError:  # SQLite only: no psycopg installed, nothing converts
        return
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, LONGEST_CACHED)
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(
        _queries.MAX_CACHED_STATEMENT_PARAMS, MOST_PARAMETERS_CACHED
    )
