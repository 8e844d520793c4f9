"""The fixed cast used across the suite.

Tara is a therapist on Alpha, Theo her teammate, Lena Alpha's team leader, Sam its supervisor;
Olga is a therapist on Beta. Fern left Alpha (her membership is inactive); Ivan is on Alpha but
his account is deactivated; Ada is an administrator (staff) on no team. All fictional.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest

from consultteam.accounts.models import User
from consultteam.teams.models import Role, Team
from tests.factories import MembershipFactory, TeamFactory, UserFactory


def requires_postgres() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI's second run does)",
    )


def requires_redis() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs Redis: set REDIS_URL=redis://... (CI's second run does)",
    )


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings: Any) -> None:
    """Production serves hashed names from collectstatic's manifest; the suite never runs
    collectstatic, so it resolves static files by their plain names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def alpha(db: None) -> Team:
    return TeamFactory.create(name="Alpha")


@pytest.fixture
def beta(db: None) -> Team:
    return TeamFactory.create(name="Beta")


def _member(team: Team, email: str, name: str, role: Role) -> User:
    user = UserFactory.create(email=email, display_name=name)
    MembershipFactory.create(team=team, user=user, role=role)
    return user


@pytest.fixture
def tara(alpha: Team) -> User:
    return _member(alpha, "tara@alpha.example", "Tara", Role.THERAPIST)


@pytest.fixture
def theo(alpha: Team) -> User:
    return _member(alpha, "theo@alpha.example", "Theo", Role.THERAPIST)


@pytest.fixture
def lena(alpha: Team) -> User:
    return _member(alpha, "lena@alpha.example", "Lena", Role.TEAM_LEADER)


@pytest.fixture
def sam(alpha: Team) -> User:
    return _member(alpha, "sam@alpha.example", "Sam", Role.SUPERVISOR)


@pytest.fixture
def olga(beta: Team) -> User:
    return _member(beta, "olga@beta.example", "Olga", Role.THERAPIST)


@pytest.fixture
def fern(alpha: Team) -> User:
    user = _member(alpha, "fern@alpha.example", "Fern", Role.THERAPIST)
    user.memberships.update(is_active=False, left_on=dt.date.today())
    return user


@pytest.fixture
def ivan(alpha: Team) -> User:
    user = _member(alpha, "ivan@alpha.example", "Ivan", Role.THERAPIST)
    user.is_active = False
    user.save()
    return user


@pytest.fixture
def ada(db: None) -> User:
    return UserFactory.create(email="ada@admin.example", display_name="Ada", is_staff=True)


@pytest.fixture(scope="session", autouse=True)
def _flush_may_truncate_the_audit_trail() -> Iterator[None]:
    """On PostgreSQL the audit table refuses TRUNCATE, which is how Django cleans up after a
    transactional test. Only that clean-up uses the documented maintenance switch; every test
    itself runs with the trigger armed, as production does."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def flush(self: DatabaseOperations, sql_list: list[str]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SET consultteam.audit_maintenance = 'on'")
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("RESET consultteam.audit_maintenance")

    patch = pytest.MonkeyPatch()
    patch.setattr(DatabaseOperations, "execute_sql_flush", flush)
    yield
    patch.undo()
