"""Days relative to the day a test runs, worked out while it runs.

A module constant or a parametrize value is computed once, when the suite is collected. A suite
started shortly before midnight (in TIME_ZONE, UTC) runs its later tests on the next day, where
the "tomorrow" it computed is today and no longer in the future, and "today" is yesterday. So a
test asks for its days inside its body, and a parametrize case names a day by a function (for
example ``tomorrow``) that ``resolved`` calls when the test runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone


def today() -> dt.date:
    """Today as the product sees it (``timezone.localdate()``)."""
    return timezone.localdate()


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)


def resolved(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with each function (a day named in a parametrize case) replaced by what it
    returns now."""
    return {key: value() if callable(value) else value for key, value in values.items()}
