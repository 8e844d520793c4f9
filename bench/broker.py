"""Compare the brokers ConsultTeam can use without a server, and Redis when it is there.

Run by hand:  .venv/bin/python bench/broker.py [--messages 500]
(SQLAlchemy's transport is measured only when SQLAlchemy is installed: pip install sqlalchemy.)

For each transport it prints the enqueue rate and the idle round-trip latency (publish one
message, a consumer polling at 0.1 s receives it) as median and p95. This is the measurement
behind the embedded default in settings.py (the filesystem transport).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from kombu import Connection, Exchange, Queue


def transports(folder: Path) -> dict[str, tuple[str, dict[str, object]]]:
    fs = folder / "fs"
    found: dict[str, tuple[str, dict[str, object]]] = {
        "filesystem": (
            "filesystem://localhost//",
            {
                "data_folder_in": str(fs),
                "data_folder_out": str(fs),
                "control_folder": str(folder / "control"),
                "polling_interval": 0.1,
            },
        )
    }
    fs.mkdir(parents=True)
    try:
        import sqlalchemy  # noqa: F401
        from kombu.transport import sqlalchemy as sqla

        # The SQLAlchemy transport hands every transport option to create_engine(), so its
        # polling interval can only be set on the class.
        sqla.Transport.polling_interval = 0.1
        found["sqlalchemy+sqlite"] = (f"sqla+sqlite:///{folder / 'broker.sqlite3'}", {})
    except ImportError:
        print("(sqlalchemy not installed: skipping the SQLAlchemy transport)")
    if os.environ.get("REDIS_URL"):
        found["redis"] = (os.environ["REDIS_URL"], {"polling_interval": 0.1})
    return found


def measure(url: str, options: dict[str, object], messages: int) -> dict[str, float]:
    exchange = Exchange("bench", type="direct")
    queue = Queue(f"bench-{time.monotonic_ns()}", exchange, routing_key="bench")
    with Connection(url, transport_options=options) as conn:
        producer = conn.Producer(serializer="json")
        queue(conn.default_channel).declare()
        started = time.perf_counter()
        for n in range(messages):
            producer.publish({"n": n}, exchange=exchange, routing_key="bench")
        enqueue_rate = messages / (time.perf_counter() - started)
        queue(conn.default_channel).purge()

        latencies: list[float] = []
        received = threading.Event()
        stop = threading.Event()

        def consume() -> None:
            # Its own connection, polling as an idle worker would.
            with Connection(url, transport_options=options) as consumer_conn:

                def on_message(body: object, message: Any) -> None:
                    message.ack()
                    received.set()

                with consumer_conn.Consumer(queue, callbacks=[on_message]):
                    while not stop.is_set():
                        with contextlib.suppress(TimeoutError):
                            consumer_conn.drain_events(timeout=0.5)

        thread = threading.Thread(target=consume, daemon=True)
        thread.start()
        time.sleep(1)
        for _ in range(20):
            received.clear()
            time.sleep(0.25)  # idle, as between reminders
            sent = time.perf_counter()
            producer.publish({"ping": True}, exchange=exchange, routing_key="bench")
            if not received.wait(timeout=10):
                raise RuntimeError(f"{url}: a message took over 10 s")
            latencies.append((time.perf_counter() - sent) * 1000)
        stop.set()
        thread.join()
        queue(conn.default_channel).delete()
    latencies.sort()
    return {
        "enqueue_per_s": enqueue_rate,
        "latency_p50_ms": statistics.median(latencies),
        "latency_p95_ms": latencies[int(len(latencies) * 0.95) - 1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, (url, options) in transports(Path(tmp)).items():
            r = measure(url, options, args.messages)
            print(
                f"{name:<20} enqueue {r['enqueue_per_s']:8.0f}/s   idle round trip "
                f"p50 {r['latency_p50_ms']:6.1f} ms  p95 {r['latency_p95_ms']:6.1f} ms"
            )


if __name__ == "__main__":
    main()
