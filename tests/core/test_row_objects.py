"""Objects made from a compiled read's rows (consultteam/row_objects.py, the agenda of
agendas/agenda_read.py) hold what the ORM's own objects hold: the same columns, the same
related objects cached (read without a query), None for a relation that is not there. A
compiled detail read of a path that names no id answers 404, as a lookup that finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models

from agendas.agenda_read import agenda_items
from agendas.models import AgendaItem
from tests.clients import signed_in
from tests.meeting_makers import submit, upcoming

pytestmark = pytest.mark.django_db


def _columns(obj: models.Model | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_agenda_items_hold_what_the_orms_objects_hold(world, django_assert_num_queries):
    meeting = upcoming(world)
    submit(
        meeting, world.tara, "With a case", case=world.tara_case, tib_entry=world.tara_tib_shared
    )
    submit(meeting, world.theo, "Without one")
    made = agenda_items(meeting)
    fetched = {
        item.pk: item
        for item in AgendaItem.objects.filter(meeting=meeting).select_related(
            "submitter", "case", "tib_entry", "chain_analysis", "carried_from__meeting__team"
        )
    }
    assert len(made) == len(fetched) == 2
    assert any(item.case is None for item in made)
    for item in made:
        orm = fetched[item.pk]
        assert _columns(item) == _columns(orm)
        with django_assert_num_queries(0):
            assert item.meeting is meeting
            assert item.submitter.display_name == orm.submitter.display_name
            assert (item.case and item.case.code) == (orm.case and orm.case.code)
            assert (item.tib_entry and item.tib_entry.public_id) == (
                orm.tib_entry and orm.tib_entry.public_id
            )
            assert item.chain_analysis == orm.chain_analysis
            assert item.carried_from == orm.carried_from
        assert not item._state.adding


@pytest.mark.parametrize(
    "path", ["/api/v1/chain-analyses/not-an-id/", "/api/v1/meetings/not-an-id/agenda/"]
)
def test_a_detail_read_of_a_path_that_names_no_id_answers_404(client, world, path):
    assert signed_in(client, world.tara).get(path).status_code == 404
