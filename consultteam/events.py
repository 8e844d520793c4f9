"""What the apps announce, for whoever listens: a meeting changed, a review was asked for.

The meeting and case services write their own rows and announce what happened; the reminders
app subscribes in its `ready()` and works out what should be reminded. So the services import no
reminder code, and reminders may read meetings and cases freely: the imports run one way down.

Delivery is synchronous and in-process: `announce` calls each subscriber in turn, in the
caller's transaction, before it returns. The reminder rows are written with the change they
follow or, if a subscriber raises, not at all (the exception rolls the whole change back). No
queue, no `on_commit`: nothing is lost between the change and its reminders.

Events carry ids and plain values, never model instances, so this module imports no app.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar


@dataclass(frozen=True)
class MeetingsChanged:
    """Meetings whose time, status, roles, attendance, actions or agenda items changed, so
    what they should remind of may have changed too. Ids of `agendas.Meeting`, in the order
    the service named them."""

    meeting_ids: tuple[int, ...]


@dataclass(frozen=True)
class ReviewRequested:
    """A review of one's work was asked for, or asked for again after a resubmission.
    ``asked_at`` is the moment of the (re)submission: each one is news once."""

    review_id: int
    reviewer_id: int
    asked_at: dt.datetime


Event = MeetingsChanged | ReviewRequested
E = TypeVar("E", MeetingsChanged, ReviewRequested)

_subscribers: defaultdict[type[Event], list[Callable[[Event], None]]] = defaultdict(list)


def subscribe(kind: type[E], subscriber: Callable[[E], None]) -> None:
    """Call ``subscriber`` with every event of ``kind`` announced from now on, in the order
    subscribed. Subscribing the same function twice keeps one: safe to call twice (an app's
    `ready()` may run again in tests)."""
    listeners = _subscribers[kind]
    if subscriber not in listeners:
        listeners.append(subscriber)  # type: ignore[arg-type]  # called only with a `kind`


def announce(event: Event) -> None:
    """Tell every subscriber of the event's kind, now, in the caller's transaction. Whatever a
    subscriber raises propagates to the caller (and rolls its transaction back)."""
    for subscriber in _subscribers[type(event)]:
        subscriber(event)


class Row(Protocol):
    """Any saved model row: a meeting, here."""

    @property
    def pk(self) -> Any: ...


def meetings_changed(*meetings: Row | None) -> None:
    """Announce that these meetings changed (a None, "no next meeting", is skipped; nothing is
    announced when none is left). Side effects: those of the subscribers (reminder rows)."""
    ids = tuple(meeting.pk for meeting in meetings if meeting is not None)
    if ids:
        announce(MeetingsChanged(meeting_ids=ids))
