"""Every compiled read of the project, for every shape it declares, answers exactly what its
ORM definition answers, for the whole cast and the grants world: on its own, and nested as the
`pk__in` of a queryset that is itself a subquery of a third. The registry is walked, not
listed: a read added anywhere is checked here, and one with a parameter this test cannot
sample fails until it learns to."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, models
from django.utils import timezone

from agendas.models import Meeting
from cases.models import Case
from consultteam.accounts.models import ApiToken
from consultteam.accounts.services import api_token_issue
from consultteam.compiled import REGISTRY, Compiled, CompiledRead, CompiledRows, Param
from consultteam.teams.models import Team
from tests.access_world import grants  # noqa: F401 (the fixture, used by name)

pytestmark = pytest.mark.django_db

PACKAGES = ["cases", "agendas", "reminders", "clinic", "consultteam"]
CAST = ["tara", "theo", "lena", "sam", "olga", "fern", "ivan", "ada"]


def _every_module() -> Iterator[str]:
    for package in PACKAGES:
        root = importlib.import_module(package)
        for found in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if ".migrations" not in found.name and not found.name.endswith(".wsgi"):
                yield found.name


def _all_reads() -> list[Compiled]:
    """Every module of the project imported, so that every read has registered itself."""
    for name in _every_module():
        importlib.import_module(name)
    return sorted(REGISTRY.values(), key=lambda read: read.name)


def _samples(world: SimpleNamespace, param: Param, model: type[models.Model]) -> list[Any]:
    """Values of a per-request parameter to try each read with (of ``model``, the read's own)."""
    name = param.name
    if name == "person":
        return [getattr(world, who).pk for who in CAST]
    if name == "now":
        now = timezone.now()
        return [now + dt.timedelta(hours=hours) for hours in (-9, 0, 2, 5, 24 * 30)]
    if isinstance(param.stand_ins[0], dt.datetime):  # a period's ends, a position in time
        now = timezone.now()
        return [now + dt.timedelta(hours=hours) for hours in (-9, 2, 24 * 30)]
    if name == "team":  # every team's public id, and one that is no team's
        return [*Team.objects.values_list("public_id", flat=True), uuid.uuid4()]
    if name == "public_id":  # every row of the read's model, and one that is no row
        return [*model._default_manager.values_list("public_id", flat=True), uuid.uuid4()]
    if name == "position":  # before every row, between two, after every row (the first page)
        keys = sorted(model._default_manager.values_list("pk", flat=True))
        return [0, keys[len(keys) // 2], 2**62]
    if name == "case":  # every case's public id, and one that is no case's
        return [*Case.objects.values_list("public_id", flat=True), uuid.uuid4()]
    if name == "meeting":  # every meeting's key, and one that is no meeting's
        return [*Meeting.objects.values_list("pk", flat=True), 0]
    if name == "key_hash":  # an API token's, and a hash no key has
        api_token_issue(user=world.tara, name="registry")
        return [*ApiToken.objects.values_list("key_hash", flat=True), "0" * 64]
    raise AssertionError(f"No sample values for the parameter {name!r}: add some here.")


def _arguments(
    world: SimpleNamespace, read: Compiled, shape: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    stand_ins = {param.name: param.stand_ins[0] for param in read.params}
    model = read.queryset(**stand_ins, **shape).model

    def combine(params: list[Param]) -> Iterator[dict[str, Any]]:
        if not params:
            yield {}
            return
        first, *rest = params
        for value in _samples(world, first, model):
            for others in combine(rest):
                yield {first.name: value, **others}

    yield from combine(list(read.params))


def _plain(value: Any) -> Any:
    """A row's value comparable by content: a model instance (a child row of a JSON column,
    which has no key to compare by) as its fields' values."""
    if isinstance(value, models.Model):
        return {k: v for k, v in vars(value).items() if k != "_state"}
    if isinstance(value, list):
        return [_plain(each) for each in value]
    if isinstance(value, dict):
        return {key: _plain(each) for key, each in value.items()}
    return value


def _ids_model(defined: models.QuerySet[Any, Any]) -> type[models.Model]:
    """The model whose ids a read gives: its queryset's own (``values("pk")``) or the one its
    single field points to (``values("team_id")``, ``values("content_object_id")``)."""
    (name,) = defined.query.values_select
    if name == "pk":
        return defined.model
    field = defined.model._meta.get_field(name)
    return field.related_model if field.is_relation else defined.model


def _ids(rows: Any) -> set[Any]:
    return {next(iter(row.values())) if isinstance(row, dict) else row for row in rows}


def test_the_registry_holds_every_visible_to_read():
    names = {read.name for read in _all_reads()}
    assert {
        "consultteam.access.member_team_ids",
        "cases.querysets.granted_case_ids",
        "cases.querysets.visible_tib_ids",
        "cases.querysets.visible_chain_ids",
        "cases.querysets.visible_feedback_ids",
        "cases.querysets.visible_review_ids",
        "agendas.querysets.visible_meeting_ids",
        "consultteam.teams.querysets.visible_team_ids",
        "cases.chain_detail.chain_worksheet",
    } <= names


@pytest.mark.usefixtures("grants")
def test_every_compiled_read_answers_what_its_orm_definition_answers(world):
    checked = 0
    for read in _all_reads():
        for shape in read.shapes:
            seen_rows = False
            for values in _arguments(world, read, shape):
                defined = read.queryset(**values, **shape)
                if isinstance(read, CompiledRows):
                    expected_rows = [_plain(read.shaped(row, **shape)) for row in defined]
                    seen_rows = seen_rows or bool(expected_rows)
                    assert _plain(read(**{**values, **shape})) == expected_rows, (read.name, values)
                    checked += 1
                    continue
                assert isinstance(read, CompiledRead)
                expected = _ids(defined)
                seen_rows = seen_rows or bool(expected)
                compiled = read(**values, **shape)
                with connection.cursor() as cursor:
                    cursor.execute(compiled.sql, compiled.params)
                    alone = {row[0] for row in cursor.fetchall()}
                assert alone == expected, (read.name, shape, values)
                model = _ids_model(defined)
                rows = model._default_manager
                middle = rows.filter(pk__in=compiled).values("pk")
                nested = rows.filter(pk__in=rows.filter(pk__in=middle).values("pk"))
                assert {row.pk for row in nested} == expected, (read.name, shape, values)
                checked += 1
            # A world where a read finds nothing for anyone would prove nothing about it.
            assert seen_rows, (read.name, shape)
    assert checked > 100, checked


@pytest.mark.usefixtures("grants")
def test_a_compiled_read_keeps_one_text_for_everyone(world):
    """The compiled text is the same for two people; only the parameters differ."""
    for read in _all_reads():
        if not isinstance(read, CompiledRead) or [p.name for p in read.params] != ["person"]:
            continue
        for shape in read.shapes:
            tara, olga = read(person=world.tara.pk, **shape), read(person=world.olga.pk, **shape)
            assert tara.sql == olga.sql, read.name
            assert world.tara.pk in tara.params, read.name
            assert world.olga.pk not in tara.params, read.name
            assert "ORDER BY" not in tara.sql.upper(), read.name
