"""What the reminder tests share: a real SMTP server on loopback for the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.smtp_capture import SmtpServer, smtp_server_running


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server (aiosmtpd) on a free loopback port, recording what it accepts; stopped
    after the test."""
    with smtp_server_running() as server:
        yield server
