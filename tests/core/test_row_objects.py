"""Objects made from a compiled read's rows (consultteam/row_objects.py, the meeting of
agendas/agenda_read.py) hold what the ORM's own objects hold: the same columns, the same
related objects cached (read without a query), None for a relation that is not there. A
compiled detail read of a path that names no id answers 404, as a lookup that finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models

from agendas.agenda_read import meeting_seen_by
from agendas.models import Meeting
from consultteam.reference.models import Agreement
from tests.clients import signed_in
from tests.meeting_makers import upcoming

pytestmark = pytest.mark.django_db


def _columns(obj: models.Model | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_a_meeting_read_holds_what_the_orms_object_holds(world, django_assert_num_queries):
    meeting = upcoming(world)
    Meeting.objects.filter(pk=meeting.pk).update(agreement=Agreement.objects.first())
    made = meeting_seen_by(world.tara.pk, meeting.public_id)
    orm = Meeting.objects.select_related("team", "agreement").get(pk=meeting.pk)
    assert _columns(made) == _columns(orm)
    with django_assert_num_queries(0):
        assert _columns(made.team) == _columns(orm.team)
        assert made.agreement is not None
        assert _columns(made.agreement) == _columns(orm.agreement)
    assert not made._state.adding
    assert not made.team._state.adding


def test_a_meeting_without_an_agreement_holds_none(world, django_assert_num_queries):
    meeting = upcoming(world)
    Meeting.objects.filter(pk=meeting.pk).update(agreement=None)
    made = meeting_seen_by(world.tara.pk, meeting.public_id)
    with django_assert_num_queries(0):
        assert made.agreement is None
        assert made.agreement_id is None


@pytest.mark.parametrize(
    "path", ["/api/v1/chain-analyses/not-an-id/", "/api/v1/meetings/not-an-id/agenda/"]
)
def test_a_detail_read_of_a_path_that_names_no_id_answers_404(client, world, path):
    assert signed_in(client, world.tara).get(path).status_code == 404
