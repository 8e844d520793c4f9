"""Every broker a clinic may already run carries a task to a real worker and its answer back:
Redis over TLS (`rediss://`), Redis through Sentinel, and RabbitMQ (`amqp://`).

Each test starts real servers where it needs its own (a TLS Redis, a Sentinel) and a real worker
process, then a second process sends `consultteam.ping` and waits for the answer, both
configured only by the environment, as a deployment is. Real processes and servers: these run
in the PostgreSQL and Redis pass of CI only.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import requires_redis
from tests.core.test_worker import worker_on_its_own_queue

pytestmark = [pytest.mark.slow, requires_redis()]

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
RABBITMQ = ("127.0.0.1", 5672)

SEND_PING = """
import sys
import django
django.setup()
from consultteam.tasks import ping
result = ping.apply_async(queue=sys.argv[1])
print(result.get(timeout=60)["pong"])
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while not _answers("127.0.0.1", port):
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing listens on 127.0.0.1:{port}")
        time.sleep(0.05)


def _environment(tmp_path: Path, **broker: str) -> dict[str, str]:
    """The test run's environment (secret, settings module) with only these broker settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "BROKER_URL", "BROKER_SENTINEL_MASTER", "DATABASE_URL"}
    }
    environment.update(broker, DATA_DIR=str(tmp_path / "data"))
    return environment


def _round_trip(environment: dict[str, str]) -> str:
    """A real worker on a queue of its own; another process sends it a ping; its answer."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = subprocess.Popen(
        worker_on_its_own_queue(queue),
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        sent = subprocess.run(
            [sys.executable, "-c", SEND_PING, queue],
            env=environment,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    finally:
        worker.terminate()
        try:
            worker_output = worker.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            worker_output = worker.communicate()[0].decode(errors="replace")
    assert sent.returncode == 0, f"{sent.stderr}\nworker:\n{worker_output}"
    return sent.stdout.strip()


@contextmanager
def _redis_server(port: int, *arguments: str) -> Iterator[None]:
    """A redis-server of the test's own, up and answering on ``port`` (TCP or TLS)."""
    server = subprocess.Popen(
        ["redis-server", *arguments, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A Redis that speaks only TLS, with a certificate from a CA made for this test."""
    if shutil.which("openssl") is None or shutil.which("redis-server") is None:
        pytest.skip("needs openssl and redis-server to run a TLS Redis")
    tls = tmp_path / "tls"
    tls.mkdir()

    def openssl(*arguments: str) -> None:
        subprocess.run(["openssl", *arguments], cwd=tls, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "1", "-subj", "/CN=ConsultTeam test CA")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1")  # fmt: skip
    (tls / "san").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "san")  # fmt: skip
    port = _free_port()
    with _redis_server(
        port, "--port", "0", "--tls-port", str(port),
        "--tls-cert-file", str(tls / "server.pem"), "--tls-key-file", str(tls / "server.key"),
        "--tls-ca-cert-file", str(tls / "ca.pem"), "--tls-auth-clients", "no",
    ):  # fmt: skip
        yield port, tls / "ca.pem"


def test_redis_over_tls_checks_the_certificate_and_delivers(tls_redis, tmp_path):
    port, ca = tls_redis
    url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={ca}"
    # The cache and results on the same TLS Redis: REDIS_URL alone names all three.
    assert _round_trip(_environment(tmp_path, REDIS_URL=url))

    # Without the test CA the certificate is not trusted, and nothing is sent in the clear.
    untrusted = _environment(tmp_path, REDIS_URL=f"rediss://127.0.0.1:{port}/0")
    refused = subprocess.run(
        [sys.executable, "-c", SEND_PING, "nobody-listens"],
        env=untrusted,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert refused.returncode != 0
    assert "certificate verify failed" in refused.stderr


def test_redis_through_sentinel_delivers(tmp_path):
    """A real Sentinel watching the Redis CI runs; the worker asks it where the master is."""
    if not _answers(REDIS_HOST, REDIS_PORT):
        pytest.skip(f"needs the Redis on {REDIS_HOST}:{REDIS_PORT} for Sentinel to watch")
    port = _free_port()
    config = tmp_path / "sentinel.conf"  # Sentinel rewrites its file: it must be writable.
    config.write_text(
        f"port {port}\nbind 127.0.0.1\n"
        f"sentinel monitor consultteam-test {REDIS_HOST} {REDIS_PORT} 1\n"
    )
    with _redis_server(port, str(config), "--sentinel"):
        environment = _environment(
            tmp_path,
            BROKER_URL=f"sentinel://127.0.0.1:{port}/13",
            BROKER_SENTINEL_MASTER="consultteam-test",
        )
        assert _round_trip(environment)


def test_rabbitmq_delivers_with_results_over_the_broker(tmp_path):
    """No Redis at all: the broker is RabbitMQ and the ping's answer comes back over it (rpc)."""
    if not _answers(*RABBITMQ):
        pytest.skip("needs RabbitMQ on 127.0.0.1:5672 (guest/guest)")
    environment = _environment(tmp_path, BROKER_URL="amqp://guest:guest@127.0.0.1:5672//")
    assert _round_trip(environment)
