"""Real processes for the reminder fault tests and bench/reminder_delivery.py: a Redis server of our
own on a free port, a database every process shares (a SQLite file, or a PostgreSQL database of
the stack's own), celery workers and beats as subprocesses, and reads of the reminder rows
straight from the database.

Nothing here touches the shared Redis on 6379 or the test database: a worker subprocess cannot
see pytest's database or its uncommitted transaction, so the stack has its own, migrated by
`manage.py migrate`. Given a PostgreSQL server (``Stack(postgres=...)``, the URL of any database
on it), the stack creates a database with a name of its own there and drops it on close."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString, cast
from urllib.parse import urlsplit, urlunsplit

from tests.paths import ROOT
from tests.smtp_capture import free_port

REDIS_SERVER = shutil.which("redis-server")
CELERY = [sys.executable, "-m", "celery", "-A", "consultteam"]
# A restart loses every queued message: the harshest case for the fault tests.
NO_PERSISTENCE = ["--save", "", "--appendonly", "no"]


def postgres_server() -> str:
    """The PostgreSQL URL of this run (DATABASE_URL), if it is one; else "" (SQLite)."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


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
    # A PostgreSQL server to make the stack's own database on; "" for a SQLite file.
    postgres: str = ""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    postgres_database: str = field(default="", init=False)
    _created: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.postgres:
            # Never the database of the main run nor its test database: a name of our own.
            base = urlsplit(self.postgres).path.lstrip("/") or "consultteam"
            self.postgres_database = f"{base[:40]}_stack_{secrets.token_hex(4)}"

    @property
    def database(self) -> Path:
        return self.folder / "reminders.sqlite3"

    @property
    def database_url(self) -> str:
        if not self.postgres:
            return f"sqlite:///{self.database}"
        return _with_database(self.postgres, self.postgres_database)

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL"} and not key.startswith("EMAIL_")
        }
        env.update(
            {
                "DATABASE_URL": self.database_url,
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
        """Migrate the stack's database and make ``reminders`` meeting reminders (with their
        calendar attachment) due ``due_in`` seconds from now."""
        if self.postgres and not self._created:
            self._postgres_admin("CREATE DATABASE {}")
            self._created = True
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

    def start_beat(self, name: str, *, loglevel: str = "INFO") -> None:
        """At DEBUG, beat logs the id of each sweep it sends (see `beat_sweeps`)."""
        self._spawn(
            name,
            [
                *CELERY,
                "beat",
                f"--loglevel={loglevel}",
                *("-s", str(self.folder / f"{name}-schedule")),
            ],
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
        if self._created:
            self._postgres_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            self._created = False

    def log(self, name: str, *, tail: int | None = 4000) -> str:
        """The process's log (stdout and stderr), its last ``tail`` characters."""
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text if tail is None else text[-tail:]

    # --- What the logs say about sweeps ---------------------------------------------------------

    def beat_sweeps(self, name: str) -> list[str]:
        """The ids of the sweep tasks beat ``name`` sent (it must run at DEBUG)."""
        return BEAT_SENT.findall(self.log(name, tail=None))

    def worker_sweeps(self, name: str) -> dict[str, Sweep]:
        """Each sweep task worker ``name`` received, by id: whether it finished and how many
        reminders it handed to workers (its return value), if it succeeded."""
        sweeps: dict[str, Sweep] = {}
        for task_id, what, handed, discarded, discarded_id in TASK_LINE.findall(
            self.log(name, tail=None)
        ):
            if discarded:
                task_id, what = discarded_id, "discarded"
            sweep = sweeps.setdefault(task_id, Sweep(task_id))
            if what != "received":
                sweep.finished = what
                sweep.handed = int(handed) if what == "succeeded" else None
        return sweeps

    # --- Holding the database ------------------------------------------------------------------

    @contextmanager
    def hold_writes(self) -> Iterator[None]:
        """Hold the reminder table against writes until the block ends: on SQLite the file's
        write lock (BEGIN IMMEDIATE), on PostgreSQL ``LOCK TABLE ... IN EXCLUSIVE MODE``
        (which lets plain reads through but blocks UPDATE and SELECT ... FOR UPDATE). A worker
        that writes meanwhile waits: on SQLite for at most its busy timeout (20 s), so keep
        the hold shorter than that."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.database_url) as server:
                server.execute("LOCK TABLE reminders_reminder IN EXCLUSIVE MODE")
                try:
                    yield
                finally:
                    server.rollback()
            return
        file = sqlite3.connect(self.database, timeout=20, isolation_level=None)
        try:
            file.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                file.execute("ROLLBACK")
        finally:
            file.close()

    def end_waiting_statements(self) -> int:
        """After a kill inside `hold_writes`: end what the dead process had already sent to the
        database and left waiting there, as its death would if it took its connection along.
        Returns how many statements were ended.

        On SQLite nothing is needed (the statement dies with the process). A PostgreSQL backend
        does not notice that its client died while it waits for a lock: when the lock is let go
        it runs the UPDATE and commits it, so the killed worker's row is recorded after all.
        That narrows the window to the time before the UPDATE reaches the server; to enter it
        on PostgreSQL too, the test ends the dead worker's backend here."""
        if not self.postgres:
            return 0
        import psycopg

        waiting = (
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        with psycopg.connect(self.database_url, autocommit=True) as server:
            pids = [pid for (pid,) in server.execute(waiting)]
            for pid in pids:
                server.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
        return len(pids)

    # --- Reading the rows ----------------------------------------------------------------------

    def _select(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows as SQLite gives them, whatever the database: UUIDs and datetimes as text (UTC,
        no offset), so `message_id` and `stored_time` read both."""
        if not self.postgres:
            file = sqlite3.connect(self.database, timeout=20)
            try:
                return file.execute(sql).fetchall()
            finally:
                file.close()
        import psycopg

        with psycopg.connect(self.database_url) as server:
            return [tuple(_as_sqlite(value) for value in row) for row in server.execute(sql)]

    def rows(self) -> list[tuple[str, str, str | None, str]]:
        """(public id, status, sent_at, send_at) of every reminder."""
        rows = self._select("SELECT public_id, status, sent_at, send_at FROM reminders_reminder")
        return cast(list[tuple[str, str, str | None, str]], rows)

    def failures(self) -> list[tuple[str, str, str | None, str, int]]:
        """(public id, status, sent_at, last error, attempts) of every reminder."""
        rows = self._select(
            "SELECT public_id, status, sent_at, last_error, attempts FROM reminders_reminder"
        )
        return cast(list[tuple[str, str, str | None, str, int]], rows)

    def _postgres_admin(self, statement: LiteralString) -> None:
        """Run ``statement`` about the stack's database ({} is its name) on the server's
        maintenance database: CREATE or DROP DATABASE."""
        import psycopg
        from psycopg import sql

        query = sql.SQL(statement).format(sql.Identifier(self.postgres_database))
        with psycopg.connect(_with_database(self.postgres, "postgres"), autocommit=True) as db:
            db.execute(query)

    def all_sent(self) -> bool:
        return all(status == "SENT" for _id, status, _at, _n in self.rows())


@dataclass
class Sweep:
    task_id: str
    finished: str = ""  # "succeeded", "raised", "discarded" (expired)... or "" while it runs
    handed: int | None = None


# beat at DEBUG: "reminders.sweep sent. id->6b0f2545-..."
BEAT_SENT = re.compile(r"reminders\.sweep sent\. id->([0-9a-f-]{36})")
# worker: "Task reminders.sweep[<id>] received" / "... succeeded in 0.04s: 20" / "... raised ...",
# and "Discarding revoked task: reminders.sweep[<id>]" for one received after it expired.
TASK_LINE = re.compile(
    r"(?:Task reminders\.sweep\[([0-9a-f-]{36})\] (received|succeeded|raised|failed|revoked)"
    r"(?: in [0-9.e-]+s: (\d+))?)"
    r"|(?:(Discarding) revoked task: reminders\.sweep\[([0-9a-f-]{36})\])"
)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _as_sqlite(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if value is not None and not isinstance(value, str | int | float):
        return str(value)  # a UUID
    return value


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
