"""The audit trail's hash chain, kept by the database (PostgreSQL).

Each event, as it is inserted, gets the next position in the chain (`seq`, without gaps) and
`chain_hash` = SHA-256 of the previous event's hash followed by this event's content. A trigger
does it under one lock, so concurrent requests chain one after another, and stamps the event's
time with the database's clock (an INSERT cannot backdate it). `audit_verify` walks the chain
again and names the events that no longer fit: one altered, one missing, one inserted.

`CONTENT_SQL` is the event's content as the hash covers it, a JSON array, which PostgreSQL
writes out in one canonical way. Never change it: every event already chained was hashed with
it. The migration that installs the trigger and the verifier both read it from here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connections
from django.db.backends.utils import CursorWrapper

# One advisory lock for the whole trail: an event is chained after the one committed before it.
LOCK_KEY = 7_212_026_001

CONTENT_SQL = """jsonb_build_array(
    {row}.seq, {row}.id,
    to_char({row}.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    {row}.actor_id, {row}.action, {row}.object_type, {row}.object_id, {row}.team_id,
    {row}.fields, {row}.request_id, host({row}.ip), {row}.emergency_access, {row}.read_ids
)::text"""


# The chain in order, a chunk at a time, each event with its content as the hash covers it.
WALK = (
    f"SELECT e.seq, e.id, e.chain_hash, {CONTENT_SQL.format(row='e')}"  # noqa: S608 (constants)
    " FROM audit_auditevent e WHERE e.seq > %s ORDER BY e.seq LIMIT %s"
)


def link(previous_hash: str, content: str) -> str:
    """The hash of an event whose content is ``content``, chained after ``previous_hash``
    (empty for the first event)."""
    return hashlib.sha256((previous_hash + content).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """One place where the stored trail no longer matches its chain."""

    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "the trail"
        return f"{where}: {self.problem}"


@dataclass
class Verdict:
    checked: int
    breaks: list[Break]
    head_seq: int  # 0 for an empty trail
    head_hash: str

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify(
    using: str = "default", *, anchors: dict[int, str] | None = None, chunk: int = 5000
) -> Verdict:
    """Walk the whole chain, in order, without loading it into memory.

    The content is written out by the database (with this module's `CONTENT_SQL`, never the
    trigger's own function, which whoever alters the trail could replace too) and hashed here.
    A break is reported once where it occurs; the walk goes on from the stored hash, so one
    altered event does not make every later one look altered.

    ``anchors`` are heads recorded earlier ({position: hash}, as this walk reports them): a
    chain recomputed from scratch, or cut short at its end, no longer passes through them."""
    anchors = anchors or {}
    connection = connections[using]
    breaks: list[Break] = []
    checked = 0
    previous_seq, previous_hash = 0, ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM audit_auditevent WHERE seq IS NULL ORDER BY id")
        outside = "is outside the chain: inserted past the trigger"
        breaks += [Break(row[0], outside) for row in cursor]
        for seq, event_id, stored, content in _chained(cursor, chunk):
            checked += 1
            if seq > previous_seq + 1:
                # The predecessor's hash went with it: only the gap can be reported here.
                missing = seq - previous_seq - 1
                breaks.append(Break(event_id, f"{missing} event(s) just before it are missing"))
            elif stored != link(previous_hash, content):
                breaks.append(Break(event_id, "altered: its content no longer matches its hash"))
            if seq in anchors and anchors[seq] != stored:
                breaks.append(Break(event_id, "differs from the head recorded at its position"))
            previous_seq, previous_hash = seq, stored
    breaks += [
        Break(None, f"ends at position {previous_seq}, before the recorded head {seq}")
        for seq in sorted(anchors)
        if seq > previous_seq
    ]
    return Verdict(checked, breaks, previous_seq, previous_hash)


def _chained(cursor: CursorWrapper, chunk: int) -> Iterator[tuple[int, int, str, str]]:
    after = 0
    while True:
        cursor.execute(WALK, [after, chunk])
        rows = cursor.fetchall()
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1][0]
