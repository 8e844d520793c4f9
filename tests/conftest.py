"""The fixed cast used across the suite.

Tara is a therapist on Alpha, Theo her teammate, Lena Alpha's team leader, Sam its supervisor;
Olga is a therapist on Beta. Fern left Alpha (her membership is inactive); Ivan is on Alpha but
his account is deactivated; Ada is an administrator (staff) on no team. All fictional.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings

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


def runs_once_in_ci() -> pytest.MarkDecorator:
    """A slow test of real processes that needs no particular database: it runs in one pass
    only, the PostgreSQL and Redis one, so CI does not pay for it twice."""
    return pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="slow real-process test, run once: in the PostgreSQL and Redis pass (REDIS_URL)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the migrated data (`serialized_rollback=True`).

    Why: a transactional test empties every table when it ends; without serialized rollback,
    Django then writes the content types and permissions again under new ids, and the next test
    that restores the migrated data (the browser tests do) fails on a duplicate content type.
    Which of them runs first depends only on where their files sort, so refuse the mix outright.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test needs serialized_rollback=True "
                "(tests/conftest.py says why)."
            )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits count in the cache: each test starts with none spent.

    On Redis the cache shares its database with Celery's broker, whose queue bindings a
    `cache.clear()` (FLUSHDB) would delete under a running worker: only the cache's own keys go.
    """
    from django.core.cache import cache

    if not settings.REDIS_URL:
        cache.clear()
        return
    import redis

    with redis.Redis.from_url(settings.REDIS_URL) as server:
        keys = list(server.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            server.delete(*keys)


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


@pytest.fixture
def world(alpha, beta, tara, theo, lena, sam, olga, fern, ivan, ada) -> SimpleNamespace:
    """The cast with a small clinical record, made through the services as a clinician would.

    tara_case (Alpha, Tara primary) holds a client TIB kept to herself (tara_tib_private), one
    brought to team (tara_tib_shared), a draft chain analysis (tara_chain_draft) with three
    links and one ready for team (tara_chain_ready, a missing-links analysis). Tara also has a
    TIB about herself (tara_own_tib) and a draft self-chain (tara_self_chain); the team has a
    team TIB (team_tib). Olga has olga_case on Beta with a TIB (olga_tib) and a chain
    (olga_chain). Tara has an API token (tara_token).
    """
    from cases import services as clinical
    from cases.choices import Actor, ChainKind, ChainStatus, ChainSubject, LinkKind, Setting
    from consultteam.accounts.services import api_token_issue

    day = dt.date.today() - dt.timedelta(days=3)
    tara_case = clinical.case_open(team=alpha, by=tara, opened=day, stage="STAGE_1")
    olga_case = clinical.case_open(team=beta, by=olga, opened=day)

    def client_tib(case, by, team, *, shared=False):
        entry = clinical.tib_log(
            by=by,
            team=team,
            actor=Actor.CLIENT,
            case=case,
            category="NON_COMPLIANT",
            setting=Setting.INDIVIDUAL_SESSION,
            occurred_on=day,
            description="Diary card left blank for the week; said the card was lost.",
        ).entry
        return clinical.tib_share_with_team(entry=entry, by=by) if shared else entry

    def chain(
        case, by, team, *, subject=ChainSubject.CLIENT_BEHAVIOR, kind=ChainKind.BEHAVIOR_CHAIN
    ):
        return clinical.chain_start(
            by=by,
            team=team,
            case=case,
            subject=subject,
            kind=kind,
            behavior_on=day,
            problem_behavior="Left the group room ten minutes into the session.",
        )

    draft = chain(tara_case, tara, alpha)
    for kind, text in [
        (LinkKind.EVENT, "Another member spoke loudly about a crisis."),
        (LinkKind.EMOTION, "Fear, rising fast."),
        (LinkKind.URGE, "Urge to get out of the room."),
    ]:
        clinical.chain_link_add(
            chain=draft, by=tara, expected_version=draft.version, kind=kind, description=text
        )
        draft.refresh_from_db()
    ready = chain(tara_case, tara, alpha, kind=ChainKind.MISSING_LINKS)
    ready = clinical.chain_set_status(
        chain=ready, by=tara, status=ChainStatus.READY_FOR_TEAM, expected_version=ready.version
    )
    olga_chain = chain(olga_case, olga, beta)
    token, _key = api_token_issue(user=tara, name="Tara's laptop")
    return SimpleNamespace(
        alpha=alpha,
        beta=beta,
        tara=tara,
        theo=theo,
        lena=lena,
        sam=sam,
        olga=olga,
        fern=fern,
        ivan=ivan,
        ada=ada,
        tara_token=token,
        tara_case=tara_case,
        olga_case=olga_case,
        tara_tib_private=client_tib(tara_case, tara, alpha),
        tara_tib_shared=client_tib(tara_case, tara, alpha, shared=True),
        tara_own_tib=clinical.tib_log(
            by=tara,
            team=alpha,
            actor=Actor.THERAPIST,
            category="DISRESPECTFUL",
            setting=Setting.INDIVIDUAL_SESSION,
            occurred_on=day,
            description="Started two sessions this week more than ten minutes late.",
        ).entry,
        team_tib=clinical.tib_log(
            by=lena,
            team=alpha,
            actor=Actor.TEAM,
            category="OFF_AGENDA",
            setting=Setting.TEAM_MEETING,
            occurred_on=day,
            description="Twenty minutes of the meeting went to scheduling.",
        ).entry,
        tara_chain_draft=draft,
        tara_chain_ready=ready,
        tara_self_chain=chain(None, tara, alpha, subject=ChainSubject.THERAPIST_BEHAVIOR),
        olga_case_tib=client_tib(olga_case, olga, beta),
        olga_chain=olga_chain,
    )
