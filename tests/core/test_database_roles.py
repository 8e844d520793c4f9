"""The deployment's database roles, end to end on a real PostgreSQL (docs/deployment.md).

A superuser runs deploy/postgres/roles.sql as the compose stack's first start does; `migrate`
runs as the owner and grants the service's role; the demo is loaded as the service's role (so
it has every privilege the product needs). Then that role tries each way to rewrite the trail
and is refused, and a superuser's rewrites are named by `audit_verify`, run as the service."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from tests.conftest import requires_postgres
from tests.paths import ROOT

SUPERUSER = os.environ.get("POSTGRES_SUPERUSER_DSN", "host=127.0.0.1 user=postgres dbname=postgres")


def _superuser() -> psycopg.Connection | None:
    try:
        return psycopg.connect(SUPERUSER, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError:
        return None


pytestmark = [
    requires_postgres(),
    pytest.mark.skipif(shutil.which("psql") is None, reason="needs the psql client"),
]


@dataclass(frozen=True)
class Deployment:
    database: str
    owner: str
    app: str
    password: str
    data_dir: Path

    def url(self, role: str) -> str:
        return f"postgres://{role}:{self.password}@127.0.0.1:5432/{self.database}"

    def dsn(self, role: str) -> str:
        return f"host=127.0.0.1 dbname={self.database} user={role} password={self.password}"

    def manage(self, *args: str, role: str, **env: str) -> subprocess.CompletedProcess[str]:
        """`manage.py` as the image runs it, connected as ``role``, on the embedded broker."""
        environment = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL"}}
        environment.update(
            DATABASE_URL=self.url(role),
            SECRET_KEY="roles-test-only-key-not-a-secret-0123456789abcdefghijklmnopqrstuv",
            DATA_DIR=str(self.data_dir),
            **env,
        )
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )


@contextmanager
def production_deployment(prefix: str, data_dir: Path) -> Iterator[Deployment]:
    """A scratch database set up as the compose stack's first start does (initdb.sh, with the
    passwords as secret files), migrated as the owner, the demo loaded as the service's role;
    dropped with its roles afterwards."""
    superuser = _superuser()
    if superuser is None:
        pytest.skip(f"needs a PostgreSQL superuser at {SUPERUSER!r} (POSTGRES_SUPERUSER_DSN)")
    suffix = secrets.token_hex(4)
    made = Deployment(
        f"{prefix}_db_{suffix}",
        f"{prefix}_owner_{suffix}",
        f"{prefix}_app_{suffix}",
        password=suffix * 4,
        data_dir=data_dir,
    )
    try:
        secrets_dir = made.data_dir / "secrets"
        secrets_dir.mkdir()
        for name in ("owner", "app"):
            (secrets_dir / name).write_text(made.password)
        subprocess.run(
            ["sh", str(ROOT / "deploy/postgres/initdb.sh")],
            env={
                "PATH": os.environ["PATH"],
                "PGHOST": "127.0.0.1",
                "POSTGRES_USER": "postgres",
                "CONSULTTEAM_DATABASE": made.database,
                "CONSULTTEAM_OWNER": made.owner,
                "CONSULTTEAM_APP_ROLE": made.app,
                "CONSULTTEAM_ROLES_SQL": str(ROOT / "deploy/postgres/roles.sql"),
                "DATABASE_OWNER_PASSWORD_FILE": str(secrets_dir / "owner"),
                "DATABASE_APP_PASSWORD_FILE": str(secrets_dir / "app"),
            },
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        migrated = made.manage(
            "migrate", "--noinput", role=made.owner, DATABASE_RUNTIME_ROLE=made.app
        )
        assert migrated.returncode == 0, migrated.stderr
        demo = made.manage("load_demo", role=made.app)
        assert demo.returncode == 0, demo.stderr
        yield made
    finally:
        superuser.execute(f'DROP DATABASE IF EXISTS "{made.database}" WITH (FORCE)')
        superuser.execute(f'DROP ROLE IF EXISTS "{made.app}"')
        superuser.execute(f'DROP ROLE IF EXISTS "{made.owner}"')
        superuser.close()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with production_deployment("ct_roles", tmp_path_factory.mktemp("deployment")) as made:
        yield made


REWRITES = [
    "UPDATE audit_auditevent SET action = 'VIEW'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    # The maintenance switch first, then the rewrite (statements split at ";\n").
    "SET LOCAL consultteam.audit_maintenance = 'on';\nUPDATE audit_auditevent SET action = 'VIEW'",
    "SET LOCAL consultteam.audit_maintenance = 'on';\nDELETE FROM audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete",
    "DROP TRIGGER audit_event_chain ON audit_auditevent",
    "CREATE TRIGGER rewrite BEFORE INSERT ON audit_auditevent"
    " FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger"
    " AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger"
    " AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql",
    "ALTER FUNCTION audit_event_chain() RENAME TO ignored",
    "CREATE FUNCTION public.anything() RETURNS int AS 'SELECT 1' LANGUAGE sql",
    "CREATE TABLE public.audit_copy (id int)",
    "DELETE FROM django_migrations",
]


def _in_one_transaction(connection: psycopg.Connection, statements: str) -> None:
    with connection.transaction():
        for statement in statements.split(";\n"):
            connection.execute(statement)


@pytest.mark.parametrize("statements", REWRITES)
def test_the_services_role_cannot_rewrite_the_trail(deployment, statements):
    with psycopg.connect(deployment.dsn(deployment.app), autocommit=True) as app:
        trail = "SELECT count(*), max(seq), max(chain_hash) FROM audit_auditevent"
        before = app.execute(trail).fetchone()
        with pytest.raises(errors.InsufficientPrivilege):
            _in_one_transaction(app, statements)
        assert app.execute(trail).fetchone() == before


def test_the_services_role_cannot_backdate_an_event(deployment):
    with psycopg.connect(deployment.dsn(deployment.app)) as app:
        app.execute("SET consultteam.audit_maintenance = 'on'")
        at = app.execute(
            "INSERT INTO audit_auditevent (at, action, object_type, object_id, fields,"
            " request_id, emergency_access, chain_hash, read_ids)"
            " VALUES ('2001-01-01', 'VIEW', 'cases.case', 'x', '[]', '', '', 'forged', '[]')"
            " RETURNING extract(year FROM at), chain_hash"
        ).fetchone()
    assert at is not None
    assert at[0] >= 2026
    assert at[1] != "forged"


def test_a_superusers_rewrites_are_named_by_the_service(deployment):
    verified = deployment.manage("audit_verify", role=deployment.app)
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout
    as_root = SUPERUSER.replace("dbname=postgres", f"dbname={deployment.database}")
    with psycopg.connect(as_root, autocommit=True) as root:
        ids = [row[0] for row in root.execute("SELECT id FROM audit_auditevent ORDER BY seq")]
        altered, deleted, after_deleted = ids[10], ids[20], ids[21]
        root.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        root.execute("UPDATE audit_auditevent SET object_id = 'rewritten' WHERE id = %s", [altered])
        root.execute("DELETE FROM audit_auditevent WHERE id = %s", [deleted])
        inserted = root.execute(
            "INSERT INTO audit_auditevent (at, action, object_type, object_id, fields,"
            " request_id, emergency_access, chain_hash, read_ids)"
            " VALUES (now() - interval '1 year', 'VIEW', 'cases.case', 'x', '[]', '', '', '', '[]')"
            " RETURNING id"
        ).fetchone()
        root.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    assert inserted is not None
    found = deployment.manage("audit_verify", role=deployment.app)
    assert found.returncode == 1
    broken = [line for line in found.stderr.splitlines() if line.startswith("BROKEN")]
    assert broken == [
        f"BROKEN event {inserted[0]}: is outside the chain: inserted past the trigger",
        f"BROKEN event {altered}: altered: its content no longer matches its hash",
        f"BROKEN event {after_deleted}: 1 event(s) just before it are missing",
    ]
