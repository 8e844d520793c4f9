"""Two leaders reordering one agenda at once (issue 6, bad input): they take turns on the
meeting's row lock, and the order is never corrupted. PostgreSQL only: SQLite has one writer
at a time, so it cannot show what happens when two writes really overlap."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from agendas import services
from agendas.choices import MeetingRole
from agendas.models import AgendaItem
from agendas.services.common import lock_meeting
from consultteam.audit.models import Action, AuditEvent
from tests.conftest import requires_postgres
from tests.meeting_makers import submit, upcoming

pytestmark = [
    requires_postgres(),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MOVES_EACH = 12


def _agenda_with_two_leaders(world: Any) -> tuple[Any, list[AgendaItem]]:
    """Alpha's meeting led by Theo, with Lena as team leader: both may move items."""
    meeting = upcoming(world)
    services.role_assign(
        meeting=meeting, role=MeetingRole.MEETING_LEADER, member=world.theo, by=world.lena
    )
    items = [submit(meeting, world.tara, f"Item {n}") for n in range(8)]
    return meeting, items


def test_two_leaders_moving_at_once_leave_a_whole_agenda(world):
    meeting, items = _agenda_with_two_leaders(world)
    start = threading.Barrier(2)
    done: list[tuple[int, int, Any]] = []  # (item pk, position, moved_at) as committed
    errors: list[BaseException] = []

    def reorder(leader: Any, seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 (a repeatable shuffle, not a secret)
        start.wait()
        try:
            for _ in range(MOVES_EACH):
                item = rng.choice(items)
                position = rng.randint(1, len(items))
                moved = services.agenda_item_move(
                    item=item, by=leader, position=position, reason="Risk first"
                )
                done.append((moved.pk, position, moved.moved_at))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=reorder, args=(world.lena, 1)),
        threading.Thread(target=reorder, args=(world.theo, 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(done) == 2 * MOVES_EACH

    agenda = services.agenda_for(meeting)
    assert sorted(item.pk for item in agenda.items) == sorted(item.pk for item in items)
    # Each item holds the place of the last move made to it: no move half-applied or lost.
    last: dict[int, tuple[Any, int]] = {}
    for pk, position, moved_at in done:
        if pk not in last or moved_at > last[pk][0]:
            last[pk] = (moved_at, position)
    for item in AgendaItem.objects.filter(pk__in=last):
        assert (item.position_override, item.move_reason) == (last[item.pk][1], "Risk first")
    moves = AuditEvent.objects.filter(
        action=Action.UPDATE,
        object_type="agendas.agendaitem",
        object_id__in=[str(item.public_id) for item in items],
    )
    assert moves.count() == 2 * MOVES_EACH


def test_a_move_waits_for_the_leader_holding_the_meeting(world):
    """While one leader's change to the meeting is open, the other's move waits for it to
    commit instead of interleaving with it."""
    meeting, items = _agenda_with_two_leaders(world)
    holding = threading.Event()
    moments: dict[str, float] = {}

    def hold_the_meeting() -> None:
        try:
            with transaction.atomic():
                lock_meeting(meeting)
                holding.set()
                time.sleep(0.5)
                services.agenda_item_move(item=items[0], by=world.lena, position=1, reason="A")
            moments["first committed"] = time.monotonic()
        finally:
            connection.close()

    def move_meanwhile() -> None:
        try:
            holding.wait(timeout=10)
            services.agenda_item_move(item=items[1], by=world.theo, position=1, reason="B")
            moments["second returned"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=hold_the_meeting), threading.Thread(target=move_meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert moments["second returned"] > moments["first committed"]
    order = [item.pk for item in services.agenda_for(meeting).items]
    # The later move to the same place goes in front.
    assert order[:2] == [items[1].pk, items[0].pk]
