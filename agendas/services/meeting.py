"""Running and closing a meeting: minutes, completion with carry-over, action items and the
observer's flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from agendas.choices import (
    SETTLED_ITEM_STATUSES,
    ActionStatus,
    FlagReason,
    ItemStatus,
    MeetingStatus,
)
from agendas.models import ActionItem, AgendaItem, Meeting, ObserverFlag
from agendas.permissions import (
    can_acknowledge_observer_flag,
    can_change_action_item,
    can_raise_observer_flag,
    can_run_meeting,
    can_schedule_meeting,
    can_write_minutes,
)
from agendas.services.common import (
    apply_changes,
    bump,
    lock_meeting,
    member_of,
    now,
    refuse,
    require_open,
    save_valid,
)
from agendas.services.schedule import next_meeting
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.events import meetings_changed
from consultteam.reference.models import Agreement
from consultteam.teams.models import Team
from consultteam.textcheck.services import text_gate

MINUTES_FIELDS = ("minutes_text",)
SETUP_FIELDS = ("location_kind", "join_link", "minutes")


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    expected_version: int,
    changes: Mapping[str, Any],
    identifier_override: str | None = None,
) -> Meeting:
    """Change the minutes (whoever writes them) or the setup: place, join link, length (the
    team leader). Refused (409) once the meeting is completed (its minutes are locked) or if
    someone saved since ``expected_version``. Minutes go through the text checks like any
    clinical text: an identifier stops the save unless a reason is given."""
    if set(changes) & set(SETUP_FIELDS) and not can_schedule_meeting(by, meeting):
        raise refuse("Only the team leader changes where and how long the meeting runs.")
    if set(changes) & set(MINUTES_FIELDS) and not can_write_minutes(by, meeting):
        raise refuse("The note-taker, the meeting's leader or the team leader writes minutes.")
    meeting = lock_meeting(meeting, expected_version)
    require_open(meeting, "change it")
    apply_changes(meeting, changes, (*MINUTES_FIELDS, *SETUP_FIELDS))
    bump(meeting, list(changes))
    if "minutes_text" in changes:
        _check_minutes(meeting, by=by, identifier_override=identifier_override)
    return meeting


def _check_minutes(meeting: Meeting, *, by: User, identifier_override: str | None) -> None:
    _check_free_text(meeting, {"minutes_text": meeting.minutes_text}, by, identifier_override)


def _check_free_text(
    obj: Meeting | ActionItem | ObserverFlag,
    fields: dict[str, str],
    by: User,
    identifier_override: str | None,
) -> None:
    """What the meeting records is free text about the team's clients (the minutes, an
    action, a repair note): the language check (remembered, never blocking) and the
    identifier check (blocks unless a reason is given, audited)."""
    meeting = obj if isinstance(obj, Meeting) else obj.meeting
    text_gate(
        obj=obj, team=meeting.team, fields=fields, by=by, identifier_override=identifier_override
    )


@transaction.atomic
def meeting_start(*, meeting: Meeting, by: User) -> Meeting:
    """Mark the meeting in progress (whoever runs it). Safe to run twice."""
    if not can_run_meeting(by, meeting):
        raise refuse("Only the meeting's leader or the team leader starts the meeting.")
    meeting = lock_meeting(meeting)
    require_open(meeting, "start it")
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.IN_PROGRESS
        bump(meeting, ["status"])
    return meeting


@transaction.atomic
def meeting_complete(
    *,
    meeting: Meeting,
    by: User,
    minutes_text: str | None = None,
    identifier_override: str | None = None,
) -> Meeting:
    """Close the meeting: lock its minutes, copy every item not discussed or withdrawn to the
    team's next scheduled meeting (planned if need be) marked as carried from this one, and
    move every open action item to that meeting's follow-ups with its carry count up by one.
    All in one transaction. Safe to run twice: completing a completed meeting does nothing
    (the row lock makes a second completion wait for the first, then see it done)."""
    if not can_run_meeting(by, meeting):
        raise refuse("Only the meeting's leader or the team leader completes the meeting.")
    meeting = lock_meeting(meeting)
    if meeting.status == MeetingStatus.COMPLETED:
        return meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting was cancelled: there is nothing to complete.")
    fields = ["status", "completed_at"]
    if minutes_text is not None:
        meeting.minutes_text = minutes_text
        fields.append("minutes_text")
    meeting.status = MeetingStatus.COMPLETED
    meeting.completed_at = now()
    bump(meeting, fields)
    if minutes_text is not None:
        _check_minutes(meeting, by=by, identifier_override=identifier_override)
    undiscussed = list(
        AgendaItem.objects.filter(meeting=meeting)
        .exclude(status__in=SETTLED_ITEM_STATUSES)
        .order_by("submitted_at", "id")
    )
    open_actions = list(
        ActionItem.objects.filter(meeting=meeting, status=ActionStatus.OPEN).order_by("id")
    )
    if not undiscussed and not open_actions:
        meetings_changed(meeting)
        return meeting
    following = next_meeting(meeting)
    assert following is not None  # planned when missing
    for item in undiscussed:
        copy = AgendaItem(
            meeting=following,
            submitter_id=item.submitter_id,
            case_id=item.case_id,
            tib_entry_id=item.tib_entry_id,
            chain_analysis_id=item.chain_analysis_id,
            section=item.section,
            item_type=item.item_type,
            target_level=item.target_level,
            urgency=item.urgency,
            help_wanted=item.help_wanted,
            title=item.title,
            question=item.question,
            minutes_requested=item.minutes_requested,
            status=ItemStatus.SUBMITTED,
            carried_from=item,
            # Keeps its place among items of the same kind: it was brought first.
            submitted_at=item.submitted_at,
        )
        save_valid(copy)
        item.status = ItemStatus.CARRIED_OVER
        save_valid(item, update_fields=["status", "updated_at"])
    for action in open_actions:
        carried = ActionItem(
            meeting=following,
            agenda_item_id=action.agenda_item_id,
            owner_id=action.owner_id,
            description=action.description,
            due_meeting=following if action.due_on is None else None,
            due_on=action.due_on,
            times_carried=action.times_carried + 1,
            carried_from=action,
        )
        save_valid(carried)
        action.status = ActionStatus.CARRIED_OVER
        save_valid(action, update_fields=["status", "updated_at"])
    meetings_changed(meeting, following)
    return meeting


# --- Action items -------------------------------------------------------------------------------

ACTION_FIELDS = ("description", "owner", "due_on", "status")


@transaction.atomic
def action_item_add(
    *,
    meeting: Meeting,
    by: User,
    owner: User,
    description: str,
    agenda_item: AgendaItem | None = None,
    due_on: dt.date | None = None,
    identifier_override: str | None = None,
) -> ActionItem:
    """Record a commitment made in the meeting, with its owner (a member of the team). It is
    followed up at the next meeting unless it names a date. Its description goes into the
    minutes: checked like them (an identifier needs a reason). Not idempotent: each call adds
    one."""
    if not can_write_minutes(by, meeting):
        raise refuse("The note-taker, the meeting's leader or the team leader records actions.")
    meeting = lock_meeting(meeting)
    require_open(meeting, "add action items")
    member_of(meeting.team, owner.pk, "owner")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "Name an item of this meeting."})
    action = ActionItem(
        meeting=meeting,
        owner=owner,
        description=description,
        agenda_item=agenda_item,
        due_on=due_on,
        due_meeting=None if due_on else next_meeting(meeting, plan=False),
    )
    save_valid(action)
    _check_free_text(action, {"description": description}, by, identifier_override)
    meetings_changed(action.due_meeting or meeting)
    return action


@transaction.atomic
def action_item_update(
    *,
    action: ActionItem,
    by: User,
    changes: Mapping[str, Any],
    identifier_override: str | None = None,
) -> ActionItem:
    """Mark an action done or dropped (its owner), or correct it (whoever writes the minutes).
    An action carried to a later meeting is changed there. Audited with the field names."""
    if not can_change_action_item(by, action):
        raise refuse("Only its owner or whoever writes the minutes changes an action.")
    action = (
        ActionItem.objects.select_for_update().select_related("meeting__team").get(pk=action.pk)
    )
    if action.status == ActionStatus.CARRIED_OVER:
        raise Conflict("This action was carried to a later meeting: change it there.")
    # A completed meeting's record is locked: an action reopened there would never be carried
    # on. A commitment that needs more is a new action at the coming meeting.
    require_open(action.meeting, "change its actions; add a new action to the coming meeting")
    if set(changes) - {"status"} and not can_write_minutes(by, action.meeting):
        raise refuse("Only whoever writes the minutes corrects an action; you may mark it done.")
    if changes.get("status") == ActionStatus.CARRIED_OVER:
        raise ValidationError({"status": "Completing the meeting carries open actions over."})
    if "owner" in changes:
        member_of(action.meeting.team, changes["owner"].pk, "owner")
    apply_changes(action, changes, ACTION_FIELDS)
    save_valid(action, update_fields=[*changes, "updated_at"])
    if "description" in changes:
        _check_free_text(action, {"description": action.description}, by, identifier_override)
    meetings_changed(action.meeting, action.due_meeting)
    return action


# --- Observer flags ------------------------------------------------------------------------------


@transaction.atomic
def observer_flag_raise(
    *,
    meeting: Meeting,
    by: User,
    reason: str,
    agreement: Agreement | None = None,
    agenda_item: AgendaItem | None = None,
) -> ObserverFlag:
    """Name something the observer noticed (a reason, perhaps the agreement it concerns and
    the item under discussion): the meeting's observer or the team leader. It names no one:
    flags are read only as team counts. Not idempotent: each call records one more."""
    if not can_raise_observer_flag(by, meeting):
        raise refuse("Only this meeting's observer or the team leader raises flags.")
    if reason not in FlagReason.values:
        raise ValidationError({"reason": "Choose a reason."})
    meeting = lock_meeting(meeting)
    require_open(meeting, "raise flags")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "Name an item of this meeting."})
    flag = ObserverFlag(
        meeting=meeting, raised_by=by, reason=reason, agreement=agreement, agenda_item=agenda_item
    )
    save_valid(flag)
    return flag


@transaction.atomic
def observer_flag_acknowledge(
    *, flag: ObserverFlag, by: User, repair_note: str, identifier_override: str | None = None
) -> ObserverFlag:
    """Record that the team heard a flag, with how it was repaired (a short note in the team's
    words, which names no one): the meeting's leader or the team leader, while the meeting is
    open. Audited as an UPDATE. Safe to run twice (the last note stands)."""
    if not can_acknowledge_observer_flag(by, flag):
        raise refuse("Only the meeting's leader or the team leader acknowledges flags.")
    repair_note = (repair_note or "").strip()
    if not repair_note:
        raise ValidationError(
            {"repair_note": "Say in a line how it was repaired, for the minutes' record."}
        )
    meeting = lock_meeting(flag.meeting)
    require_open(meeting, "acknowledge flags")
    flag = ObserverFlag.objects.select_related("meeting__team").get(pk=flag.pk)
    flag.acknowledged = True
    flag.repair_note = repair_note
    save_valid(flag, update_fields=["acknowledged", "repair_note"])
    _check_free_text(flag, {"repair_note": repair_note}, by, identifier_override)
    return flag


@dataclass(frozen=True)
class ObserverSummary:
    team: Team
    since: dt.date | None
    meetings: int
    by_reason: dict[str, int]
    by_agreement: dict[str, int]


def observer_summary(*, team: Team, since: dt.date | None = None) -> ObserverSummary:
    """How often each reason (and each agreement) was named at the team's meetings: counts for
    the team as a whole, never per person. Reads only."""
    flags = ObserverFlag.objects.filter(meeting__team=team)
    meetings = Meeting.objects.filter(team=team, status=MeetingStatus.COMPLETED)
    if since is not None:
        flags = flags.filter(meeting__starts_at__date__gte=since)
        meetings = meetings.filter(starts_at__date__gte=since)
    by_reason = {code: 0 for code in FlagReason.values}
    for row in flags.values("reason").annotate(n=Count("pk")).order_by():
        by_reason[row["reason"]] = row["n"]
    by_agreement = {
        row["agreement__code"]: row["n"]
        for row in flags.filter(agreement__isnull=False)
        .values("agreement__code")
        .annotate(n=Count("pk"))
        .order_by("agreement__code")
    }
    return ObserverSummary(
        team=team,
        since=since,
        meetings=meetings.count(),
        by_reason=by_reason,
        by_agreement=by_agreement,
    )
