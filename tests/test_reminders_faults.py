"""Reminders arrive exactly once under faults, with real processes: a celery worker and beat as
subprocesses, a Redis server of the test's own (restartable without touching anyone else's),
a real SMTP server on loopback and a SQLite file all of them share.

(a) the worker is SIGKILLed mid-run and a new one started; (b) Redis is restarted mid-run;
(c) two beats sweep at once. Each reminder must reach the SMTP server exactly once and every
row end SENT. The kill in (a) lands while the worker waits for the server's answer to a
message, i.e. outside the window between the server accepting a message and the row being
marked sent; a kill inside that window sends that one message twice (at least once, see
docs/reminders.md). `test_window_between_accepting_and_recording` measures the window.

Run alone with `pytest -m faults -s` (the -s shows the measured window).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reminder_stack import (
    REDIS_SERVER,
    Stack,
    free_port,
    message_id,
    percentiles,
    stored_time,
    wait_for,
)
from tests.smtp_capture import SmtpServer, smtp_server_running

pytestmark = [
    pytest.mark.slow,
    pytest.mark.faults,
    pytest.mark.skipif(
        REDIS_SERVER is None,
        reason="needs the redis-server binary, to run a Redis of the test's own that it can "
        "restart (apt-get install redis-server)",
    ),
]

COUNT = 60
DELIVERED_WITHIN = 120  # seconds, generous: two cores shared with other work


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with smtp_server_running() as server:
        yield server


def _stack(tmp_path: Path, smtp: SmtpServer, broker: str) -> Iterator[Stack]:
    stack = Stack(folder=tmp_path, smtp_port=smtp.port, broker=broker)
    try:
        if broker == "redis":
            stack.start_redis()
        stack.prepare(COUNT)
        yield stack
    finally:
        stack.close()


@pytest.fixture(params=["redis", "filesystem"])
def stack(request, tmp_path, smtp_server) -> Iterator[Stack]:
    yield from _stack(tmp_path, smtp_server, request.param)


@pytest.fixture
def redis_stack(tmp_path, smtp_server) -> Iterator[Stack]:
    yield from _stack(tmp_path, smtp_server, "redis")


def assert_each_arrived_once(stack: Stack, smtp: SmtpServer) -> None:
    try:
        wait_for(stack.all_sent, timeout=DELIVERED_WITHIN, what="every reminder to be sent")
    except AssertionError:
        for name in ("worker", "worker-2", "beat", "beat-2"):
            print(f"--- {name}\n{stack.log(name)}")
        raise
    rows = stack.rows()
    assert len(rows) == COUNT
    expected = {message_id(public_id) for public_id, *_ in rows}
    counts = smtp.recorder.counts()
    assert set(counts) == expected
    duplicates = {mid: n for mid, n in counts.items() if n > 1}
    assert not duplicates, f"sent more than once: {duplicates}"


def test_a_worker_killed_mid_run_loses_and_repeats_nothing(stack, smtp_server):
    stack.start_beat("beat")
    stack.start_worker("worker")
    recorder = smtp_server.recorder
    wait_for(lambda: len(recorder.accepted) >= 15, timeout=90, what="a first part to arrive")
    release = recorder.hold_next()
    assert recorder.held.wait(timeout=30), "the worker sent its next message"
    stack.kill("worker")  # it is waiting for our answer to that message
    release.set()
    before = len(recorder.accepted)
    assert before < COUNT
    stack.start_worker("worker-2")
    assert_each_arrived_once(stack, smtp_server)
    # The rows of the dead worker's claim went out again once its lease ran out.
    assert len(recorder.accepted) == COUNT > before


def test_a_redis_restart_mid_run_loses_and_repeats_nothing(redis_stack, smtp_server):
    stack = redis_stack
    stack.start_beat("beat")
    stack.start_worker("worker")
    recorder = smtp_server.recorder
    wait_for(lambda: len(recorder.accepted) >= 15, timeout=90, what="a first part to arrive")
    stack.restart_redis()  # every queued message is gone with it
    assert len(recorder.accepted) < COUNT
    assert_each_arrived_once(stack, smtp_server)


def test_two_beats_at_once_send_each_reminder_once(stack, smtp_server):
    stack.start_beat("beat")
    stack.start_beat("beat-2")
    stack.start_worker("worker", pool="prefork", concurrency=2)
    assert_each_arrived_once(stack, smtp_server)


def test_a_mail_server_down_at_start_means_retries_then_each_once(tmp_path):
    """The mail server is not there when worker and beat start: attempts fail and are retried
    with backoff, the worker stays up, and once the server comes every reminder arrives once."""
    port = free_port()
    stack = Stack(
        folder=tmp_path,
        smtp_port=port,
        settings={"REMINDER_RETRY_SECONDS": "1", "REMINDER_MAX_ATTEMPTS": "100"},
    )
    try:
        stack.start_redis()
        stack.prepare(COUNT)
        stack.start_beat("beat")
        stack.start_worker("worker")
        wait_for(
            lambda: all(row[4] >= 2 for row in stack.failures()),
            timeout=90,
            what="every reminder to have failed twice",
        )
        assert {row[1] for row in stack.rows()} == {"PENDING"}
        assert "ConnectionRefusedError" in stack.failures()[0][3]
        with smtp_server_running(port) as smtp:
            assert_each_arrived_once(stack, smtp)
        assert stack.processes["worker"].poll() is None, "the worker is still running"
    finally:
        stack.close()


def test_window_between_accepting_and_recording(redis_stack, smtp_server):
    """Not a bound on time (that is bench/'s job): it records, for docs/reminders.md, how long
    after the server accepted a message its row was marked sent, and checks the order."""
    stack = redis_stack
    stack.start_beat("beat")
    stack.start_worker("worker")
    assert_each_arrived_once(stack, smtp_server)
    accepted = {a.message_id: a.accepted_at for a in smtp_server.recorder.accepted}
    windows = [
        stored_time(sent_at) - accepted[message_id(public_id)]
        for public_id, _status, sent_at, _n in stack.rows()
        if sent_at is not None
    ]
    figures = percentiles([w * 1000 for w in windows])
    print(
        "accepted-to-recorded window (ms): "
        + ", ".join(f"{name} {value:.1f}" for name, value in figures.items())
    )
    # The row is marked only after the server said yes: never before.
    assert figures["min"] > -5  # clocks are the same; a little float noise at most
