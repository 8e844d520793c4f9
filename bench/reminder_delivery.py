"""Reminders through real processes: N meeting reminders (each with its .ics attachment) due
at one moment, a beat and a worker as subprocesses, a real SMTP server on loopback, on a Redis
of our own and on the embedded filesystem broker, with a SQLite file shared by all.

Run by hand:
    .venv/bin/python bench/reminder_delivery.py [--reminders 10000] [--brokers redis filesystem]

Prints, per broker: the total time from the moment the reminders fell due to the last one
marked sent, the throughput, and the due-to-sent latency p50 and p95 (which include waiting
for the next sweep: REMINDER_SWEEP_SECONDS, set here to --sweep).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reminder_stack import (
    REDIS_SERVER,
    Stack,
    percentiles,
    stored_time,
    wait_for,
)
from tests.smtp_capture import smtp_server_running


def run(broker: str, count: int, *, sweep: int, concurrency: int, lead: float) -> None:
    with tempfile.TemporaryDirectory() as folder, smtp_server_running() as smtp:
        stack = Stack(
            folder=Path(folder),
            smtp_port=smtp.port,
            broker=broker,
            settings={
                "REMINDER_SWEEP_SECONDS": str(sweep),
                "REMINDER_LEASE_SECONDS": "300",
                "REMINDER_BATCH_SIZE": "100",
                "LOG_LEVEL": "WARNING",
            },
        )
        try:
            if broker == "redis":
                stack.start_redis()
            started = time.monotonic()
            stack.prepare(count, due_in=lead)
            print(f"  seeded {count} reminders in {time.monotonic() - started:.1f}s")
            stack.start_worker("worker", pool="prefork", concurrency=concurrency)
            stack.start_beat("beat")
            wait_for(
                lambda: len(smtp.recorder.accepted) >= count,
                timeout=3600,
                what="every reminder to arrive",
            )
            wait_for(stack.all_sent, timeout=120, what="every row to be marked sent")
        finally:
            stack.close()
        rows = stack.rows()
        due = min(stored_time(send_at) for *_rest, send_at in rows)
        latencies = [
            stored_time(sent_at) - stored_time(send_at)
            for _id, _s, sent_at, send_at in rows
            if sent_at
        ]
        last = max(stored_time(sent_at) for _id, _s, sent_at, _d in rows if sent_at)
        total = last - due
        figures = percentiles(latencies)
        duplicates = sum(n - 1 for n in smtp.recorder.counts().values())
        print(
            f"  {broker}: {count} reminders, total {total:.1f}s ({count / total:.0f}/s), "
            f"due-to-sent p50 {figures['p50']:.1f}s p95 {figures['p95']:.1f}s "
            f"max {figures['max']:.1f}s, duplicates {duplicates}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--brokers", nargs="+", default=["redis", "filesystem"])
    parser.add_argument("--sweep", type=int, default=5, help="REMINDER_SWEEP_SECONDS")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--lead", type=float, default=25, help="seconds until due, for the processes to start"
    )
    args = parser.parse_args()
    for broker in args.brokers:
        if broker == "redis" and REDIS_SERVER is None:
            print("redis: skipped, no redis-server binary")
            continue
        print(f"{broker}:")
        run(broker, args.reminders, sweep=args.sweep, concurrency=args.concurrency, lead=args.lead)


if __name__ == "__main__":
    main()
