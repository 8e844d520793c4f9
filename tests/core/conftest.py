"""What the core's tests share beyond the cast of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from consultteam.textcheck.engine import invalidate_rules
from tests.core.mail_links import smtp  # noqa: F401 (a real SMTP server, for mail tests)


@pytest.fixture
def fresh_language_rules() -> Iterator[None]:
    """The compiled language rules are cached per team id in the process, and a test's rows are
    rolled back without a signal (ids come back after a rollback): the cache is cleared around
    the test."""
    invalidate_rules()
    yield
    invalidate_rules()
