"""What a meeting should remind of, worked out from its rows: the meeting coming, the agenda
closing, the roles, the action items due at it, the items carried over to it and the items of
imminent risk brought after its cutoff (the leader is told at once).

The meeting services announce each change (planned, moved, cancelled, roles, actions,
completion, a late item flagged for the leader) as `consultteam.events.MeetingsChanged`; this
app subscribes `on_meetings_changed` in its `ready()`, so the services import nothing from here.
It recomputes the whole wanted set of the meeting and reconciles, so every announcement is one
line and a repeated one changes nothing.

Keys carry the meeting's start (as a Unix time): a meeting moved to another time is a new
reminder; the one for the old time is cancelled if it had not gone out. A late item's key names
the item and the person instead: it is news, told once wherever the meeting moves.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from agendas.choices import ActionStatus, AttendanceStatus, ItemStatus, MeetingStatus, Urgency
from agendas.models import ActionItem, AgendaItem, Attendance, Meeting
from agendas.permissions import meeting_runner_ids
from agendas.services.agenda import cutoff_of
from cases.permissions import CLINICIANS
from consultteam.events import MeetingsChanged
from consultteam.teams.models import Membership
from reminders.choices import ReminderKind
from reminders.models import Reminder
from reminders.services import Wanted, reminders_reconcile

# An action with a date (no meeting) is due at this local time of its owner's day.
ACTION_DUE_HOUR = dt.time(9, 0)


def on_meetings_changed(event: MeetingsChanged) -> None:
    """The subscriber to the meeting services' announcements: bring the reminders of each
    meeting named in line with it, in the announcing service's transaction. Safe to run twice.
    No rule check: the announcing service has checked its own."""
    for meeting_id in event.meeting_ids:
        _sync(meeting_id)


def _sync(meeting_id: int) -> None:
    meeting = Meeting.objects.select_related("team").get(pk=meeting_id)
    wanted: list[Wanted] = []
    if meeting.status == MeetingStatus.SCHEDULED:
        wanted = [
            *_upcoming(meeting),
            *_roles(meeting),
            *_actions(meeting),
            *_carried(meeting),
            *_flagged(meeting),
        ]
    reminders_reconcile(wanted=wanted, scope=Reminder.objects.filter(meeting=meeting))


def _stamp(meeting: Meeting) -> int:
    return int(meeting.starts_at.timestamp())


def _upcoming(meeting: Meeting) -> list[Wanted]:
    # Someone who sent notice they will miss the meeting needs no reminder of it.
    absent = Attendance.objects.filter(
        meeting=meeting, status=AttendanceStatus.ABSENT_NOTIFIED
    ).values("member_id")
    members = (
        Membership.objects.current().filter(team_id=meeting.team_id).exclude(user_id__in=absent)
    )
    wanted = []
    for user_id, role in members.values_list("user_id", "role"):
        wanted.append(
            Wanted(
                key=f"meeting:{meeting.pk}:{_stamp(meeting)}:{user_id}",
                recipient_id=user_id,
                kind=ReminderKind.MEETING_UPCOMING,
                due_at=meeting.starts_at,
                meeting_id=meeting.pk,
            )
        )
        if role in CLINICIANS:  # those who bring items to the agenda
            wanted.append(
                Wanted(
                    key=f"cutoff:{meeting.pk}:{_stamp(meeting)}:{user_id}",
                    recipient_id=user_id,
                    kind=ReminderKind.AGENDA_CUTOFF,
                    due_at=cutoff_of(meeting),
                    meeting_id=meeting.pk,
                )
            )
    return wanted


def _roles(meeting: Meeting) -> list[Wanted]:
    return [
        Wanted(
            key=f"role:{meeting.pk}:{_stamp(meeting)}:{role}:{member_id}",
            recipient_id=member_id,
            kind=ReminderKind.ROLE_ASSIGNED,
            due_at=meeting.starts_at,
            meeting_id=meeting.pk,
            role=role,
        )
        for role, member_id in meeting.roles.values_list("role", "member_id")
    ]


def _first_of(action: ActionItem) -> int:
    """The action this one was carried from first: the same commitment keeps one key."""
    root = action
    while root.carried_from_id is not None:
        root = ActionItem.objects.only("id", "carried_from_id").get(pk=root.carried_from_id)
    return root.pk


def _actions(meeting: Meeting) -> list[Wanted]:
    due_here = ActionItem.objects.filter(
        due_meeting=meeting, due_on__isnull=True, status=ActionStatus.OPEN
    )
    dated = ActionItem.objects.filter(
        meeting=meeting, due_on__isnull=False, status=ActionStatus.OPEN
    ).select_related("owner")
    wanted = [
        Wanted(
            key=f"action:{_first_of(action)}:{_stamp(meeting)}",
            recipient_id=action.owner_id,
            kind=ReminderKind.ACTION_DUE,
            due_at=meeting.starts_at,
            meeting_id=meeting.pk,
        )
        for action in due_here
    ]
    for action in dated:
        assert action.due_on is not None
        zone = ZoneInfo(action.owner.time_zone)
        due_at = dt.datetime.combine(action.due_on, ACTION_DUE_HOUR, tzinfo=zone)
        wanted.append(
            Wanted(
                key=f"action:{_first_of(action)}:{action.due_on.isoformat()}",
                recipient_id=action.owner_id,
                kind=ReminderKind.ACTION_DUE,
                due_at=due_at.astimezone(dt.UTC),
                meeting_id=meeting.pk,
            )
        )
    return wanted


def _carried(meeting: Meeting) -> list[Wanted]:
    """One message per submitter with how many of their items were carried here."""
    carried = AgendaItem.objects.filter(
        meeting=meeting, carried_from__isnull=False, status=ItemStatus.SUBMITTED
    ).values_list("submitter_id", "carried_from__meeting__completed_at")
    counts: Counter[int] = Counter()
    when: dict[int, dt.datetime] = {}
    for submitter_id, completed_at in carried:
        counts[submitter_id] += 1
        if completed_at is not None:
            when[submitter_id] = max(completed_at, when.get(submitter_id, completed_at))
    return [
        Wanted(
            key=f"carried:{meeting.pk}:{submitter_id}",
            recipient_id=submitter_id,
            kind=ReminderKind.ITEM_CARRIED_OVER,
            due_at=when.get(submitter_id, meeting.created_at),
            meeting_id=meeting.pk,
            count=count,
        )
        for submitter_id, count in counts.items()
    ]


def _flagged(meeting: Meeting) -> list[Wanted]:
    """Each item of imminent risk brought after the cutoff, while it waits for its turn, to
    whoever runs the meeting (the team's leaders and this meeting's leader), as news: one
    message per item and person. Its submitter needs no telling."""
    flagged = list(
        AgendaItem.objects.filter(
            meeting=meeting,
            flagged_for_leader=True,
            urgency=Urgency.IMMINENT,
            status__in=[ItemStatus.SUBMITTED, ItemStatus.SCHEDULED],
        ).values_list("pk", "submitter_id", "submitted_at")
    )
    if not flagged:
        return []
    leaders = meeting_runner_ids(meeting)
    return [
        Wanted(
            key=f"flagged:{item_id}:{leader_id}",
            recipient_id=leader_id,
            kind=ReminderKind.LATE_ITEM_FLAGGED,
            due_at=submitted_at,
            meeting_id=meeting.pk,
        )
        for item_id, submitter_id, submitted_at in flagged
        for leader_id in sorted(leaders - {submitter_id})
    ]
