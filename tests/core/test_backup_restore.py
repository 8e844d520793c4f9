"""The backup drill, end to end on a real PostgreSQL (docs/operations.md, "Backups and restore").

A scratch database is set up the production way (deploy/postgres/roles.sql, `migrate` as the
owner granting the service's role) and filled with the demo and with audit events written by
real reads and a real write. The script the compose `backup` service runs makes a backup; the
database is dropped; the restore script puts it back. Then every table of the schema holds what
it held, both roles have exactly the rights they had, the audit trail keeps its stamps and
verifies, and the service's role can work again but still cannot rewrite the trail."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict

from tests.conftest import requires_postgres
from tests.core.test_database_roles import (
    REWRITES,
    SUPERUSER,
    Deployment,
    _in_one_transaction,
    _superuser,
    production_deployment,
)
from tests.paths import ROOT

pytestmark = [
    requires_postgres(),
    pytest.mark.skipif(
        any(shutil.which(tool) is None for tool in ("psql", "pg_dump", "pg_restore")),
        reason="needs the PostgreSQL client tools (psql, pg_dump, pg_restore)",
    ),
    # Migrates and loads the demo in a database of its own, then dumps and restores it twice.
    pytest.mark.slow,
]

BACKUP = ROOT / "deploy/backup/backup.sh"
RESTORE = ROOT / "deploy/backup/restore.sh"

# Real reads and a real write through the site, as the service's role: each read of the record
# leaves an audit event, the write a session and an attendance. Static files are served
# unhashed, as in the rest of the suite: this checkout has not run collectstatic (the image has).
ACTIVITY = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from cases.choices import SESSION_MODES
from cases.models import Case
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
    therapist = get_user_model().objects.get(email="therapist@alpha.example")
    client = Client(HTTP_HOST="localhost")
    client.force_login(therapist)
    assert client.get("/cases/").status_code == 200
    case = Case.objects.filter(primary_therapist=therapist).order_by("code").first()
    assert client.get(f"/cases/{case.public_id}/").status_code == 200
    mode = SESSION_MODES[0].value
    attended = client.post(f"/cases/{case.public_id}/attended/", {"mode": mode})
    assert attended.status_code == 302, attended.status_code
"""


def _libpq_environment(**values: str) -> dict[str, str]:
    """This process's environment without any PG* variable of its own, plus ``values``."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    environment.update(values)
    return environment


def _superuser_environment() -> dict[str, str]:
    """libpq's variables for the superuser the test uses (POSTGRES_SUPERUSER_DSN)."""
    parts = conninfo_to_dict(SUPERUSER)
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    return _libpq_environment(
        **{names[key]: str(value) for key, value in parts.items() if key in names}
    )


@dataclass(frozen=True)
class Drill:
    deployment: Deployment

    def backup_environment(self, folder: Path, **env: str) -> dict[str, str]:
        """What the compose `backup` service gives backup.sh: the owner's connection."""
        made = self.deployment
        environment = _libpq_environment(
            PGHOST="127.0.0.1",
            PGPORT="5432",
            PGUSER=made.owner,
            PGPASSWORD=made.password,
            PGDATABASE=made.database,
            BACKUP_DIR=str(folder),
        )
        environment.update(env)
        return environment

    def backup(self, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", str(BACKUP), *args],
            env=self.backup_environment(folder, **env),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def restore(self, dump: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """restore.sh as an operator runs it: as the superuser."""
        made = self.deployment
        return subprocess.run(
            ["sh", str(RESTORE), *args, "--database", made.database,
             "--owner", made.owner, "--app", made.app, str(dump)],
            env=_superuser_environment(),
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip

    def as_root(self) -> psycopg.Connection[Any]:
        dsn = SUPERUSER.replace("dbname=postgres", f"dbname={self.deployment.database}")
        return psycopg.connect(dsn, autocommit=True)

    def activity(self) -> None:
        done = self.deployment.manage(
            "shell", "-c", ACTIVITY, role=self.deployment.app, REQUIRE_TWO_FACTOR="false"
        )
        assert done.returncode == 0, done.stderr


def _tables(connection: psycopg.Connection[Any]) -> list[str]:
    """Every table of the schema, whatever the application's models say."""
    rows = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    return [row[0] for row in rows]


def _contents(connection: psycopg.Connection[Any]) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of all its rows."""
    found = {}
    for table in _tables(connection):
        query = sql.SQL(
            "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
            " FROM {} t"
        ).format(sql.Identifier(table))
        row = connection.execute(query).fetchone()
        assert row is not None
        found[table] = (row[0], row[1])
    return found


# Owner and grants of the database, the schema, every relation and function, and every trigger
# with whether it is enabled: what the two roles may do. Grants are sorted, as their order in
# an ACL says nothing.
RIGHTS = {
    "database": "SELECT pg_get_userbyid(datdba),"
    " (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(datacl) a)"
    " FROM pg_database WHERE datname = current_database()",
    "schema": "SELECT pg_get_userbyid(nspowner),"
    " (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(nspacl) a)"
    " FROM pg_namespace WHERE nspname = 'public'",
    "relations": "SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner),"
    " (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(c.relacl) a)"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm') ORDER BY 1",
    "functions": "SELECT p.proname, pg_get_userbyid(p.proowner),"
    " (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(p.proacl) a),"
    " md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname = 'public' ORDER BY 1",
    "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled, pg_get_triggerdef(oid)"
    " FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
    "sequences": "SELECT sequencename, last_value FROM pg_sequences"
    " WHERE schemaname = 'public' ORDER BY 1",
}

# The trail as the trigger stamped it: position, time and hash of every event.
TRAIL = "SELECT id, seq, at, chain_hash FROM audit_auditevent ORDER BY seq"


@dataclass(frozen=True)
class Snapshot:
    contents: dict[str, tuple[int, str]]
    rights: dict[str, list[tuple[Any, ...]]]
    trail: list[tuple[Any, ...]]


def _snapshot(drill: Drill) -> Snapshot:
    with drill.as_root() as root:
        return Snapshot(
            contents=_contents(root),
            rights={name: root.execute(query).fetchall() for name, query in RIGHTS.items()},
            trail=root.execute(TRAIL).fetchall(),
        )


@dataclass(frozen=True)
class Restored:
    drill: Drill
    before: Snapshot
    after: Snapshot
    dump: Path
    backup_log: str
    restore_log: str


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    with production_deployment("ct_drill", tmp_path_factory.mktemp("drill")) as made:
        drill = Drill(made)
        drill.activity()
        yield drill


@pytest.fixture(scope="module")
def restored(drill: Drill, tmp_path_factory: pytest.TempPathFactory) -> Restored:
    """Back up, drop the database, restore: the drill docs/operations.md asks for quarterly."""
    folder = tmp_path_factory.mktemp("backups")
    before = _snapshot(drill)
    backed_up = drill.backup(folder, "--once")
    assert backed_up.returncode == 0, backed_up.stderr
    (dump,) = folder.iterdir()

    superuser = _superuser()
    assert superuser is not None
    with superuser:
        superuser.execute(
            sql.SQL("DROP DATABASE {} WITH (FORCE)").format(
                sql.Identifier(drill.deployment.database)
            )
        )
        gone = superuser.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [drill.deployment.database]
        ).fetchone()
    assert gone == (0,)

    done = drill.restore(dump)
    assert done.returncode == 0, done.stderr
    return Restored(drill, before, _snapshot(drill), dump, backed_up.stdout, done.stdout)


def test_the_demo_and_the_trail_are_there_to_back_up(restored):
    """The drill means something only if there is data: the demo and the audited activity."""
    counts = {table: count for table, (count, _) in restored.before.contents.items()}
    assert counts["audit_auditevent"] >= 3
    assert counts["cases_case"] > 0
    assert counts["django_session"] > 0
    assert len(counts) > 20


def test_every_table_holds_what_it_held(restored):
    assert restored.after.contents == restored.before.contents


def test_both_roles_have_exactly_their_rights_back(restored):
    """Owners and grants of everything, triggers enabled, sequences where they were."""
    assert restored.after.rights == restored.before.rights
    app = restored.drill.deployment.app
    with restored.drill.as_root() as root:
        allowed = root.execute(
            "SELECT has_table_privilege(%(app)s, 'audit_auditevent', 'INSERT'),"
            " has_table_privilege(%(app)s, 'audit_auditevent', 'UPDATE'),"
            " has_table_privilege(%(app)s, 'audit_auditevent', 'DELETE'),"
            " has_table_privilege(%(app)s, 'audit_auditevent', 'TRUNCATE'),"
            " has_table_privilege(%(app)s, 'cases_case', 'SELECT, INSERT, UPDATE, DELETE'),"
            " has_database_privilege(%(app)s, current_database(), 'CONNECT'),"
            " has_schema_privilege(%(app)s, 'public', 'CREATE')",
            {"app": app},
        ).fetchone()
    assert allowed == (True, False, False, False, True, True, False)


def test_restored_events_keep_their_stamps(restored):
    """pg_restore loads the rows before it creates the trigger (pg_dump puts triggers in the
    post-data section), so no restored event was stamped again with a new time, place or hash."""
    assert restored.after.trail == restored.before.trail
    listing = subprocess.run(
        ["pg_restore", "--list", str(restored.dump)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()

    def position(pattern: str) -> int:
        (index,) = [i for i, line in enumerate(listing) if re.search(pattern, line)]
        return index

    rows = position(r"TABLE DATA public audit_auditevent ")
    assert rows < position(r"TRIGGER public audit_auditevent audit_event_chain ")
    assert rows < position(r"TRIGGER public audit_auditevent audit_event_no_update_delete ")


def test_the_audit_trail_verifies_after_the_restore(restored):
    deployment = restored.drill.deployment
    verified = deployment.manage("audit_verify", role=deployment.app)
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout
    assert f"{len(restored.before.trail)} event(s) checked" in verified.stdout


@pytest.mark.parametrize("statements", REWRITES)
def test_the_services_role_still_cannot_rewrite_the_trail(restored, statements):
    with psycopg.connect(restored.drill.deployment.dsn(restored.drill.deployment.app)) as app:
        app.autocommit = True
        before = app.execute(TRAIL).fetchall()
        with pytest.raises(errors.InsufficientPrivilege):
            _in_one_transaction(app, statements)
        assert app.execute(TRAIL).fetchall() == before


def test_the_service_works_again_and_the_chain_goes_on(restored):
    """Reads and a write through the site as the service's role: the restored sequences hand out
    new keys, and the trigger chains the new events after the restored ones."""
    restored.drill.activity()
    with restored.drill.as_root() as root:
        trail = root.execute(TRAIL).fetchall()
    kept = restored.before.trail
    assert trail[: len(kept)] == kept
    assert len(trail) > len(kept)
    assert [row[1] for row in trail] == list(range(1, len(trail) + 1))
    deployment = restored.drill.deployment
    verified = deployment.manage("audit_verify", role=deployment.app)
    assert verified.returncode == 0, verified.stderr


def test_the_backup_logs_one_line_and_no_data(restored):
    database = restored.drill.deployment.database
    (line,) = restored.backup_log.splitlines()
    assert re.fullmatch(
        rf"backup: \S+Z wrote {database}-\d{{8}}T\d{{6}}Z\.dump \(\d+ bytes, \d+ s\);"
        r" removed 0 older than 14 days",
        line,
    ), line
    assert restored.dump.name in line
    # A dump holds every record: only its owner may read it.
    assert restored.dump.stat().st_mode & 0o777 == 0o600
    assert "restored" in restored.restore_log


def test_a_database_with_tables_is_refused_unless_replaced(restored):
    """Restoring over a working database loses what is in it: only with --replace."""
    drill = restored.drill
    with drill.as_root() as root:
        root.execute("INSERT INTO django_session VALUES ('after-the-backup', 'x', now())")
    refused = drill.restore(restored.dump)
    assert refused.returncode == 2
    assert "--replace" in refused.stderr
    with drill.as_root() as root:
        kept = root.execute("SELECT count(*) FROM django_session WHERE session_key = %s",
                            ["after-the-backup"]).fetchone()  # fmt: skip
    assert kept == (1,)

    replaced = drill.restore(restored.dump, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    again = _snapshot(drill)
    assert again.contents == restored.before.contents
    assert again.rights == restored.before.rights
    assert again.trail == restored.before.trail


def test_a_truncated_backup_is_refused_before_anything_is_dropped(restored, tmp_path):
    """A cut file still lists its contents (pg_restore --list reads only the head): the restore
    reads it to its end first."""
    cut = tmp_path / restored.dump.name
    cut.write_bytes(restored.dump.read_bytes()[: restored.dump.stat().st_size // 2])
    before = _snapshot(restored.drill)
    refused = restored.drill.restore(cut, "--replace")
    assert refused.returncode == 2
    assert "is not a whole backup" in refused.stderr
    assert _snapshot(restored.drill) == before


def test_a_restore_that_fails_leaves_the_database_as_it_was(restored, tmp_path):
    """The backup grants to a role this server no longer has: pg_restore stops, and the working
    database is still there, untouched, with no half-restored one beside it."""
    drill = restored.drill
    reader = f"{drill.deployment.app}_gone"
    superuser = _superuser()
    assert superuser is not None
    with superuser:
        superuser.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(reader)))
        try:
            with drill.as_root() as root:
                root.execute(
                    sql.SQL("GRANT SELECT ON cases_case TO {}").format(sql.Identifier(reader))
                )
            backed_up = drill.backup(tmp_path, "--once")
            assert backed_up.returncode == 0, backed_up.stderr
        finally:
            with drill.as_root() as root:
                root.execute(
                    sql.SQL("REVOKE ALL ON cases_case FROM {}").format(sql.Identifier(reader))
                )
            superuser.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(reader)))
        (dump,) = tmp_path.glob("*.dump")
        before = _snapshot(drill)

        failed = drill.restore(dump, "--replace")
        assert failed.returncode == 2
        assert f'role "{reader}" does not exist' in failed.stderr
        assert "is as it was" in failed.stderr
        assert _snapshot(drill) == before
        left = superuser.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"{drill.deployment.database}%"],
        ).fetchall()
    assert left == [(drill.deployment.database,)]


def _aged(path: Path, days: float) -> Path:
    path.write_bytes(b"an older backup")
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def test_retention_removes_only_old_backups_after_a_new_one(drill, tmp_path):
    database = drill.deployment.database
    too_old = _aged(tmp_path / f"{database}-20260101T000000Z.dump", days=15)
    killed = _aged(tmp_path / f".{database}-20260102T000000Z.dump.partial", days=15)
    recent = _aged(tmp_path / f"{database}-20261201T000000Z.dump", days=13)
    not_ours = _aged(tmp_path / "notes.txt", days=40)
    other_database = _aged(tmp_path / "another-20250101T000000Z.dump", days=40)

    done = drill.backup(tmp_path, "--once", BACKUP_KEEP_DAYS="14")
    assert done.returncode == 0, done.stderr
    assert "removed 2 older than 14 days" in done.stdout
    assert not too_old.exists()
    assert not killed.exists()
    assert recent.exists()
    assert not_ours.exists()
    assert other_database.exists()
    new = [path for path in tmp_path.glob(f"{database}-*.dump") if path != recent]
    assert len(new) == 1
    assert new[0].stat().st_size > 1000


def test_a_failed_backup_keeps_every_old_one_and_leaves_nothing_behind(drill, tmp_path):
    database = drill.deployment.database
    old = _aged(tmp_path / f"{database}-20260101T000000Z.dump", days=30)
    # A role that is not there (loopback trusts every password, so a wrong one would not fail).
    failed = drill.backup(tmp_path, "--once", PGUSER="ct_drill_nobody")
    assert failed.returncode != 0
    assert 'role "ct_drill_nobody" does not exist' in failed.stderr
    (line,) = failed.stdout.splitlines()
    assert "FAILED: pg_dump" in line
    assert [path.name for path in tmp_path.iterdir()] == [old.name]


def _start_service(drill: Drill, folder: Path) -> subprocess.Popen[str]:
    """backup.sh as the compose service runs it: no argument, until stopped."""
    return subprocess.Popen(
        ["sh", str(BACKUP)],
        env=drill.backup_environment(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(service: subprocess.Popen[str]) -> tuple[int, str]:
    """SIGTERM, as `docker compose stop` sends; the service must end at once."""
    service.send_signal(signal.SIGTERM)
    out, _ = service.communicate(timeout=10)
    return service.returncode, out


def test_the_service_backs_up_at_once_waits_out_the_interval_and_stops(drill, tmp_path):
    service = _start_service(drill, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("*.dump")) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        status, out = _stop(service)
    assert status == 143
    (first,) = tmp_path.iterdir()
    lines = out.splitlines()
    assert lines[0].endswith(f"every 24 h into {tmp_path}, keeping 14 days")
    assert f"wrote {first.name}" in lines[1]

    # Started again (a restart, an upgrade): its newest backup is younger than the interval, so
    # it waits instead of adding one.
    again = _start_service(drill, tmp_path)
    time.sleep(3)
    status, out = _stop(again)
    assert status == 143
    assert [path.name for path in tmp_path.iterdir()] == [first.name]
    assert "wrote" not in out
