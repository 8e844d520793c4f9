"""Beat's and the worker's heartbeats: recorded as one row each, read as fresh or stale, and
checked by `manage.py health` (compose's check for beat). On SQLite and on PostgreSQL: the
suite's two runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from consultteam.health.beat import SQLITE_LOCK_WAIT_MS, _short_lock_wait, record_beat_heartbeat
from consultteam.health.heartbeats import heartbeat_checks, heartbeat_record
from consultteam.health.models import Heartbeat, Process
from consultteam.health.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_recording_twice_keeps_one_row_with_the_later_time():
    heartbeat_record(process=Process.BEAT, at=NOW - dt.timedelta(seconds=30))
    heartbeat_record(process=Process.BEAT, at=NOW)

    assert list(Heartbeat.objects.values_list("process", "at")) == [("beat", NOW)]


@pytest.mark.parametrize(
    ("age", "ok"),
    [(0, True), (179, True), (180, True), (181, False), (3600, False)],
)
def test_fresh_up_to_the_threshold_and_stale_beyond(settings, age, ok):
    settings.HEARTBEAT_STALE_SECONDS = 180
    heartbeat_record(process=Process.BEAT, at=NOW - dt.timedelta(seconds=age))

    assert heartbeat_checks(now=NOW)["beat"] == {"ok": ok, "age_seconds": age}


def test_never_seen_is_down():
    assert heartbeat_checks(now=NOW) == {
        "beat": {"ok": False, "age_seconds": None},
        "worker": {"ok": False, "age_seconds": None},
    }


def test_a_clock_slightly_behind_counts_as_now(settings):
    # Another container's clock ahead of ours: its heartbeat seems to come from the future.
    heartbeat_record(process=Process.WORKER, at=NOW + dt.timedelta(seconds=2))

    assert heartbeat_checks(now=NOW)["worker"] == {"ok": True, "age_seconds": 0}


def test_heartbeats_are_read_in_one_query(django_assert_num_queries):
    heartbeat_record(process=Process.BEAT, at=NOW)
    heartbeat_record(process=Process.WORKER, at=NOW)
    with django_assert_num_queries(1):  # SELECT process, at FROM health_heartbeat
        heartbeat_checks(now=NOW)


def test_the_worker_task_and_the_beat_hook_record_their_own_process():
    worker_heartbeat()  # called as the worker calls it
    assert record_beat_heartbeat() is True

    seen = dict(Heartbeat.objects.values_list("process", "at"))
    assert set(seen) == {"beat", "worker"}
    assert all(timezone.now() - at < dt.timedelta(seconds=5) for at in seen.values())


def test_health_command_exits_0_when_beat_is_fresh(capsys):
    heartbeat_record(process=Process.BEAT)

    call_command("health", "beat")

    printed = json.loads(capsys.readouterr().out)
    assert printed["beat"]["ok"] is True
    assert set(printed) == {"beat"}


def test_health_command_exits_1_when_beat_is_stale(settings):
    settings.HEARTBEAT_STALE_SECONDS = 60
    heartbeat_record(process=Process.BEAT, at=timezone.now() - dt.timedelta(seconds=61))

    with pytest.raises(CommandError, match="down: beat") as raised:
        call_command("health", "beat")
    assert raised.value.returncode == 1


def test_health_command_checks_every_part_by_default(capsys):
    with pytest.raises(CommandError, match="down: beat, worker"):
        call_command("health")
    assert set(json.loads(capsys.readouterr().out)) == {"database", "broker", "beat", "worker"}


def test_health_command_refuses_an_unknown_part():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("health", "web")


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's file lock; on PostgreSQL the heartbeat's row is never held for long",
)
def test_on_sqlite_beat_waits_briefly_for_the_write_lock():
    """Another process's long write holds the whole SQLite file: beat gives up its heartbeat
    after SQLITE_LOCK_WAIT_MS instead of stalling its schedule for the usual 20 s, and its
    connection has the usual wait again afterwards."""

    def busy_timeout() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            return int(cursor.fetchone()[0])

    usual = busy_timeout()
    with _short_lock_wait():
        during = busy_timeout()

    assert usual == 20_000  # consultteam/env.py: "timeout": 20
    assert during == SQLITE_LOCK_WAIT_MS
    assert busy_timeout() == usual
