"""Monitoring with real processes: a request's id in a real worker's log lines, a worker's error
report scrubbed on its way to a loopback ingest, and gunicorn with two worker processes whose
JSON lines and shared metrics an operator would read.

Slow (processes start and load Django), so only in the PostgreSQL and Redis pass.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from consultteam import request_ids
from consultteam.celery import app
from consultteam.tasks import ping
from tests.conftest import requires_postgres, requires_redis
from tests.paths import ROOT
from tests.reminder_stack import Stack, postgres_server, wait_for
from tests.sentry_ingest import Ingest
from tests.smtp_capture import free_port

pytestmark = [pytest.mark.slow, requires_redis(), requires_postgres()]

REQUEST_ID = "req-test-worker-0001"
ARGUMENT_MARKER = "argument-marker-61b4"
QUERY_MARKER = "query-marker-2c7d"
TOKEN = "metrics-token-for-the-tests-only-0123456789abcdef"
# An API list that answers 401 to the anonymous: a route, with no template or static file (the
# test does not run collectstatic).
TEAMS = "/api/v1/teams/"


def start_worker(queue: str, log: Path, **settings: str) -> subprocess.Popen[bytes]:
    """`celery worker` on a queue of its own (no other worker takes the test's tasks), with the
    run's database and broker and ``settings`` on top, writing its lines to ``log``."""
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "consultteam", "worker"),
            *("--pool=solo", "--loglevel=INFO", "-Q", queue, "-n", f"{queue}@%h"),
            *("--without-heartbeat", "--without-gossip", "--without-mingle"),
        ],
        cwd=ROOT,
        env={**os.environ, **settings},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def json_lines(text: str) -> list[dict[str, object]]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_a_task_enqueued_by_a_request_logs_under_its_id_in_the_worker(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    worker = start_worker(queue, log, LOG_FORMAT="json")
    try:
        with request_ids.serving(REQUEST_ID):
            result = ping.apply_async(queue=queue)
        try:
            assert "pong" in result.get(timeout=60)
        finally:
            result.forget()
    finally:
        stop(worker)
    lines = json_lines(log.read_text())
    task_lines = [line for line in lines if result.id in str(line["message"])]
    succeeded = [line for line in task_lines if "succeeded" in str(line["message"])]
    assert succeeded, log.read_text()[-3000:]
    assert {line["request_id"] for line in succeeded} == {REQUEST_ID}
    assert succeeded[0]["logger"] == "celery.app.trace"


def test_a_failing_task_is_reported_without_its_arguments(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with Ingest() as ingest:
        worker = start_worker(
            queue, tmp_path / "worker.log", SENTRY_DSN=ingest.dsn, SENTRY_ENVIRONMENT="test"
        )
        try:
            with request_ids.serving(REQUEST_ID):
                # ping takes no argument: the worker's call raises TypeError, with the
                # argument (which could be anything a person typed) in Celery's own records.
                app.send_task("consultteam.ping", args=[ARGUMENT_MARKER], queue=queue)
            events = ingest.wait_for_events(1, timeout=60)
            # The Celery integration's event and the worker's ERROR log line may both arrive.
            time.sleep(1)
            events = ingest.events()
        finally:
            stop(worker)
    assert ARGUMENT_MARKER not in ingest.raw().decode()
    types = {value["type"] for event in events for value in event["exception"]["values"]}
    assert types == {"TypeError"}
    assert {event["tags"]["request_id"] for event in events} == {REQUEST_ID}
    assert {event["environment"] for event in events} == {"test"}


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[Stack, int]]:
    """gunicorn with two worker processes, as the web service runs, on a database of its own
    (migrated, three reminders already due), JSON logs, metrics shared through a folder."""
    stack = Stack(tmp_path, smtp_port=free_port(), broker="filesystem", postgres=postgres_server())
    metrics_folder = tmp_path / "prometheus"
    metrics_folder.mkdir()
    # A leftover of an earlier run: gunicorn must clear it as it starts.
    (metrics_folder / "counter_999999.db").write_bytes(b"stale")
    port = free_port()
    stack.settings.update(
        LOG_FORMAT="json",
        METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_folder),
    )
    try:
        stack.prepare(3, due_in=-60)
        stack._spawn(
            "web",
            [
                *(sys.executable, "-m", "gunicorn", "-c", "python:consultteam.gunicorn_conf"),
                *("consultteam.wsgi:application", "--bind", f"127.0.0.1:{port}"),
                *("--workers", "2", "--timeout", "30"),
            ],
        )
        wait_for(lambda: _status(port, TEAMS) == 401, timeout=60, what="gunicorn")
        yield stack, port
    finally:
        stack.close()


def _status(port: int, path: str, **headers: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _scrape(port: int) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_gunicorn_workers_share_their_counts_and_write_json(web):
    stack, port = web
    before = _scrape(port)
    # Hold one worker on a request that has not finished arriving, so the next ones are
    # answered by the other: each worker then has counts of its own to share.
    held = socket.create_connection(("127.0.0.1", port), timeout=10)
    held.sendall(f"GET {TEAMS} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: held-0001\r\n".encode())
    time.sleep(0.5)
    ids = [f"req-test-web-{n:04d}" for n in range(4)]
    for request_id in ids:
        path = f"{TEAMS}?q={QUERY_MARKER}"
        assert _status(port, path, **{"X-Request-ID": request_id}) == 401
    held.sendall(b"Connection: close\r\n\r\n")
    assert held.recv(64).startswith(b"HTTP/1.1 401")
    held.close()

    lines = stack.log("web", tail=None).splitlines()
    parsed = [json.loads(line) for line in lines if line.strip()]  # every line is JSON
    access = [line for line in parsed if line["logger"] == "consultteam.access"]
    (route,) = {line["route"] for line in access if line["request_id"] in ids}
    teams = (
        "consultteam_http_requests_total",
        frozenset({"method": "GET", "route": route, "status": "4xx"}.items()),
    )
    # Whichever worker answers a scrape, it counts both workers' requests.
    for _ in range(6):
        figures = _scrape(port)
        assert figures[teams] - before.get(teams, 0.0) == 5
        assert figures[("consultteam_reminders_due", frozenset())] == 3

    assert {*ids, "held-0001"} <= {line["request_id"] for line in access}
    assert QUERY_MARKER not in "\n".join(lines)
    assert any(line["logger"] == "gunicorn.error" for line in parsed)  # gunicorn's own, as JSON
    # gunicorn cleared the leftover counts as it started.
    assert not (stack.folder / "prometheus" / "counter_999999.db").exists()
