"""The calendar of a team: planning meetings from its cadence, rescheduling, cancelling, and
attendance with notice of absence."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from agendas.choices import (
    WAITING_ITEM_STATUSES,
    ActionStatus,
    AttendanceStatus,
    ItemStatus,
    LocationKind,
    MeetingRole,
    MeetingStatus,
)
from agendas.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    RoleAssignment,
    TeamMeetingSettings,
)
from agendas.permissions import (
    can_notify_absence,
    can_plan_meetings,
    can_schedule_meeting,
    can_write_minutes,
)
from agendas.services.common import (
    bump,
    lock_meeting,
    member_of,
    now,
    refuse,
    require_open,
    save_valid,
)
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.events import meetings_changed
from consultteam.teams.models import Cadence, Team

MAX_WEEKS = 52


def meeting_settings_of(team: Team) -> TeamMeetingSettings:
    """The team's meeting settings, made with the defaults the first time. Safe to run twice."""
    settings, _ = TeamMeetingSettings.objects.get_or_create(team=team)
    return settings


def meeting_settings_shown(team: Team) -> TeamMeetingSettings:
    """The team's meeting settings to show: the defaults, unsaved, for a team that never changed
    them (reading never writes, unlike `meeting_settings_of`)."""
    return TeamMeetingSettings.objects.filter(team=team).first() or TeamMeetingSettings(team=team)


@transaction.atomic
def meeting_settings_update(
    *,
    team: Team,
    by: User,
    rotating_roles: list[str],
    location_kind: str,
    join_link: str = "",
    planned_too: bool = False,
) -> TeamMeetingSettings:
    """Which meeting roles go round the members in turn, and where the team meets: for the
    meetings planned and rotated from now on. Meetings already planned keep their place unless
    ``planned_too``: then every one not yet started takes the new place and link, as a change
    subscribed calendars pick up. Roles already held stay. The team leader only. Audited as a
    change (by the registry), each meeting moved too. Safe to run twice."""
    if not can_plan_meetings(by, team):
        raise refuse("Only the team leader changes how the team's meetings run.")
    unknown = sorted(set(rotating_roles) - set(MeetingRole.values))
    if unknown:
        raise ValidationError({"rotating_roles": f"There is no meeting role {unknown[0]}."})
    if location_kind in {LocationKind.VIDEO, LocationKind.HYBRID} and not join_link:
        raise ValidationError(
            {"join_link": "Give the video link members join at, or choose In person."}
        )
    settings = TeamMeetingSettings.objects.select_for_update().get(pk=meeting_settings_of(team).pk)
    # Kept in the roles' own order, so the same choice always reads the same.
    settings.rotating_roles = [role for role in MeetingRole.values if role in rotating_roles]
    settings.location_kind = location_kind
    settings.join_link = join_link
    save_valid(settings)
    if planned_too:
        _planned_take_place(team, location_kind=location_kind, join_link=join_link)
    return settings


def _planned_take_place(team: Team, *, location_kind: str, join_link: str) -> None:
    """The team's meetings not yet started meet at the given place: each one that differs is
    saved as a new version (with the next calendar sequence)."""
    planned = Meeting.objects.select_for_update().filter(
        team=team, status=MeetingStatus.SCHEDULED, starts_at__gt=now()
    )
    for meeting in planned.exclude(location_kind=location_kind, join_link=join_link):
        meeting.location_kind = location_kind
        meeting.join_link = join_link
        bump(meeting, ["location_kind", "join_link"])


def slot_start(team: Team, day: dt.date) -> dt.datetime:
    """The moment (UTC) a meeting on local date ``day`` starts: the team's start time on that
    day in its own zone, so the clock time stays the same across daylight-saving changes. A
    start time the clock skips that day (spring forward) falls an hour later by the clock."""
    local = dt.datetime.combine(day, team.meeting_start, tzinfo=ZoneInfo(team.time_zone))
    return local.astimezone(dt.UTC)


def _slot_dates(team: Team, *, after: dt.datetime, count: int) -> list[dt.date]:
    """The next ``count`` local dates of the team's cadence whose start is after ``after``.

    Every other week keeps the fortnight of the team's latest planned meeting, so planning on
    an off week does not shift the team onto the other fortnight."""
    today = after.astimezone(ZoneInfo(team.time_zone)).date()
    first = today + dt.timedelta(days=(team.meeting_weekday - today.weekday()) % 7)
    if slot_start(team, first) <= after:
        first += dt.timedelta(days=7)
    step = 14 if team.cadence == Cadence.BIWEEKLY else 7
    if step == 14:
        anchor = (
            Meeting.objects.filter(team=team, slot__isnull=False)
            .order_by("-slot")
            .values_list("slot", flat=True)
            .first()
        )
        if anchor is not None and (first - anchor).days % 14 == 7:
            first += dt.timedelta(days=7)
    return [first + dt.timedelta(days=step * n) for n in range(count)]


def plan_slots(team: Team, *, after: dt.datetime, count: int) -> list[Meeting]:
    """Create the meetings of the next ``count`` slots after ``after`` that do not exist yet
    (a slot once planned stays taken, even if its meeting was moved or cancelled). No rule
    check: callers check theirs. Safe to run twice."""
    dates = _slot_dates(team, after=after, count=count)
    taken = set(Meeting.objects.filter(team=team, slot__in=dates).values_list("slot", flat=True))
    settings = meeting_settings_of(team)
    created = []
    for day in dates:
        if day in taken:
            continue
        meeting = Meeting(
            team=team,
            slot=day,
            starts_at=slot_start(team, day),
            minutes=team.meeting_minutes,
            location_kind=settings.location_kind,
            join_link=settings.join_link,
        )
        save_valid(meeting)
        created.append(meeting)
    return created


def next_meeting(meeting: Meeting, *, plan: bool = True) -> Meeting | None:
    """The team's next scheduled meeting after ``meeting``; with ``plan``, planned from the
    cadence when there is none, so what is carried forward always has somewhere to go."""
    upcoming = (
        Meeting.objects.filter(
            team_id=meeting.team_id,
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=meeting.starts_at,
        )
        .exclude(pk=meeting.pk)
        .order_by("starts_at", "id")
    )
    found = upcoming.first()
    if found is None and plan:
        after = max(meeting.starts_at, now())
        plan_slots(meeting.team, after=after, count=4)
        found = upcoming.first()
    return found


@transaction.atomic
def meetings_plan(*, team: Team, by: User, weeks: int = 8) -> list[Meeting]:
    """Create the team's meetings for the coming ``weeks`` from its cadence (``weeks`` meetings
    every week, half as many every other week), each at the team's local start time. Returns
    the meetings it created. Safe to run twice: a planned slot is never created again."""
    if not can_plan_meetings(by, team):
        raise refuse("Only the team leader plans the team's meetings.")
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError({"weeks": f"Plan from 1 to {MAX_WEEKS} weeks ahead."})
    # One planner at a time per team: two at once would both see a slot free.
    team = Team.objects.select_for_update().get(pk=team.pk)
    count = weeks if team.cadence == Cadence.WEEKLY else max(1, weeks // 2)
    planned = plan_slots(team, after=now(), count=count)
    meetings_changed(*planned)
    return planned


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by: User,
    starts_at: dt.datetime,
    minutes: int | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Move a scheduled meeting to another time (and length). Its slot stays taken, so planning
    does not bring back the old time. The agenda cutoff moves with it."""
    if not can_schedule_meeting(by, meeting):
        raise refuse("Only the team leader reschedules the team's meetings.")
    meeting = lock_meeting(meeting, expected_version)
    require_open(meeting, "reschedule it")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict("This meeting has started: it can no longer be moved.")
    if starts_at.tzinfo is None:
        raise ValidationError({"starts_at": "Give the time with its offset or zone."})
    if starts_at <= now():
        raise ValidationError({"starts_at": "Choose a time in the future."})
    meeting.starts_at = starts_at
    fields = ["starts_at"]
    if minutes is not None:
        meeting.minutes = minutes
        fields.append("minutes")
    bump(meeting, fields)
    meetings_changed(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User) -> Meeting:
    """Call a scheduled meeting off. Its waiting agenda items and its open actions move to the
    next scheduled meeting (planned if need be), so nothing brought or promised is lost. Safe
    to run twice."""
    if not can_schedule_meeting(by, meeting):
        raise refuse("Only the team leader cancels the team's meetings.")
    meeting = lock_meeting(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        return meeting
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict("Only a meeting that has not started can be cancelled.")
    meeting.status = MeetingStatus.CANCELLED
    bump(meeting, ["status"])
    waiting = AgendaItem.objects.filter(
        meeting=meeting, status__in=[*WAITING_ITEM_STATUSES, ItemStatus.DEFERRED]
    )
    open_actions = ActionItem.objects.filter(status=ActionStatus.OPEN).filter(
        Q(meeting=meeting) | Q(due_meeting=meeting)
    )
    if waiting.exists() or open_actions.exists():
        target = next_meeting(meeting)
        assert target is not None  # planned when missing
        for item in waiting:
            item.meeting = target
            item.position_override = None
            item.move_reason = ""
            item.status = ItemStatus.SUBMITTED
            item.flagged_for_leader = False  # it was late for this meeting, not for that one
            save_valid(item)
        for action in open_actions:
            # Listed under the next meeting's follow-ups, and due there if it was due here.
            if action.meeting_id == meeting.pk:
                action.meeting = target
            if action.due_meeting_id == meeting.pk:
                action.due_meeting = target
            save_valid(action)
    meetings_changed(meeting, next_meeting(meeting, plan=False))
    return meeting


@transaction.atomic
def attendance_notify_absence(*, meeting: Meeting, member: User, by: User) -> Attendance:
    """Record that ``member`` sent notice they will miss ``meeting`` (a member for themselves,
    the team leader for anyone). Rotating roles they held go to the next member in turn. Safe
    to run twice: the first notice's time is kept."""
    if not can_notify_absence(by, meeting, member.pk):
        raise refuse("Members send notice for themselves; the team leader for anyone.")
    meeting = lock_meeting(meeting)
    require_open(meeting, "send notice of absence")
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= now():
        raise Conflict("This meeting has started: record attendance instead.")
    member_of(meeting.team, member.pk, "member")
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    if attendance is None:
        attendance = Attendance(meeting=meeting, member=member)
    if attendance.status != AttendanceStatus.ABSENT_NOTIFIED:
        attendance.status = AttendanceStatus.ABSENT_NOTIFIED
        attendance.notice_given_at = now()
        save_valid(attendance)
    if RoleAssignment.objects.filter(meeting=meeting, member=member).exists():
        from agendas.services.roles import rotate

        rotate(meeting)
    meetings_changed(meeting)
    return attendance


@transaction.atomic
def attendance_record(*, meeting: Meeting, member: User, status: str, by: User) -> Attendance:
    """Record who came (present, late, absent without notice) during or after the meeting:
    whoever runs it or takes its notes. A notice already given is kept. Safe to run twice."""
    if not can_write_minutes(by, meeting):
        raise refuse("The meeting leader, the note-taker or the team leader records attendance.")
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "Choose an attendance status."})
    meeting = lock_meeting(meeting)
    require_open(meeting, "change attendance")
    member_of(meeting.team, member.pk, "member")
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    if attendance is None:
        attendance = Attendance(meeting=meeting, member=member)
    attendance.status = status
    if status == AttendanceStatus.ABSENT_NOTIFIED and attendance.notice_given_at is None:
        attendance.notice_given_at = now()
    save_valid(attendance)
    return attendance
