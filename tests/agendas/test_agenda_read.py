"""The API's agenda orders and renders its items from the rows of one compiled statement
(agendas/agenda_read.py), never making their objects: over the demo's meetings, every one of
them, the rows order as the ORM's objects order and render as `AgendaItemSerializer` renders
those objects, carried items, cases and TIB entries included."""

from __future__ import annotations

import pytest

from agendas.agenda_read import agenda_items
from agendas.models import AgendaItem, Meeting
from agendas.serializers import AgendaItemSerializer, AgendaRowSerializer
from agendas.services.agenda import agenda_for, in_order
from clinic.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings() -> list[Meeting]:
    load_demo(password="agenda-rows-0")
    return list(Meeting.objects.select_related("team", "agreement").order_by("starts_at"))


def _objects(meeting: Meeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related(
            "meeting", "submitter", "case", "tib_entry", "chain_analysis",
            "carried_from__meeting__team",
        )
        .order_by("submitted_at", "id")
    )  # fmt: skip


def test_the_demo_gives_the_rows_something_to_show(meetings):
    items = AgendaItem.objects.filter(meeting__in=meetings)
    assert items.filter(carried_from__isnull=False).exists()
    assert items.filter(case__isnull=False).exists()
    assert items.filter(case__isnull=True).exists()
    assert items.filter(tib_entry__isnull=False).exists()


def test_rows_order_as_the_objects_order(meetings):
    for meeting in meetings:
        rows, objects = agenda_items(meeting), _objects(meeting)
        assert [row.pk for row in rows] == [item.pk for item in objects]
        assert [row.pk for row in in_order(rows)] == [item.pk for item in in_order(objects)]
        by_rows, by_objects = agenda_for(meeting, rows), agenda_for(meeting, objects)
        assert [row.pk for row in by_rows.will_not_fit] == [
            item.pk for item in by_objects.will_not_fit
        ]
        assert by_rows.warning == by_objects.warning


def test_a_moved_item_takes_its_place_among_rows_as_among_objects(meetings):
    meeting = next(m for m in meetings if len(agenda_for(m).items) >= 3)
    last = agenda_for(meeting).items[-1]
    AgendaItem.objects.filter(pk=last.pk).update(position_override=1, move_reason="Risk first.")
    rows = agenda_for(meeting, agenda_items(meeting)).items
    assert rows[0].pk == last.pk
    assert [row.pk for row in rows] == [item.pk for item in agenda_for(meeting).items]


def test_rows_render_as_the_objects_render(meetings):
    rendered = 0
    for meeting in meetings:
        rows, objects = agenda_items(meeting), _objects(meeting)
        positions = {item.pk: place for place, item in enumerate(agenda_for(meeting).items, 1)}
        context = {"positions": positions}
        assert (
            AgendaRowSerializer([row.row for row in rows], many=True, context=context).data
            == AgendaItemSerializer(objects, many=True, context=context).data
        )
        rendered += len(rows)
    assert rendered >= 20
