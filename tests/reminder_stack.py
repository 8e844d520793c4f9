"""Real processes for the reminder fault tests and bench/reminder_delivery.py: a Redis server of our
own on a free port, a SQLite file every process shares, celery workers and beats as
subprocesses, and reads of the reminder rows straight from the file.

Nothing here touches the shared Redis on 6379 or the test database: a worker subprocess cannot
see pytest's in-memory database or its uncommitted transaction, so the stack has its own file,
migrated by `manage.py migrate`."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server")
CELERY = [sys.executable, "-m", "celery", "-A", "consultteam"]
# A restart loses every queued message: the harshest case for the fault tests.
NO_PERSISTENCE = ["--save", "", "--appendonly", "no"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@dataclass
class Stack:
    folder: Path
    smtp_port: int
    broker: str = "redis"  # or "filesystem"
    settings: dict[str, str] = field(default_factory=dict)
    redis_port: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.folder / "reminders.sqlite3"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL"} and not key.startswith("EMAIL_")
        }
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{self.database}",
                "DATA_DIR": str(self.folder / "data"),
                "SECRET_KEY": "fault-test-only-secret-key-never-used-elsewhere-0123456789abc",
                "DEBUG": "false",
                "REQUIRE_TWO_FACTOR": "false",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.smtp_port),
                "EMAIL_TIMEOUT": "5",
                "REMINDER_SWEEP_SECONDS": "1",
                "REMINDER_LEASE_SECONDS": "6",
                "REMINDER_BATCH_SIZE": "10",
                "PYTHONUNBUFFERED": "1",
                **self.settings,
            }
        )
        if self.broker == "redis":
            env["REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
        return env

    # --- Redis ---------------------------------------------------------------------------------

    def start_redis(self) -> None:
        assert REDIS_SERVER is not None
        if not self.redis_port:
            self.redis_port = free_port()
        self._spawn(
            "redis",
            [REDIS_SERVER, "--port", str(self.redis_port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
        )
        wait_for(self._redis_answers, timeout=10, what="redis-server to answer")

    def _redis_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def restart_redis(self, pause: float = 2.0) -> None:
        self.stop("redis")
        time.sleep(pause)
        self.start_redis()

    # --- The application ---------------------------------------------------------------------

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def prepare(self, reminders: int, *, due_in: float = 0) -> None:
        """Migrate the file database and make ``reminders`` meeting reminders (with their
        calendar attachment) due ``due_in`` seconds from now."""
        self.manage("migrate", "--no-input")
        self.manage("shell", "-c", SEED.format(count=reminders, due_in=due_in))

    def start_worker(self, name: str, *, pool: str = "solo", concurrency: int = 1) -> None:
        self._spawn(
            name,
            [
                *CELERY,
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                *("-n", f"{name}@%h", "--without-heartbeat", "--without-gossip"),
                "--without-mingle",
            ],
        )

    def start_beat(self, name: str) -> None:
        self._spawn(
            name,
            [*CELERY, "beat", "--loglevel=INFO", "-s", str(self.folder / f"{name}-schedule")],
        )

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.folder / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )

    def kill(self, name: str) -> None:
        """SIGKILL: no clean-up, no acknowledgement, the lease is left to run out."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # --- Reading the rows ----------------------------------------------------------------------

    def rows(self) -> list[tuple[str, str, str | None, str]]:
        """(public id, status, sent_at, send_at) of every reminder."""
        with sqlite3.connect(self.database, timeout=20) as db:
            return db.execute(
                "SELECT public_id, status, sent_at, send_at FROM reminders_reminder"
            ).fetchall()

    def failures(self) -> list[tuple[str, str, str | None, str, int]]:
        """(public id, status, sent_at, last error, attempts) of every reminder."""
        with sqlite3.connect(self.database, timeout=20) as db:
            return db.execute(
                "SELECT public_id, status, sent_at, last_error, attempts FROM reminders_reminder"
            ).fetchall()

    def all_sent(self) -> bool:
        return all(status == "SENT" for _id, status, _at, _n in self.rows())


def message_id(public_id: str) -> str:
    """The Message-ID the reminder of ``public_id`` is sent with (SQLite stores the UUID as 32
    hex digits)."""
    hex_id = public_id.replace("-", "")
    dashed = f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"
    return f"<reminder-{dashed}@consultteam>"


def stored_time(value: str) -> float:
    """A datetime as Django stores it in SQLite (UTC, no offset) to a Unix time."""
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC).timestamp()


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return {"p50": cuts[49], "p95": cuts[94], "max": ordered[-1], "min": ordered[0]}


SEED = """
import datetime as dt
from django.utils import timezone
from agendas.models import Meeting
from consultteam.accounts.models import User
from consultteam.teams.models import Team
from reminders.models import Reminder
user = User.objects.create_user("fault-test@example.org", display_name="Fault Test")
team = Team.objects.create(name="Gamma")
starts = timezone.now() + dt.timedelta(days=1)
meeting = Meeting.objects.create(team=team, slot=starts.date(), starts_at=starts)
due = timezone.now() + dt.timedelta(seconds={due_in})
Reminder.objects.bulk_create(
    [
        Reminder(key=f"fault:{{n}}", recipient=user, kind="MEETING_UPCOMING", meeting=meeting,
                 due_at=starts, send_at=due)
        for n in range({count})
    ],
    batch_size=1000,
)
"""
