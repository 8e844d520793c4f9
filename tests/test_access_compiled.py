"""The visibility subqueries compiled once answer exactly what their ORM definitions answer,
for every person of the cast, and only the person's id changes between people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from consultteam import access
from consultteam.teams.models import Role, Team
from consultteam.teams.services import team_access_grant

pytestmark = pytest.mark.django_db

ROLE_SHAPES = [None, [Role.TEAM_LEADER], [Role.TEAM_LEADER, Role.SUPERVISOR]]


def _cast(world):
    return [world.tara, world.theo, world.lena, world.sam, world.olga]


@pytest.fixture
def grants(world):
    """Grants of both kinds: Olga's group reads Tara's case, Theo co-treats Olga's."""
    from guardian.shortcuts import assign_perm

    reviewers = Group.objects.create(name="Outside reviewers")
    world.olga.groups.add(reviewers)
    assign_perm("cases.view_case", reviewers, world.tara_case)
    assign_perm("cases.co_treat_case", world.theo, world.olga_case)


@pytest.mark.parametrize("roles", ROLE_SHAPES)
def test_team_ids_compiled_match_the_queryset_for_everyone(world, roles):
    for person in _cast(world):
        compiled = set(Team.objects.filter(pk__in=access.team_ids_subquery(person, roles)))
        defined = set(Team.objects.filter(pk__in=access.team_ids_of(person, roles)))
        assert compiled == defined, person


def test_people_share_one_compiled_text_and_differ_in_their_id(world):
    tara, olga = access.team_ids_subquery(world.tara), access.team_ids_subquery(world.olga)
    assert tara.sql == olga.sql
    assert world.tara.pk in tara.params
    assert world.olga.pk in olga.params
    assert world.tara.pk not in olga.params


def test_grants_direct_and_through_a_group_match_the_orm(world, grants):
    team_access_grant(team=world.alpha, grantee=world.olga, by=world.lena)
    for person in _cast(world):
        granted = access.granted_ids(
            person.pk,
            CaseUserObjectPermission,
            CaseGroupObjectPermission,
            ("view_case", "co_treat_case"),
        )
        found = set(Case.objects.filter(pk__in=granted))
        expected = {
            case
            for case in Case.objects.all()
            if person.has_perm("cases.view_case", case)
            or person.has_perm("cases.co_treat_case", case)
        }
        assert found == expected, person
    assert Case.objects.visible_to(world.olga).filter(pk=world.tara_case.pk).exists()
    assert Case.objects.visible_to(world.theo).filter(pk=world.olga_case.pk).exists()


def test_compiled_subqueries_carry_no_ordering(world):
    """An ordering in a subquery of ids changes no answer, but Membership's would add two
    joins and a sort to every rule; Django drops it when it nests a subquery itself, and
    compiled_once must too."""
    from cases.querysets import _granted_case_ids, _reached_case_ids

    compiled = [
        access.team_ids_subquery(world.tara),
        access.team_ids_subquery(world.tara, [Role.TEAM_LEADER]),
        access.granted_ids(
            world.tara.pk, CaseUserObjectPermission, CaseGroupObjectPermission, ("view_case",)
        ),
        _granted_case_ids(world.tara.pk),
        _reached_case_ids(world.tara.pk),
    ]
    for subquery in compiled:
        assert "ORDER BY" not in subquery.sql.upper(), subquery.sql


def test_a_builder_that_ignores_the_person_is_refused():
    """Compiled without the person's id among its parameters, a subquery would give everyone
    the same rows: compiled_once refuses it instead of running it."""
    from django.core.exceptions import ImproperlyConfigured

    @access.compiled_once
    def everyone(person_id: int) -> QuerySet[Any, Any]:
        return Team.objects.values("pk")

    with pytest.raises(ImproperlyConfigured, match="everyone"):
        everyone(1)


def test_case_unions_answer_what_their_parts_answer(world, grants):
    """The cases a person reaches through grants (direct, group, break-glass; and their own,
    for the record) come as one compiled union: the same cases its parts give one by one,
    and an expired emergency access gives none."""
    from cases.models import EmergencyAccess
    from cases.querysets import _case_grant_parts, _granted_case_ids, _reached_case_ids

    now = timezone.now()
    for case, hours in ((world.olga_case, 4), (world.tara_case, -1)):
        EmergencyAccess.objects.create(
            case=case,
            user=world.sam,
            reason="Out-of-hours crisis call; the primary therapist cannot be reached.",
            opened_at=now - dt.timedelta(hours=8),
            expires_at=now + dt.timedelta(hours=hours),
        )

    def cases_in(subquery: Any) -> set[Case]:
        return set(Case.objects.filter(pk__in=subquery))

    for person in _cast(world):
        parts = set().union(*(cases_in(part) for part in _case_grant_parts(person.pk)))
        on_team = person.memberships.filter(is_active=True).values("team_id")
        own = set(Case.objects.filter(primary_therapist=person, team_id__in=on_team))
        assert cases_in(_granted_case_ids(person.pk)) == parts, person
        assert cases_in(_reached_case_ids(person.pk)) == parts | own, person
    assert world.olga_case in cases_in(_granted_case_ids(world.sam.pk))
    assert world.tara_case not in cases_in(_granted_case_ids(world.sam.pk))
    assert world.tara_case in cases_in(_granted_case_ids(world.olga.pk))


RULES = ["_case_rule", "_tib_rule", "_chain_rule"]


def _rule_and_model(name: str) -> tuple[Any, Any]:
    from cases import querysets
    from cases.models import ChainAnalysis, TIBEntry

    models = {"_case_rule": Case, "_tib_rule": TIBEntry, "_chain_rule": ChainAnalysis}
    return getattr(querysets, name), models[name]


@pytest.mark.parametrize("name", RULES)
def test_a_compiled_rule_answers_what_its_condition_answers(world, grants, name):
    """For everyone of the cast, at the top of a query and nested in another (where Django
    renames the table U0 and the rule must follow), with grants of every kind in place."""
    rule, model = _rule_and_model(name)
    for person in _cast(world):
        defined = set(model.objects.filter(rule.condition(person.pk)))
        assert set(rule(model.objects.all(), person.pk)) == defined, person
        nested = model.objects.filter(pk__in=rule(model.objects.all(), person.pk).values("pk"))
        assert set(nested) == defined, person
        assert set(model.objects.visible_to(person)) == defined, person
    assert any(model.objects.visible_to(person).exists() for person in _cast(world))


def test_a_nested_rule_names_the_renamed_table():
    rule, model = _rule_and_model("_chain_rule")
    inner = rule(model.objects.all(), 7).values("pk")
    sql = str(model.objects.filter(pk__in=inner).query)
    assert 'U0."team_id" IN' in sql
    assert "rule_rows_compiled_once" not in sql


def test_a_rule_that_joins_another_table_is_refused():
    from django.core.exceptions import ImproperlyConfigured
    from django.db.models import Q

    @access.compiled_rule
    def by_team_name(person_id: int) -> Q:
        return Q(team__name="Alpha") & Q(primary_therapist_id=person_id)

    with pytest.raises(ImproperlyConfigured, match="by_team_name joins another table"):
        by_team_name(Case.objects.all(), 1)
