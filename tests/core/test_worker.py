"""A task goes through the real broker to a real worker process that the test starts."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings

from consultteam.tasks import ping
from tests.conftest import requires_redis

pytestmark = pytest.mark.slow


def worker_on_its_own_queue(queue: str) -> list[str]:
    """`celery worker` taking only ``queue``, one task at a time, talking to no other worker."""
    return [
        sys.executable, "-m", "celery", "-A", "consultteam", "worker",
        "--pool=solo", "--loglevel=WARNING", "-Q", queue, "-n", f"{queue}@%h",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip


@pytest.fixture
def worker_queue() -> Iterator[str]:
    """Start `celery worker` on a queue of its own, so no other worker can take the test's task."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    process = subprocess.Popen(
        worker_on_its_own_queue(queue),
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _round_trip(queue: str) -> dict[str, str]:
    result = ping.apply_async(queue=queue)
    try:
        return result.get(timeout=60)
    finally:
        result.forget()


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="REDIS_URL is set: this run uses Redis")
def test_embedded_broker_delivers_to_a_real_worker(worker_queue):
    assert settings.CELERY_BROKER_URL.startswith("filesystem://")
    assert "pong" in _round_trip(worker_queue)


@requires_redis()
def test_redis_broker_delivers_to_a_real_worker(worker_queue):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert "pong" in _round_trip(worker_queue)
