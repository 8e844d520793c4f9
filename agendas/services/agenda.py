"""The agenda: members bring items until the cutoff, the order is computed from the target
hierarchy, a leader may move an item (with a reason, audited), and the meeting marks each one
discussed or deferred."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from django.core.exceptions import ValidationError
from django.db import transaction

from agendas.agenda_read import ItemRow
from agendas.choices import (
    SECTION_RANK,
    TARGET_RANK,
    TYPE_RANK,
    URGENCY_RANK,
    WAITING_ITEM_STATUSES,
    ItemStatus,
    MeetingStatus,
    Urgency,
)
from agendas.models import AgendaItem, Meeting
from agendas.permissions import (
    can_change_agenda_item,
    can_move_agenda_item,
    can_run_agenda_item,
    can_submit_agenda_item,
)
from agendas.services.common import (
    apply_changes,
    lock_meeting,
    now,
    refuse,
    require_open,
    save_valid,
)
from agendas.services.schedule import next_meeting
from cases.choices import SHARED_CHAIN_STATUSES
from cases.models import Case, ChainAnalysis, TIBEntry
from cases.services import tib_share_with_team
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.events import meetings_changed
from consultteam.plural import counted
from consultteam.textcheck.services import text_gate

# What a submitter may change on their own item until the meeting starts.
ITEM_FIELDS = (
    "section",
    "item_type",
    "target_level",
    "urgency",
    "help_wanted",
    "title",
    "question",
    "minutes_requested",
    "status",
)
# The statuses a submitter may set by editing: back to draft, submit, withdraw.
EDITABLE_STATUSES = {ItemStatus.DRAFT, ItemStatus.SUBMITTED, ItemStatus.WITHDRAWN}


@dataclass(frozen=True)
class Submitted:
    """A submitted item, and a note for the submitter when it went elsewhere than asked."""

    item: AgendaItem
    notice: str | None = None


def cutoff_of(meeting: Meeting) -> dt.datetime:
    """Items submitted after this go to the next meeting (unless imminent)."""
    return meeting.starts_at - dt.timedelta(hours=meeting.team.agenda_cutoff_hours)


def _check_links(
    *,
    meeting: Meeting,
    by: User,
    case: Case | None,
    tib_entry: TIBEntry | None,
    chain_analysis: ChainAnalysis | None,
) -> TIBEntry | None:
    """An item may name a case, a TIB entry or a chain analysis the submitter can see, of the
    meeting's team. Bringing a TIB entry to team shares it with the team (DOMAIN.md section 3);
    a chain analysis must first be marked ready for team by its writers."""
    team_id = meeting.team_id
    if case is not None and not (
        case.team_id == team_id and Case.objects.visible_to(by).filter(pk=case.pk).exists()
    ):
        raise ValidationError({"case": "Name a case of this team that you can see."})
    if tib_entry is not None:
        if not (
            tib_entry.team_id == team_id
            and TIBEntry.objects.visible_to(by).filter(pk=tib_entry.pk).exists()
        ):
            raise ValidationError({"tib_entry": "Name a TIB entry of this team you can see."})
        if case is not None and tib_entry.case_id not in (None, case.pk):
            raise ValidationError({"tib_entry": "This TIB entry is about another case."})
        if not tib_entry.shared_with_team:
            # Re-checks that `by` may write it: bringing it to team is theirs to decide.
            tib_entry = tib_share_with_team(entry=tib_entry, by=by)
    if chain_analysis is not None:
        if not (
            chain_analysis.team_id == team_id
            and ChainAnalysis.objects.visible_to(by).filter(pk=chain_analysis.pk).exists()
        ):
            raise ValidationError({"chain_analysis": "Name an analysis of this team you can see."})
        if case is not None and chain_analysis.case_id not in (None, case.pk):
            raise ValidationError({"chain_analysis": "This analysis is about another case."})
        if chain_analysis.status not in SHARED_CHAIN_STATUSES:
            raise ValidationError(
                {"chain_analysis": "Mark the analysis ready for team before bringing it."}
            )
    return tib_entry


@transaction.atomic
def agenda_item_submit(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    case: Case | None = None,
    tib_entry: TIBEntry | None = None,
    chain_analysis: ChainAnalysis | None = None,
    identifier_override: str | None = None,
    **fields: Any,
) -> Submitted:
    """Bring an item to ``meeting``. Until the team's cutoff it goes on that meeting; later, it
    goes to the next scheduled one (planned if need be) unless its urgency is IMMINENT, which
    stays on this meeting and is flagged for the leader. Naming a TIB entry brings it to team
    (shares it). Audited as CREATE. Not idempotent: each call adds an item."""
    if not can_submit_agenda_item(by, meeting):
        raise refuse("Only clinicians on this team bring items to its meeting.")
    meeting = lock_meeting(meeting)
    require_open(meeting, "add an item")
    if fields.get("status", ItemStatus.SUBMITTED) not in {ItemStatus.DRAFT, ItemStatus.SUBMITTED}:
        raise ValidationError({"status": "A new item is a draft or submitted."})
    tib_entry = _check_links(
        meeting=meeting, by=by, case=case, tib_entry=tib_entry, chain_analysis=chain_analysis
    )
    item = AgendaItem(
        meeting=meeting,
        submitter=by,
        case=case,
        tib_entry=tib_entry,
        chain_analysis=chain_analysis,
        title=title,
        submitted_at=now(),
    )
    apply_changes(item, fields, ITEM_FIELDS)
    notice = None
    late = item.submitted_at >= cutoff_of(meeting) or meeting.status != MeetingStatus.SCHEDULED
    if late and item.urgency == Urgency.IMMINENT:
        item.flagged_for_leader = True
        notice = "Past the cutoff, but imminent risk stays on this meeting: the leader is told."
    elif late:
        target = next_meeting(meeting)
        assert target is not None  # planned when missing
        item.meeting = target
        notice = (
            "Past this meeting's cutoff: the item goes to the next meeting, "
            f"on {target.local_start():%Y-%m-%d}."
        )
    save_valid(item)
    _check_text(item, by=by, identifier_override=identifier_override, only={"title", "question"})
    if item.flagged_for_leader:
        meetings_changed(meeting)  # tells whoever runs the meeting, at once
    return Submitted(item=item, notice=notice)


TEXT_FIELDS = ("title", "question", "outcome", "move_reason")


def _check_text(
    item: AgendaItem, *, by: User, identifier_override: str | None, only: set[str]
) -> None:
    """The language check (remembered, never blocking) and the identifier check (blocks unless
    the author gives a reason, which is audited) on the item's free text."""
    text_gate(
        obj=item,
        team=item.meeting.team,
        fields={name: getattr(item, name) for name in TEXT_FIELDS if name in only},
        by=by,
        identifier_override=identifier_override,
    )


def _editable(item: AgendaItem, doing: str) -> None:
    require_open(item.meeting, doing)
    if item.meeting.status != MeetingStatus.SCHEDULED or item.meeting.starts_at <= now():
        raise Conflict(f"The meeting has started: cannot {doing}.")
    if item.status not in EDITABLE_STATUSES | {ItemStatus.SCHEDULED}:
        raise Conflict(f"This item is {item.get_status_display().lower()}: cannot {doing}.")


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    by: User,
    changes: Mapping[str, Any],
    identifier_override: str | None = None,
) -> AgendaItem:
    """Change an item (its submitter or the team leader) until the meeting starts; setting
    status WITHDRAWN takes it off the agenda. An item kept past the cutoff as imminent risk
    whose urgency is lowered goes where any late item goes: the next meeting. Audited with the
    names of the fields."""
    if not can_change_agenda_item(by, item):
        raise refuse("Only the person who brought the item or the team leader can change it.")
    lock_meeting(item.meeting)
    item = AgendaItem.objects.select_related("meeting__team").get(pk=item.pk)
    _editable(item, "change the item")
    if "status" in changes and changes["status"] not in EDITABLE_STATUSES:
        raise ValidationError({"status": "Set it to draft, submitted or withdrawn."})
    apply_changes(item, changes, ITEM_FIELDS)
    fields = [*changes, "updated_at"]
    flagged_at = item.meeting if item.flagged_for_leader else None
    if flagged_at is not None and item.urgency != Urgency.IMMINENT:
        item.flagged_for_leader = False
        fields.append("flagged_for_leader")
        if now() >= cutoff_of(flagged_at):  # not so if the meeting was moved later since
            target = next_meeting(flagged_at)
            assert target is not None  # planned when missing
            item.meeting = target
            item.position_override = None  # a leader's move was about the other agenda
            item.move_reason = ""
            fields += ["meeting", "position_override", "move_reason"]
    save_valid(item, update_fields=fields)
    _check_text(item, by=by, identifier_override=identifier_override, only=set(changes))
    if flagged_at is not None and {"status", "urgency"} & set(changes):
        # Withdrawn or moved before the leader was told: the reminder is no longer wanted.
        meetings_changed(flagged_at)
    return item


# --- The computed order --------------------------------------------------------------------------


# An item as the agenda orders it: the model's object, or the item's row of the agenda's
# compiled read (the API's agenda, which makes no object).
Item = TypeVar("Item", AgendaItem, ItemRow)


def order_key(item: AgendaItem | ItemRow) -> tuple[int, int, int, int, dt.datetime, int]:
    """Section, then target level (life-threatening first), urgency (imminent first), type,
    and the time it was submitted."""
    return (
        SECTION_RANK[item.section],
        TARGET_RANK[item.target_level],
        URGENCY_RANK[item.urgency],
        TYPE_RANK[item.item_type],
        item.submitted_at,
        item.pk or 0,
    )


def in_order(items: list[Item]) -> list[Item]:
    """The computed order, with items a leader moved put at their chosen places (earlier moves
    first, so a later move to the same place goes in front)."""
    ordered = sorted((item for item in items if item.position_override is None), key=order_key)
    moved = sorted(
        (item for item in items if item.position_override is not None),
        key=lambda item: (item.moved_at or item.submitted_at, item.pk),
    )
    for item in moved:
        assert item.position_override is not None
        ordered.insert(min(item.position_override - 1, len(ordered)), item)
    return ordered


@dataclass(frozen=True)
class Agenda(Generic[Item]):
    """A meeting's agenda in order, timed against the meeting's length."""

    meeting: Meeting
    items: list[Item]
    minutes_requested: int
    meeting_minutes: int
    over_by: int
    will_not_fit: list[Item] = field(default_factory=list)

    @property
    def imminent(self) -> list[Item]:
        """The waiting items of imminent risk: whoever runs the meeting takes them first."""
        return [item for item in self.items if item.urgency == Urgency.IMMINENT]

    @property
    def warning(self) -> str | None:
        if not self.over_by:
            return None
        return (
            f"The agenda asks for {self.minutes_requested} minutes; the meeting has "
            f"{self.meeting_minutes}. It runs over by {self.over_by} minutes: "
            f"{counted(len(self.will_not_fit), 'item')} will not fit unless time is cut or "
            "they move."
        )


@overload
def agenda_for(meeting: Meeting) -> Agenda[AgendaItem]: ...
@overload
def agenda_for(meeting: Meeting, items: list[Item]) -> Agenda[Item]: ...
def agenda_for(meeting: Meeting, items: list[Any] | None = None) -> Agenda[Any]:
    """The agenda of ``meeting``: items still waiting for their turn, in order, with the
    minutes they ask for against the meeting's length and those that run past its end. Pass
    ``items`` (the meeting's items, already fetched with what the caller renders) to avoid a
    query. Reads only."""
    if items is None:
        items = list(AgendaItem.objects.filter(meeting=meeting).select_related("case"))
    waiting = [item for item in items if item.status in WAITING_ITEM_STATUSES]
    ordered = in_order(waiting)
    requested = sum(item.minutes_requested for item in ordered)
    elapsed = 0
    will_not_fit = []
    for item in ordered:
        elapsed += item.minutes_requested
        if elapsed > meeting.minutes:
            will_not_fit.append(item)
    return Agenda(
        meeting=meeting,
        items=ordered,
        minutes_requested=requested,
        meeting_minutes=meeting.minutes,
        over_by=max(0, requested - meeting.minutes),
        will_not_fit=will_not_fit,
    )


@transaction.atomic
def agenda_item_move(
    *,
    item: AgendaItem,
    by: User,
    position: int | None,
    reason: str,
    identifier_override: str | None = None,
) -> AgendaItem:
    """Put an item at ``position`` (1 is first) on its meeting's agenda, or back in its computed
    place with ``position`` None: the meeting's leader or the team leader, with a reason the
    team sees. Audited (UPDATE of position_override and move_reason). Two leaders moving at
    once take turns on the meeting's row lock. Safe to run twice."""
    if not can_move_agenda_item(by, item):
        raise refuse("Only the meeting's leader or the team leader moves items.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the item moves: the team sees the reason."})
    meeting = lock_meeting(item.meeting)
    item = AgendaItem.objects.select_related("meeting__team").get(pk=item.pk)
    require_open(meeting, "move items")
    if item.status not in WAITING_ITEM_STATUSES:
        raise Conflict("Only an item still waiting for its turn can be moved.")
    count = AgendaItem.objects.filter(meeting=meeting, status__in=WAITING_ITEM_STATUSES).count()
    if position is not None and not 1 <= position <= count:
        raise ValidationError({"position": f"Choose a place from 1 to {count}."})
    item.position_override = position
    item.move_reason = reason
    item.moved_at = now()
    save_valid(item, update_fields=["position_override", "move_reason", "moved_at", "updated_at"])
    # The reason is shown to the team and kept with the agenda: checked like the item's text.
    _check_text(item, by=by, identifier_override=identifier_override, only={"move_reason"})
    return item


def _runnable(item: AgendaItem, doing: str) -> AgendaItem:
    lock_meeting(item.meeting)
    item = AgendaItem.objects.select_related("meeting__team").get(pk=item.pk)
    require_open(item.meeting, doing)
    return item


@transaction.atomic
def agenda_item_discuss(
    *,
    item: AgendaItem,
    by: User,
    outcome: str,
    actual_minutes: int | None,
    identifier_override: str | None = None,
) -> AgendaItem:
    """Mark an item discussed, with what came of it and the minutes it took: whoever runs the
    meeting. The outcome is text like any other: checked, and an identifier needs a reason.
    Audited. Safe to run twice (the last outcome stands)."""
    if not can_run_agenda_item(by, item):
        raise refuse("Only the meeting's leader or the team leader marks items discussed.")
    item = _runnable(item, "mark items discussed")
    if item.status not in [*WAITING_ITEM_STATUSES, ItemStatus.DEFERRED, ItemStatus.DISCUSSED]:
        raise Conflict("This item was withdrawn or carried over: it cannot be marked discussed.")
    item.status = ItemStatus.DISCUSSED
    item.outcome = outcome
    item.actual_minutes = actual_minutes
    save_valid(item, update_fields=["status", "outcome", "actual_minutes", "updated_at"])
    _check_text(item, by=by, identifier_override=identifier_override, only={"outcome"})
    return item


@transaction.atomic
def agenda_item_defer(*, item: AgendaItem, by: User) -> AgendaItem:
    """Leave an item for the next meeting: completing this one carries it there. Whoever runs
    the meeting. Safe to run twice."""
    if not can_run_agenda_item(by, item):
        raise refuse("Only the meeting's leader or the team leader defers items.")
    item = _runnable(item, "defer items")
    if item.status not in [*WAITING_ITEM_STATUSES, ItemStatus.DEFERRED]:
        raise Conflict("Only an item still waiting for its turn can be deferred.")
    item.status = ItemStatus.DEFERRED
    save_valid(item, update_fields=["status", "updated_at"])
    return item
