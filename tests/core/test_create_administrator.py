"""`manage.py create_administrator`: the first administrator of a fresh installation.

The non-interactive path runs as automation would: the real command in its own process, on a
freshly migrated SQLite database of its own, with the answers in the environment (or a file).
The interactive path answers the questions on stdin, in a process and in this one (to see the
audit trail the suite's database keeps)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from consultteam.accounts.models import User
from consultteam.audit.models import Action, AuditEvent
from tests.factories import UserFactory
from tests.paths import ROOT

GOOD_PASSWORD = "Quiet-lantern-harbour-42"


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """A production-like process on its own SQLite database: none of the suite's database,
    broker or answers leak into it."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "REDIS_", "BROKER_", "ADMIN_", "DEBUG"))
    }
    environment.update(
        DATA_DIR=str(data_dir),
        SECRET_KEY="create-administrator-test-key-not-a-secret-0123456789abcdefghijkl",
        DEBUG="false",
        **extra,
    )
    return environment


def _manage(
    data_dir: Path, *args: str, stdin: str = "", **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(data_dir, **extra),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a migrated, empty database, as after the first `migrate`."""
    data_dir = tmp_path_factory.mktemp("fresh-install")
    migrated = _manage(data_dir, "migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    return data_dir


def _accounts(data_dir: Path) -> list[tuple[str, str, int, int, int]]:
    with sqlite3.connect(data_dir / "consultteam.sqlite3") as database:
        return database.execute(
            "SELECT email, display_name, is_staff, is_superuser, is_active FROM accounts_user"
        ).fetchall()


def _password_hash(data_dir: Path, email: str) -> str:
    with sqlite3.connect(data_dir / "consultteam.sqlite3") as database:
        row = database.execute(
            "SELECT password FROM accounts_user WHERE email = ?", (email,)
        ).fetchone()
    return str(row[0])


def test_from_the_environment_creates_the_first_administrator_once(fresh_install):
    answers = {
        "ADMIN_EMAIL": "First.Admin@Example.org",
        "ADMIN_NAME": "Robin Vale",
        "ADMIN_PASSWORD": GOOD_PASSWORD,
    }
    first = _manage(fresh_install, "create_administrator", "--no-input", **answers)
    assert first.returncode == 0, first.stderr
    assert "Created the administrator Robin Vale <first.admin@example.org>" in first.stdout
    assert GOOD_PASSWORD not in first.stdout + first.stderr
    assert ("first.admin@example.org", "Robin Vale", 1, 1, 1) in _accounts(fresh_install)
    hashed = _password_hash(fresh_install, "first.admin@example.org")
    assert hashed.startswith("argon2")
    assert GOOD_PASSWORD not in hashed

    # Automation runs it at every start: the second run changes nothing, and says so.
    again = _manage(
        fresh_install,
        "create_administrator",
        "--no-input",
        **{**answers, "ADMIN_PASSWORD": "Another-long-password-77"},
    )
    assert again.returncode == 0, again.stderr
    assert "already an administrator; nothing was changed" in again.stdout
    assert _password_hash(fresh_install, "first.admin@example.org") == hashed


def test_the_password_may_come_from_a_file(fresh_install, tmp_path):
    secret = tmp_path / "admin_password"
    secret.write_text(GOOD_PASSWORD + "\n")
    made = _manage(
        fresh_install,
        "create_administrator",
        "--no-input",
        ADMIN_EMAIL="file.admin@example.org",
        ADMIN_NAME="Kim Ashby",
        ADMIN_PASSWORD_FILE=str(secret),
    )
    assert made.returncode == 0, made.stderr
    assert ("file.admin@example.org", "Kim Ashby", 1, 1, 1) in _accounts(fresh_install)


@pytest.mark.parametrize(
    ("answers", "said"),
    [
        ({"ADMIN_NAME": "No Email", "ADMIN_PASSWORD": GOOD_PASSWORD}, "set ADMIN_EMAIL"),
        (
            {"ADMIN_EMAIL": "weak@example.org", "ADMIN_NAME": "Weak", "ADMIN_PASSWORD": "short"},
            "at least 12 characters",
        ),
        (
            {"ADMIN_EMAIL": "not-an-address", "ADMIN_NAME": "X", "ADMIN_PASSWORD": GOOD_PASSWORD},
            "is not an email address",
        ),
        (
            {
                "ADMIN_EMAIL": "both@example.org",
                "ADMIN_NAME": "Both",
                "ADMIN_PASSWORD": GOOD_PASSWORD,
                "ADMIN_PASSWORD_FILE": "/nonexistent",
            },
            "Set ADMIN_PASSWORD or ADMIN_PASSWORD_FILE, not both",
        ),
    ],
    ids=["missing", "weak-password", "bad-email", "value-and-file"],
)
def test_bad_answers_are_refused_with_what_to_fix(fresh_install, answers, said):
    before = _accounts(fresh_install)
    refused = _manage(fresh_install, "create_administrator", "--no-input", **answers)
    assert refused.returncode == 1
    assert said in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _accounts(fresh_install) == before


def test_interactively_from_stdin_in_its_own_process(fresh_install):
    answers = f"piped.admin@example.org\nSasha Moor\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n"
    made = _manage(fresh_install, "create_administrator", stdin=answers)
    assert made.returncode == 0, made.stderr
    assert ("piped.admin@example.org", "Sasha Moor", 1, 1, 1) in _accounts(fresh_install)


@pytest.mark.django_db
def test_interactively_asks_again_until_the_answers_hold():
    answers = io.StringIO(
        "not an email\n"
        "lead@example.org\n"
        "   \n"
        "Dr. R. Vale\n"
        f"{GOOD_PASSWORD}\nsomething-else-entirely\n"  # the two differ
        "short\nshort\n"  # too short
        f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n"
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("create_administrator", stdin=answers, stdout=out, stderr=err)
    problems = err.getvalue()
    assert "is not an email address" in problems
    assert "Give a display name" in problems
    assert "The two passwords differ" in problems
    assert "at least 12 characters" in problems
    person = User.objects.get(email="lead@example.org")
    assert (person.display_name, person.is_staff, person.is_superuser) == (
        "Dr. R. Vale",
        True,
        True,
    )
    assert person.check_password(GOOD_PASSWORD)
    created = AuditEvent.objects.get(object_type="accounts.user", object_id=str(person.public_id))
    assert created.action == Action.CREATE
    assert created.request_id  # one id for the run, as for a request


@pytest.mark.django_db
def test_never_raises_the_rights_of_an_existing_account():
    UserFactory.create(email="tara@alpha.example", display_name="Tara")
    answers = io.StringIO(f"Tara@Alpha.example\nTara\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    with pytest.raises(CommandError, match="already exists and is not an active administrator"):
        call_command("create_administrator", stdin=answers, stdout=io.StringIO())
    tara = User.objects.get(email="tara@alpha.example")
    assert (tara.is_staff, tara.is_superuser) == (False, False)
    assert not tara.check_password(GOOD_PASSWORD)


@pytest.mark.django_db
def test_input_that_ends_early_creates_nothing():
    with pytest.raises(CommandError, match="Input ended"):
        call_command(
            "create_administrator", stdin=io.StringIO("early@example.org\n"), stdout=io.StringIO()
        )
    assert not User.objects.filter(email="early@example.org").exists()
