"""Every process's health, with real processes: gunicorn serving /healthz, a Celery beat with
the heartbeat scheduler, a worker, and the stack's own Redis and PostgreSQL database
(tests/reminder_stack.py). Beat's heartbeat and the worker's (sent by beat, through the broker)
make /healthz report both ok; stopped, both go stale and are reported down while web stays 200.
Compose's checks run as compose runs them: `celery inspect ping` at this worker, and
`manage.py health beat`. Through gunicorn too: the client's address behind a trusted proxy.

Slow, and only on the PostgreSQL and Redis run: processes that share a database need a server
(SQLite's file works too, but the embedded run is kept fast)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import requires_postgres, requires_redis
from tests.paths import ROOT
from tests.reminder_stack import CELERY, REDIS_SERVER, Stack, postgres_server, wait_for
from tests.smtp_capture import free_port

pytestmark = [
    pytest.mark.slow,
    requires_postgres(),
    requires_redis(),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server binary"),
]

STALE_SECONDS = 3
TRUSTED = "127.0.0.1"  # the proxy, as gunicorn sees it
STRANGER = "127.0.0.2"  # another peer on loopback, not a trusted proxy
CLINIC = "203.0.113.5"


class Web:
    """gunicorn on a free loopback port, in the stack's environment."""

    def __init__(self, stack: Stack) -> None:
        self.port = free_port()
        stack._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "consultteam.wsgi:application",
                *("--bind", f"127.0.0.1:{self.port}", "--workers", "1"),
            ],
        )
        wait_for(self._listening, timeout=60, what="gunicorn to listen")

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
        except OSError:
            return False
        return True

    def request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        source: str = TRUSTED,
    ) -> tuple[int, Any]:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            sent = {"Host": "127.0.0.1", **(headers or {})}
            payload = None
            if body is not None:
                payload = json.dumps(body)
                sent["Content-Type"] = "application/json"
            conn.request(method, path, body=payload, headers=sent)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw

    def health(self) -> dict[str, Any]:
        status, body = self.request("GET", "/healthz")
        assert status == 200, (status, body)
        answer: dict[str, Any] = body
        return answer


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(folder=tmp_path, smtp_port=free_port(), postgres=postgres_server())
    stack.settings.update(
        {
            "HEARTBEAT_SECONDS": "1",
            "HEARTBEAT_STALE_SECONDS": str(STALE_SECONDS),
            "TRUSTED_PROXIES": TRUSTED,
        }
    )
    try:
        stack.start_redis()
        stack.prepare(0)
        yield stack
    finally:
        stack.close()


def _show_logs(stack: Stack) -> str:
    return "\n".join(f"--- {name}\n{stack.log(name)}" for name in ("web", "worker", "beat"))


def _run(stack: Stack, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=ROOT,
        env=stack.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _ping_worker(stack: Stack) -> int:
    """Compose's worker check, at the stack's worker (named worker@<host>)."""
    node = f"worker@{socket.gethostname()}"
    return _run(
        stack, *CELERY, "inspect", "ping", "--destination", node, "--timeout", "10"
    ).returncode


def test_beat_and_worker_heartbeats_reach_healthz_and_go_stale(stack):
    web = Web(stack)
    # Nothing has run yet: web serves, and names beat and worker down.
    before = web.health()
    assert before["status"] == "degraded"
    assert before["checks"]["beat"]["ok"] is False

    stack.start_worker("worker")
    stack.start_beat("beat")
    try:
        wait_for(
            lambda: web.health()["status"] == "ok",
            timeout=90,
            what="beat's and the worker's heartbeats in /healthz",
        )
    except AssertionError:
        pytest.fail(_show_logs(stack))
    assert _ping_worker(stack) == 0
    assert _run(stack, sys.executable, "manage.py", "health", "beat").returncode == 0

    stack.stop("beat")
    stack.stop("worker")
    wait_for(
        lambda: not any(web.health()["checks"][part]["ok"] for part in ("beat", "worker")),
        timeout=STALE_SECONDS + 30,
        what="the heartbeats to go stale",
    )
    after = web.health()  # still 200: web serves without beat
    assert after["status"] == "degraded"
    assert after["checks"]["database"]["ok"]
    assert after["checks"]["broker"]["ok"]
    assert after["checks"]["beat"]["age_seconds"] > STALE_SECONDS
    beat_check = _run(stack, sys.executable, "manage.py", "health", "beat")
    assert beat_check.returncode == 1, beat_check.stderr
    assert "down: beat" in beat_check.stderr
    assert _ping_worker(stack) != 0


def test_through_gunicorn_the_client_behind_the_proxy_is_recorded(stack):
    web = Web(stack)
    attempt = {"email": "fault-test@example.org", "password": "Wrong-Password-4711"}
    forwarded = {"X-Forwarded-For": CLINIC}

    via_proxy = web.request("POST", "/api/v1/auth/token/", body=attempt, headers=forwarded)
    spoofed = web.request(
        "POST", "/api/v1/auth/token/", body=attempt, headers=forwarded, source=STRANGER
    )
    # A load balancer's probe: its own Host, plain HTTP.
    probe, _ = web.request("GET", "/healthz", headers={"Host": "10.0.3.17:8000"})

    assert via_proxy[0] == spoofed[0] == 400
    rows = stack._select(
        "SELECT ip FROM audit_auditevent WHERE action = 'LOGIN_FAILED' ORDER BY id"
    )
    assert [ip for (ip,) in rows] == [CLINIC, STRANGER]
    assert probe == 200
