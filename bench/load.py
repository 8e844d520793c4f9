"""A small HTTP load generator and a gunicorn to point it at, for bench/api.py.

Threads, each with its own connection, send GET requests back to back for a fixed time; the
latency of each is recorded (connection set-up included: gunicorn's sync workers close the
connection after every answer, as a client behind a proxy would see it).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LoadResult:
    latencies_ms: list[float]
    errors: int
    seconds: float

    def __add__(self, other: LoadResult) -> LoadResult:
        return LoadResult(
            self.latencies_ms + other.latencies_ms,
            self.errors + other.errors,
            self.seconds + other.seconds,
        )

    def _at(self, share: float) -> float:
        ordered = sorted(self.latencies_ms) or [0.0]
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds

    @property
    def p50_ms(self) -> float:
        return self._at(0.5)

    @property
    def p95_ms(self) -> float:
        return self._at(0.95)

    def __str__(self) -> str:
        return (
            f"{self.per_second:6.0f} req/s  p50 {self.p50_ms:6.1f} ms  p95 {self.p95_ms:6.1f} ms"
            f"  ({len(self.latencies_ms)} requests, {self.errors} errors)"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(*, workers: int) -> Iterator[str]:
    """gunicorn serving the bench settings (the product plus the raw reference endpoint) on a
    free loopback port; yields its base URL and stops it afterwards."""
    port = _free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.http_settings")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "consultteam.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(url: str, token: str | None, concurrency: int, seconds: float) -> LoadResult:
    """GET ``url`` from ``concurrency`` threads for ``seconds`` (after a short warm-up)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Authorization": f"Token {token}"} if token else {}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    warm_until = time.monotonic() + min(2.0, seconds / 5)
    stop_at = warm_until + seconds

    def worker() -> None:
        mine: list[float] = []
        failed = 0
        while (now := time.monotonic()) < stop_at:
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, parts.port, timeout=30)
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                conn.close()
            except OSError:
                ok = False
            elapsed = time.perf_counter() - start
            if now >= warm_until:
                if ok:
                    mine.append(elapsed)
                else:
                    failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult([x * 1000 for x in latencies], errors[0], seconds)
