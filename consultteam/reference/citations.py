"""What cites an assumption or an agreement, for its reference page.

The citing records (TIB entries, chain analyses, feedback) live in the clinical record, which
the shared reference data cannot import. So the app that keeps them registers, in its
`ready()`, one function that finds what cites a row among what a reader may see:

    register(cited_by)

Nothing registered, nothing cited: the page says nothing draws on it.
"""

from __future__ import annotations

from collections.abc import Callable

from consultteam.access import AnyUser
from consultteam.reference.models import Agreement, Assumption

# Takes the reader and the row; returns what the page lists (falsy when nothing cites it).
CitedByFinder = Callable[[AnyUser, Assumption | Agreement], object]

_finders: list[CitedByFinder] = []


def register(finder: CitedByFinder) -> None:
    """Name the function that finds what cites a row. Registering again replaces it; safe to
    call twice."""
    _finders[:] = [finder]


def cited_by(user: AnyUser, row: Assumption | Agreement) -> object:
    """What cites ``row`` among what ``user`` may see, as the registered finder reads it (its
    own queries); None if no app registered one."""
    return _finders[0](user, row) if _finders else None
