"""A stand-in for Sentry's ingest endpoint on loopback: records every envelope the SDK sends.

The SDK posts envelopes (a header line, then item header and payload lines), gzip-compressed,
to /api/<project>/envelope/. The raw bytes are kept, decompressed, so a test can search all of
what left the process, and the events among them are parsed.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Ingest:
    def __init__(self) -> None:
        self.envelopes: list[bytes] = []
        self._lock = threading.Lock()
        ingest = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                with ingest._lock:
                    ingest.envelopes.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the test reads what was sent, not the server's chatter

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/1"

    def __enter__(self) -> Ingest:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def raw(self) -> bytes:
        with self._lock:
            return b"\n".join(self.envelopes)

    def events(self) -> list[dict[str, Any]]:
        """Every item of type "event" in the envelopes received so far."""
        events = []
        with self._lock:
            envelopes = list(self.envelopes)
        for envelope in envelopes:
            lines = envelope.split(b"\n")
            # lines[0] is the envelope's header; then item header, payload, item header...
            index = 1
            while index + 1 < len(lines):
                header = json.loads(lines[index]) if lines[index].strip() else {}
                payload = lines[index + 1]
                if header.get("type") == "event":
                    events.append(json.loads(payload))
                index += 2
        return events

    def wait_for_events(self, count: int, *, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.events()) >= count:
                return self.events()
            time.sleep(0.1)
        raise AssertionError(f"{len(self.events())} events after {timeout:.0f}s, not {count}")
