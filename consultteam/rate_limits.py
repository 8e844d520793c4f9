"""Counting requests against an hourly ceiling in the shared cache (Redis when configured), for
actions that send mail: invitations per inviter, password-reset emails per address.

A fixed window: the first request of a key starts an hour; every request in it counts, refused
or not, so hammering does not buy a fresh window. Keys are hashed, so an email address typed
into a form never sits in the cache in clear.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from consultteam.errors import DomainError

WINDOW_SECONDS = 3600


class TooManyRequests(DomainError):
    status = 429

    def __init__(self, what: str) -> None:
        super().__init__(f"Too many {what} in the last hour. Try again in an hour.")


def _key(scope: str, who: str) -> str:
    return f"rate:{scope}:{hashlib.sha256(who.encode()).hexdigest()}"


def spend(*, scope: str, who: str, per_hour: int, what: str) -> None:
    """Count one request of ``who`` in ``scope``; raise TooManyRequests (429) past
    ``per_hour``. Not idempotent: every call counts."""
    key = _key(scope, who)
    # add() starts the window only if none is running; incr() is atomic in Redis and locmem.
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr(): start a new one
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    if count > per_hour:
        raise TooManyRequests(what)
