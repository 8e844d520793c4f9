"""Reading what a real SMTP server (aiosmtpd, tests/smtp_capture.py) accepted: each message's
text and HTML parts, and the link in it. For the invitation and password-reset tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from tests.smtp_capture import SmtpServer, smtp_server_running


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    """Mail goes through Django's SMTP backend to a real server on loopback."""
    with smtp_server_running() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        yield server


def parts(message: EmailMessage) -> dict[str, str]:
    """The message's text/plain and text/html parts, decoded."""
    found: dict[str, str] = {}
    for part in message.walk():
        if not part.is_multipart():
            found[part.get_content_type()] = str(part.get_content())
    return found


def link_in(message: EmailMessage, path_start: str) -> str:
    """The one link in the text part whose path starts with ``path_start``, as a path."""
    text = parts(message)["text/plain"]
    links = set(re.findall(rf"https?://[^/\s]+({re.escape(path_start)}\S+)", text))
    assert len(links) == 1, links
    return str(links.pop())


def sent(server: SmtpServer) -> list[EmailMessage]:
    return [accepted.message for accepted in server.recorder.accepted]
