"""A real SMTP server on loopback (aiosmtpd) that records what it accepts, for the reminder
tests: in a thread of the test process, reachable by worker subprocesses too.

`Recorder.reply_with` makes it answer every message with that reply instead of accepting it
(a 4xx to test retries, a 5xx to test refusals); `Recorder.hold_next()` makes it hold the next
message before answering, so a test can kill the sender while it waits for the answer (a kill
outside the accept-to-recorded window), or let it go and see it accepted
(`Recorder.held_accepted`), then kill the sender before it records the message as sent (a kill
inside that window)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

# aiosmtpd logs every command at INFO; the tests read what was accepted, not the dialogue.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Accepted:
    message_id: str
    accepted_at: float  # time.time() when the server answered 250
    message: EmailMessage


@dataclass
class Recorder:
    accepted: list[Accepted] = field(default_factory=list)
    reply_with: str | None = None
    holding: threading.Event | None = None
    hold_after: int = 0  # hold the first message that comes once this many were accepted
    held: threading.Event = field(default_factory=threading.Event)
    # The message held last, once it was let go and accepted (None if the sender went away).
    held_accepted: Accepted | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hold_next(self, *, after: int = 0) -> threading.Event:
        """Hold the next message before answering (the next once ``after`` were accepted: set
        before the sender starts, the hold lands at that point however fast it sends); set the
        returned event to let it go."""
        self.held.clear()
        self.held_accepted = None
        self.hold_after = after
        self.holding = threading.Event()
        return self.holding

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply_with is not None:
            return self.reply_with
        was_held = False
        if self.holding is not None and len(self.accepted) >= self.hold_after:
            release, self.holding = self.holding, None
            self.held.set()
            while not release.is_set():
                await asyncio.sleep(0.05)
            # The sender went away while we held its message: it never heard a 250, so the
            # message was not accepted.
            if server.transport is None or server.transport.is_closing():
                return "421 sender gone"
            was_held = True
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            item = Accepted(str(message["Message-ID"]), time.time(), message)
            self.accepted.append(item)
            if was_held:
                self.held_accepted = item
        return "250 OK"

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(item.message_id for item in self.accepted)


def free_port() -> int:
    """A loopback port nobody listens on at this moment (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpServer:
    port: int
    recorder: Recorder


@contextmanager
def smtp_server_running(port: int | None = None) -> Iterator[SmtpServer]:
    """Test modules make their `smtp_server` fixture from this."""
    recorder = Recorder()
    port = port or free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, recorder)
    finally:
        controller.stop()
