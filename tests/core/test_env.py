"""The typed environment readers: good values parse, bad values stop the process loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

from consultteam import env
from tests.conftest import requires_postgres
from tests.paths import ROOT


@pytest.fixture(autouse=True)
def _names_read_stay_the_settings() -> Iterator[None]:
    """The names these tests read (CT_*) are not the settings': left out of `env.READ`, which
    tests/core/test_configuration_docs.py holds to the documentation, whatever runs first."""
    before = set(env.READ)
    yield
    env.READ.intersection_update(before)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("1", True),
        ("YES", True),
        ("on", True),
        ("false", False),
        ("0", False),
        ("no", False),
    ],
)
def test_boolean_reads_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("CT_FLAG", value)
    assert env.boolean("CT_FLAG", not expected) is expected


def test_boolean_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv("CT_FLAG", raising=False)
    assert env.boolean("CT_FLAG", True) is True


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_boolean_refuses_anything_else(monkeypatch, value):
    monkeypatch.setenv("CT_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="CT_FLAG"):
        env.boolean("CT_FLAG", False)


def test_integer_parses_and_bounds(monkeypatch):
    monkeypatch.setenv("CT_NUM", " 42 ")
    assert env.integer("CT_NUM", 1) == 42
    monkeypatch.setenv("CT_NUM", "-1")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env.integer("CT_NUM", 1, minimum=0)
    monkeypatch.setenv("CT_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env.integer("CT_NUM", 1)


def test_string_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("CT_LIST", "a.example, b.example,,")
    assert env.string_list("CT_LIST", []) == ["a.example", "b.example"]


def test_choice_refuses_unknown(monkeypatch):
    monkeypatch.setenv("CT_LEVEL", "LOUD")
    with pytest.raises(ImproperlyConfigured, match="not one of"):
        env.choice("CT_LEVEL", "INFO", {"INFO", "DEBUG"})


def test_file_variant_reads_the_secret_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-file\n")
    monkeypatch.delenv("CT_SECRET", raising=False)
    monkeypatch.setenv("CT_SECRET_FILE", str(secret))
    assert env.string("CT_SECRET", "default") == "s3cret-from-file"


def test_file_variant_missing_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CT_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.string("CT_SECRET", "default")


def test_value_and_file_together_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CT_SECRET", "a")
    monkeypatch.setenv("CT_SECRET_FILE", str(tmp_path / "x"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env.string("CT_SECRET", "default")


def test_database_unset_is_sqlite_under_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CT_DB", raising=False)
    config = env.database("CT_DB", sqlite_default=tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == tmp_path / "db.sqlite3"


def test_database_postgres_url(monkeypatch):
    monkeypatch.setenv("CT_DB", "postgres://ct:p%40ss@db.internal:6543/consult")
    config = env.database("CT_DB", sqlite_default=Path("unused"))
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("consult", "ct", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "6543")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x@h/db", "must start with"),
        ("postgres://x@h/", "names no database"),
        ("postgres://x@h:port/db", "port that is not a number"),
        ("sqlite://", "names no database file"),
    ],
)
def test_database_bad_urls(monkeypatch, url, message):
    monkeypatch.setenv("CT_DB", url)
    with pytest.raises(ImproperlyConfigured, match=message):
        env.database("CT_DB", sqlite_default=Path("unused"))


def test_redis_url_must_be_redis(monkeypatch):
    monkeypatch.setenv("CT_REDIS", "http://127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        env.redis_url("CT_REDIS")
    monkeypatch.setenv("CT_REDIS", "redis://127.0.0.1:6379/3")
    assert env.redis_url("CT_REDIS") == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize(
    ("reader", "default"),
    [
        (lambda name: env.boolean(name, True), True),
        (lambda name: env.string(name, "fallback"), "fallback"),
        (lambda name: env.integer(name, 7), 7),
        (lambda name: env.string_list(name, ["localhost"]), ["localhost"]),
        (env.optional, None),
    ],
)
def test_an_empty_value_counts_as_unset(monkeypatch, reader, default):
    """Compose passes every documented variable through as `${NAME:-}`: one the operator left
    out arrives empty and must give the default, not false, zero or an empty list."""
    monkeypatch.setenv("CT_EMPTY", "")
    assert reader("CT_EMPTY") == default


def test_an_empty_value_beside_a_file_reads_the_file(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("from-the-file\n")
    monkeypatch.setenv("CT_SECRET", "")
    monkeypatch.setenv("CT_SECRET_FILE", str(tmp_path / "secret"))
    assert env.string("CT_SECRET", "default") == "from-the-file"
    monkeypatch.setenv("CT_SECRET_FILE", "")
    assert env.string("CT_SECRET", "default") == "default"


# Every character a password generator may produce that means something in a URL.
AWKWARD_PASSWORD = "p/ss:w@rd#1?%20&=+ é"


def _database_parts(monkeypatch, **parts: str) -> None:
    monkeypatch.delenv("CT_DB_URL", raising=False)
    for part in ("HOST", "PORT", "NAME", "USER", "PASSWORD"):
        monkeypatch.delenv(f"CT_DB_{part}", raising=False)
    for part, value in parts.items():
        monkeypatch.setenv(f"CT_DB_{part}", value)


def test_database_by_parts_takes_any_password_as_it_is(monkeypatch, tmp_path):
    _database_parts(monkeypatch, HOST="postgres", NAME="consultteam", USER="consultteam_app")
    (tmp_path / "password").write_text(AWKWARD_PASSWORD + "\n")
    monkeypatch.setenv("CT_DB_PASSWORD_FILE", str(tmp_path / "password"))
    config = env.database("CT_DB_URL", sqlite_default=Path("unused"))
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("postgres", "", "consultteam")
    assert (config["USER"], config["PASSWORD"]) == ("consultteam_app", AWKWARD_PASSWORD)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"HOST": "db", "USER": "app"}, "CT_DB_NAME names no database"),
        ({"NAME": "consult", "PORT": "54x2"}, "CT_DB_PORT='54x2' is not a port number"),
    ],
)
def test_database_by_parts_refuses_what_cannot_work(monkeypatch, parts, message):
    _database_parts(monkeypatch, **parts)
    with pytest.raises(ImproperlyConfigured, match=message):
        env.database("CT_DB_URL", sqlite_default=Path("unused"))


def test_database_url_and_parts_together_is_an_error(monkeypatch):
    _database_parts(monkeypatch, NAME="consult")
    monkeypatch.setenv("CT_DB_URL", "postgres://x@h/db")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env.database("CT_DB_URL", sqlite_default=Path("unused"))


def test_an_unencoded_password_in_the_url_gets_a_way_out(monkeypatch):
    monkeypatch.setenv("CT_DB", "postgres://app:p/ss@postgres:5432/consult")
    with pytest.raises(ImproperlyConfigured, match="CT_DB_PASSWORD"):
        env.database("CT_DB", sqlite_default=Path("unused"))


@requires_postgres()
def test_a_password_of_any_characters_connects(tmp_path):
    """A real role with the awkward password, reached through DATABASE_HOST/_NAME/_USER and
    DATABASE_PASSWORD_FILE by a process configured only by its environment. The servers here
    trust loopback, so the process also shows the password it hands the driver, unchanged."""
    superuser = "host=127.0.0.1 user=postgres dbname=postgres"
    role = f"ct_awkward_{os.getpid()}"
    try:
        admin = psycopg.connect(superuser, autocommit=True)
    except psycopg.OperationalError:
        pytest.skip("needs the PostgreSQL superuser `postgres` on 127.0.0.1 to create a role")
    with admin:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(AWKWARD_PASSWORD)
            )
        )
        try:
            (tmp_path / "password").write_text(AWKWARD_PASSWORD)
            environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
            environment.update(
                DATA_DIR=str(tmp_path),
                DATABASE_HOST="127.0.0.1",
                DATABASE_NAME="postgres",
                DATABASE_USER=role,
                DATABASE_PASSWORD_FILE=str(tmp_path / "password"),
            )
            connected = subprocess.run(
                [sys.executable, "-c", WHO_AM_I],
                env=environment,
                capture_output=True,
                text=True,
                check=False,
                timeout=60,
                cwd=ROOT,
            )
        finally:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    assert connected.returncode == 0, connected.stderr
    assert connected.stdout.splitlines() == [role, AWKWARD_PASSWORD]


WHO_AM_I = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT current_user")
    print(cursor.fetchone()[0])
print(connection.get_connection_params()["password"])
"""


@pytest.mark.parametrize(
    "url",
    [
        "redis://redis:6379/0",
        "amqp://consultteam:secret@rabbitmq:5672/consultteam",
        "amqps://consultteam:secret@rabbitmq:5671//",
        "sentinel://10.0.0.1:26379/0;sentinel://10.0.0.2:26379/0",
    ],
)
def test_broker_urls_a_clinic_may_run(monkeypatch, url):
    monkeypatch.setenv("CT_BROKER", url)
    assert env.broker_url("CT_BROKER") == url


@pytest.mark.parametrize(
    "url", ["http://broker:80", "sentinel://10.0.0.1:26379;redis://10.0.0.2:6379", "filesystem://"]
)
def test_broker_urls_that_cannot_work_are_refused(monkeypatch, url):
    monkeypatch.setenv("CT_BROKER", url)
    with pytest.raises(ImproperlyConfigured, match="CT_BROKER must start with one of"):
        env.broker_url("CT_BROKER")


def test_redis_over_tls_requires_a_valid_certificate_unless_told_otherwise(monkeypatch):
    monkeypatch.setenv("CT_REDIS", "rediss://:secret@cache.internal:6380/0")
    assert env.redis_url("CT_REDIS") == (
        "rediss://:secret@cache.internal:6380/0?ssl_cert_reqs=required"
    )
    monkeypatch.setenv("CT_REDIS", "rediss://cache.internal:6380/0?ssl_ca_certs=/run/ca.pem")
    assert env.redis_url("CT_REDIS") == (
        "rediss://cache.internal:6380/0?ssl_ca_certs=%2Frun%2Fca.pem&ssl_cert_reqs=required"
    )
    monkeypatch.setenv("CT_REDIS", "rediss://cache.internal:6380/0?ssl_cert_reqs=none")
    assert env.redis_url("CT_REDIS") == "rediss://cache.internal:6380/0?ssl_cert_reqs=none"


def test_sentinel_without_a_master_name_stops_the_settings(tmp_path):
    started = _import_settings(
        {"SECRET_KEY": "s" * 50, "BROKER_URL": "sentinel://10.0.0.1:26379/0"}, tmp_path
    )
    assert started.returncode != 0
    assert "set BROKER_SENTINEL_MASTER" in started.stderr


def _run_without_secret(
    command: list[str], extra_env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update({"DATA_DIR": str(tmp_path), **extra_env})
    return subprocess.run(
        [sys.executable, *command],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=ROOT,
    )


def _import_settings(extra_env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return _run_without_secret(["-c", "import consultteam.settings"], extra_env, tmp_path)


def test_comparing_models_with_migrations_needs_no_secret_and_nothing_else_runs_without(tmp_path):
    """A hook or CI step checks migrations with no secret to give; every other command still
    refuses to start without one."""
    migrations = _run_without_secret(
        ["manage.py", "makemigrations", "--check", "--dry-run"], {}, tmp_path
    )
    assert migrations.returncode == 0, migrations.stderr
    assert "No changes detected" in migrations.stdout
    other = _run_without_secret(["manage.py", "check"], {}, tmp_path)
    assert other.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required" in other.stderr


def test_settings_refuse_to_start_without_a_secret_in_production(tmp_path):
    result = _import_settings({}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required" in result.stderr


def test_settings_refuse_a_short_secret(tmp_path):
    result = _import_settings({"SECRET_KEY": "too-short"}, tmp_path)
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_settings_in_debug_generate_and_keep_a_development_key(tmp_path):
    first = _import_settings({"DEBUG": "true"}, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "generated a development key" in first.stderr
    key = (tmp_path / "dev-secret-key").read_text()
    second = _import_settings({"DEBUG": "true"}, tmp_path)
    assert second.returncode == 0
    assert (tmp_path / "dev-secret-key").read_text() == key


def test_settings_refuse_a_bad_debug_value(tmp_path):
    result = _import_settings({"DEBUG": "sometimes"}, tmp_path)
    assert result.returncode != 0
    assert "DEBUG='sometimes' is not a boolean" in result.stderr
