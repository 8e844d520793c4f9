"""The compiled-read mechanism (consultteam/compiled.py) and the blocks of `visible_to` built
on it: the same rows as the ORM, one text for everyone, and a builder that would keep a value
of one request for the next refused at first use. The registry walk that holds every read of
the project to its definition is tests/core/test_compiled_registry.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ChainAnalysis,
    EmergencyAccess,
    TIBEntry,
)
from consultteam import access, compiled
from consultteam.compiled import NOW, PERSON, compiled_read
from consultteam.teams.models import LEADER_ROLES, OVERSEER_ROLES, Membership, Team
from tests.access_world import emergency, grants  # noqa: F401 (the fixture, used by name)

pytestmark = pytest.mark.django_db

ROLE_SHAPES = [None, LEADER_ROLES, OVERSEER_ROLES]


def _cast(world):
    return [world.tara, world.theo, world.lena, world.sam, world.olga, world.fern, world.ada]


@pytest.fixture
def scratch() -> Iterator[None]:
    """Reads a test declares leave the registry with the test (the registry walk checks the
    project's own)."""
    saved = dict(compiled.REGISTRY)
    yield
    compiled.REGISTRY.clear()
    compiled.REGISTRY.update(saved)


# --- The blocks: membership and grants ------------------------------------------------------


@pytest.mark.parametrize("roles", ROLE_SHAPES)
def test_team_ids_compiled_match_the_queryset_for_everyone(world, roles):
    for person in _cast(world):
        if not access.is_active_person(person):
            continue
        compiled_ids = set(Team.objects.filter(pk__in=access.team_ids_subquery(person, roles)))
        defined = set(Team.objects.filter(pk__in=access.team_ids_of(person, roles)))
        assert compiled_ids == defined, person


def test_people_share_one_compiled_text_and_differ_in_their_id(world):
    tara, olga = access.team_ids_subquery(world.tara), access.team_ids_subquery(world.olga)
    assert tara.sql == olga.sql
    assert world.tara.pk in tara.params
    assert world.olga.pk in olga.params
    assert world.tara.pk not in olga.params


@pytest.mark.usefixtures("grants")
def test_grants_direct_and_through_a_group_match_guardian(world):
    for person in _cast(world):
        granted = access.granted(
            person.pk,
            CaseUserObjectPermission,
            CaseGroupObjectPermission,
            ("view_case", "co_treat_case"),
            team_of_object="team_id",
        )
        found = set(Case.objects.filter(pk__in=granted))
        memberships = Membership.objects.filter(user=person)
        expected = {
            case
            for case in Case.objects.all()
            if person.is_active
            # guardian's grants, while on a team and not on a team one has left
            and memberships.filter(is_active=True).exists()
            and not memberships.filter(is_active=False, team=case.team).exists()
            and (
                person.has_perm("cases.view_case", case)
                or person.has_perm("cases.co_treat_case", case)
            )
        }
        assert found == expected, person
    assert Case.objects.visible_to(world.olga).filter(pk=world.tara_case.pk).exists()
    assert Case.objects.visible_to(world.theo).filter(pk=world.olga_case.pk).exists()


@pytest.mark.usefixtures("grants")
def test_case_unions_answer_what_their_parts_answer(world):
    """The cases a person reaches through grants (direct, group, break-glass; and their own,
    for the record) come as one union: the same cases its parts give one by one, and an
    expired emergency access gives none."""
    from cases.querysets import _case_grant_parts, _reached_case_ids, granted_case_ids

    def cases_in(subquery: Any) -> set[Case]:
        return set(Case.objects.filter(pk__in=subquery))

    for person in _cast(world):
        parts = set().union(*(cases_in(part) for part in _case_grant_parts(person.pk)))
        on_team = person.memberships.filter(is_active=True).values("team_id")
        own = set(Case.objects.filter(primary_therapist=person, team_id__in=on_team))
        assert cases_in(granted_case_ids(person=person.pk)) == parts, person
        assert cases_in(_reached_case_ids(person.pk)) == parts | own, person
    assert world.olga_case in cases_in(_reached_case_ids(world.sam.pk))  # unexpired
    assert world.olga_case in cases_in(_reached_case_ids(world.lena.pk))  # the Cover group
    lena_emergency = EmergencyAccess.objects.get(user=world.lena)
    assert lena_emergency.expires_at < timezone.now()
    assert world.tara_case in cases_in(_reached_case_ids(world.olga.pk))  # her group


def _held_to_definition(world, model, definition):
    """``model.objects.visible_to`` gives, for everyone of the cast, the rows of
    ``definition(person)`` (a condition made of the reads' ORM definitions): at the top of a
    query and nested in two others; and some rows for someone."""
    rows = model.objects
    for person in _cast(world):
        expected = set(rows.filter(definition(person.pk)))
        if not access.is_active_person(person):
            expected = set()
        assert set(rows.visible_to(person)) == expected, person
        middle = rows.filter(pk__in=rows.visible_to(person).values("pk")).values("pk")
        assert set(rows.filter(pk__in=middle)) == expected, person
    assert any(rows.visible_to(person).exists() for person in _cast(world))


@pytest.mark.usefixtures("grants")
def test_a_case_is_visible_by_its_scope_of_compiled_reads(world):
    from cases.querysets import case_scope

    _held_to_definition(world, Case, lambda person: case_scope(person, compiled=False))


@pytest.mark.parametrize(
    ("model", "read"), [(TIBEntry, "visible_tib_ids"), (ChainAnalysis, "visible_chain_ids")]
)
@pytest.mark.usefixtures("grants")
def test_the_record_is_visible_by_its_compiled_read(world, model, read):
    from cases import querysets

    definition = getattr(querysets, read)
    _held_to_definition(world, model, lambda person: Q(pk__in=definition.queryset(person=person)))


# --- The mechanism's refusals ---------------------------------------------------------------


def test_a_builder_that_ignores_the_person_is_refused(scratch):
    """Compiled without the person's id among its parameters, a subquery would give everyone
    the same rows: the read refuses instead of running it."""

    @compiled_read(PERSON)
    def everyone(*, person: int) -> QuerySet[Any, Any]:
        return Team.objects.values("pk")

    with pytest.raises(ImproperlyConfigured, match="everyone declares person but its SQL"):
        everyone(person=1)


def test_a_builder_that_reads_the_clock_itself_is_refused_at_first_use(db, scratch):
    """The trap: `timezone.now()` inside a builder would be compiled once and kept, so an
    expired grant stayed visible until the process restarted. Two compilations disagree on
    it, and it is no declared parameter: refused."""

    @compiled_read(PERSON)
    def unexpired_the_trap(*, person: int) -> QuerySet[Any, Any]:
        return EmergencyAccess.objects.filter(user_id=person, expires_at__gt=timezone.now()).values(
            "case_id"
        )

    with pytest.raises(ImproperlyConfigured, match=r"timezone\.now\(\)"):
        unexpired_the_trap(person=1)


def test_a_value_derived_inside_the_builder_is_refused(scratch):
    @compiled_read(NOW)
    def a_day_back(*, now: dt.datetime) -> QuerySet[Any, Any]:
        return EmergencyAccess.objects.filter(expires_at__gt=now - dt.timedelta(days=1)).values(
            "case_id"
        )

    with pytest.raises(ImproperlyConfigured, match="a_day_back: parameter 0"):
        a_day_back(now=timezone.now())


def test_a_parameter_written_into_the_sql_text_is_refused(scratch):
    @compiled_read(PERSON)
    def inlined(*, person: int) -> QuerySet[Any, Any]:
        return Team.objects.filter(pk__in=RawSQL(f"SELECT {int(person)}", [])).values("pk")  # noqa: S611

    with pytest.raises(ImproperlyConfigured, match="its SQL text changes"):
        inlined(person=1)


def test_an_undeclared_shape_is_refused():
    from consultteam.teams.models import Role

    with pytest.raises(ImproperlyConfigured, match="no declared shape"):
        access.member_team_ids(person=1, roles=(Role.TRAINEE,))
    with pytest.raises(ImproperlyConfigured, match="no declared shape"):
        access.member_team_ids.queryset(person=1, roles=(Role.SUPERVISOR,))


def test_a_read_registers_once(scratch):
    def twice(*, person: int) -> QuerySet[Any, Any]:
        return Team.objects.filter(pk=person).values("pk")

    compiled_read(PERSON)(twice)
    with pytest.raises(ImproperlyConfigured, match="registered already"):
        compiled_read(PERSON)(twice)


# --- Time: what expires, disappears ---------------------------------------------------------


def test_an_expiring_grant_compared_with_a_now_parameter_disappears_once_expired(world, scratch):
    @compiled_read(PERSON, NOW)
    def unexpired_case_ids(*, person: int, now: dt.datetime) -> QuerySet[Any, Any]:
        return EmergencyAccess.objects.filter(user_id=person, expires_at__gt=now).values("case_id")

    emergency(world.olga_case, world.sam, hours=4)
    now = timezone.now()

    def cases(at: dt.datetime) -> set[Case]:
        return set(Case.objects.filter(pk__in=unexpired_case_ids(person=world.sam.pk, now=at)))

    assert cases(now) == {world.olga_case}
    assert cases(now + dt.timedelta(hours=5)) == set()  # the same compiled text, later
    assert cases(now + dt.timedelta(hours=3)) == {world.olga_case}


def test_an_emergency_access_disappears_from_visible_to_once_expired(world):
    """The emergency grants compare with the database's clock (`Now()`): the text compiled
    while the access ran answers 404 once it has expired, without a restart."""
    access_row = emergency(world.olga_case, world.sam, hours=4)
    assert Case.objects.visible_to(world.sam).filter(pk=world.olga_case.pk).exists()
    EmergencyAccess.objects.filter(pk=access_row.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert not Case.objects.visible_to(world.sam).filter(pk=world.olga_case.pk).exists()


# --- Definitions said once -------------------------------------------------------------------


def test_a_co_therapist_through_a_group_writes_the_record_as_one_granted_directly(world):
    """Co-therapist has one definition: a `co_treat_case` grant, to the person or to a group of
    theirs. Reads always counted the group's; the write check now does too (it did not)."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from cases.permissions import can_write_case_record, is_co_therapist
    from cases.querysets import co_therapist_ids

    assert not can_write_case_record(world.theo, world.olga_case)
    assert not is_co_therapist(world.theo, world.olga_case)
    cover = Group.objects.create(name="Cover")
    world.theo.groups.add(cover)
    assign_perm("cases.co_treat_case", cover, world.olga_case)
    assert is_co_therapist(world.theo, world.olga_case)
    assert can_write_case_record(world.theo, world.olga_case)
    assert not can_write_case_record(world.tara, world.olga_case)
    assert co_therapist_ids(world.olga_case.pk) == [world.theo.pk]
    assert Case.objects.visible_to(world.theo).filter(pk=world.olga_case.pk).exists()


def test_the_overseer_roles_are_the_team_leader_and_supervisors():
    from consultteam.teams.models import Role

    assert set(OVERSEER_ROLES) == {Role.TEAM_LEADER, Role.SUPERVISOR}
    assert set(LEADER_ROLES) == {Role.TEAM_LEADER}
