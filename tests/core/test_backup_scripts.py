"""The backup service as docker-compose.yml wires it, and what its scripts do before they touch a
database: bad settings and bad files get a message, and the health check reads the backups'
ages. The drill itself (back up, drop, restore) is tests/core/test_backup_restore.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import ROOT

BACKUP = ROOT / "deploy/backup/backup.sh"
RESTORE = ROOT / "deploy/backup/restore.sh"


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return services


def test_the_backup_service_runs_the_repositorys_script_as_the_owner(services):
    backup = services["backup"]
    # pg_dump of the same major version as the server.
    assert backup["image"] == services["postgres"]["image"]
    assert "./deploy/backup/backup.sh:/consultteam/backup.sh:ro" in backup["volumes"]
    assert backup["command"] == ["sh", "/consultteam/backup.sh"]
    assert backup["healthcheck"]["test"] == ["CMD", "sh", "/consultteam/backup.sh", "--check"]
    assert BACKUP.is_file()

    environment = backup["environment"]
    # The owner, as `migrate` connects; never the service's role or the image's superuser.
    assert environment["PGUSER"] == services["migrate"]["environment"]["DATABASE_USER"]
    assert environment["PGUSER"] == "consultteam"
    assert (environment["PGHOST"], environment["PGDATABASE"]) == ("postgres", "consultteam")
    assert environment["PGPASSWORD"] == "${DATABASE_OWNER_PASSWORD:-}"
    assert environment["PGPASSWORD_FILE"] == "${DATABASE_OWNER_PASSWORD_FILE:-}"
    assert backup["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_backups_go_to_their_own_volume_which_the_database_can_restore_from(services):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "backups" in compose["volumes"]
    backup = services["backup"]
    assert f"backups:{backup['environment']['BACKUP_DIR']}" in backup["volumes"]
    postgres = services["postgres"]["volumes"]
    assert "backups:/backups:ro" in postgres
    assert "./deploy/backup/restore.sh:/consultteam/restore.sh:ro" in postgres
    assert RESTORE.is_file()


def test_with_the_secrets_overlay_the_backups_read_the_owners_password_file():
    overlay = yaml.safe_load((ROOT / "deploy/compose.secrets.yml").read_text())
    backup = overlay["services"]["backup"]
    assert backup["environment"] == {"PGPASSWORD_FILE": "/run/secrets/database_owner_password"}
    assert backup["secrets"] == ["database_owner_password"]


def _backup(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    environment.update(env)
    return subprocess.run(
        ["sh", str(BACKUP), *args], env=environment, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BACKUP_KEEP_DAYS", "0"),
        ("BACKUP_KEEP_DAYS", "-3"),
        ("BACKUP_KEEP_DAYS", "14d"),
        ("BACKUP_INTERVAL_HOURS", "1.5"),
        ("BACKUP_INTERVAL_HOURS", "0"),
    ],
)
def test_a_bad_setting_stops_the_service_with_its_name(tmp_path, variable, value):
    refused = _backup("--once", BACKUP_DIR=str(tmp_path), **{variable: value})
    assert refused.returncode == 2
    assert refused.stderr == (
        f"backup: {variable} must be a whole number of at least 1, not '{value}'\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_or_a_password_given_twice_is_refused(tmp_path):
    missing = _backup("--once", BACKUP_DIR=str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "is not a directory" in missing.stderr

    secret = tmp_path / "owner_password"
    secret.write_text("an-example-password")
    twice = _backup("--once", BACKUP_DIR=str(tmp_path), PGPASSWORD="x", PGPASSWORD_FILE=str(secret))
    assert twice.returncode == 2
    assert "set PGPASSWORD or PGPASSWORD_FILE, not both" in twice.stderr


def _aged(path: Path, hours: float) -> None:
    path.write_bytes(b"a backup")
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.mark.parametrize(
    ("files", "healthy"),
    [
        ({}, False),
        ({"consultteam-20261207T000000Z.dump": 1}, True),
        ({"consultteam-20261207T000000Z.dump": 47}, True),
        ({"consultteam-20261205T000000Z.dump": 49}, False),
        # A partial file from a killed run, or another database's backup, is no backup of this one.
        ({".consultteam-20261207T000000Z.dump.partial": 1}, False),
        ({"another-20261207T000000Z.dump": 1}, False),
        ({"consultteam-20261205T000000Z.dump": 72, "consultteam-20261207T000000Z.dump": 2}, True),
    ],
)
def test_the_health_check_wants_a_backup_within_twice_the_interval(tmp_path, files, healthy):
    for name, hours in files.items():
        _aged(tmp_path / name, hours)
    checked = _backup(
        "--check", BACKUP_DIR=str(tmp_path), PGDATABASE="consultteam", BACKUP_INTERVAL_HOURS="24"
    )
    assert (checked.returncode == 0) is healthy, checked.stderr
    if not healthy:
        assert checked.returncode == 1
        assert "no backup in the last 48 hours" in checked.stderr


@pytest.mark.skipif(shutil.which("pg_restore") is None, reason="needs pg_restore")
def test_restore_refuses_a_file_that_is_not_a_whole_backup(tmp_path):
    """Checked before anything is dropped: a truncated or wrong file leaves the database alone."""
    truncated = tmp_path / "consultteam-20261207T000000Z.dump"
    truncated.write_bytes(b"PGDMP\x01\x0e")
    refused = subprocess.run(
        ["sh", str(RESTORE), str(truncated)], capture_output=True, text=True, timeout=30
    )
    assert refused.returncode == 2
    assert "is not a whole backup" in refused.stderr

    missing = subprocess.run(
        ["sh", str(RESTORE), str(tmp_path / "none.dump")], capture_output=True, text=True
    )
    assert missing.returncode == 2
    assert "is not a file this user can read" in missing.stderr
