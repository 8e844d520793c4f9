"""Reads behind the meeting's pages that gather more than one meeting: a person's week (the home
page) and a team's past meetings. Each starts from `visible_to` and asks a fixed number of
queries however many teams, meetings or items there are (tests/clinic/test_home_page.py counts
them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from agendas.choices import (
    DEFAULT_ROTATING_ROLES,
    OPEN_MEETING_STATUSES,
    ActionStatus,
    AttendanceStatus,
    ItemStatus,
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
from agendas.permissions import role_brings_items, role_leads, role_reviews
from agendas.services.agenda import Agenda, agenda_for
from cases.models import OPEN_REVIEW_STATUSES, ReviewRequest
from consultteam.accounts.models import User
from consultteam.teams.models import Membership, Team

# A meeting that started up to this long ago and is not closed is still "this week's": it may
# be running now, and its leader still wants it on the home page.
STILL_CURRENT = dt.timedelta(hours=24)
ACTIONS_SHOWN = 20


@dataclass(frozen=True)
class Readiness:
    """How ready a meeting is, for its team leader: the agenda's time budget, the rotating roles
    handed out, and who said they will be away."""

    agenda: Agenda[AgendaItem]
    roles_filled: int
    roles_expected: int
    members: int
    absent_notified: int
    attendance_recorded: int

    @property
    def roles_missing(self) -> int:
        return max(0, self.roles_expected - self.roles_filled)

    @property
    def imminent_late(self) -> int:
        """How many of the agenda's imminent items were brought after the cutoff."""
        return sum(item.flagged_for_leader for item in self.agenda.imminent)


@dataclass(frozen=True)
class TeamWeek:
    """One of my teams this week: its next meeting (if planned) and my part in it."""

    membership: Membership
    meeting: Meeting | None
    my_items: list[AgendaItem] = field(default_factory=list)
    my_roles: list[RoleAssignment] = field(default_factory=list)
    my_absence: Attendance | None = None
    readiness: Readiness | None = None

    @property
    def team(self) -> Team:
        return self.membership.team

    @property
    def leads(self) -> bool:
        return role_leads(self.membership.role)

    @property
    def brings_items(self) -> bool:
        return role_brings_items(self.membership.role)

    @property
    def sees_patterns(self) -> bool:
        return role_reviews(self.membership.role)


@dataclass(frozen=True)
class MyWeek:
    teams: list[TeamWeek]
    open_actions: list[ActionItem]
    # None for someone who reviews for no team (a therapist): the page shows no queue then.
    reviews_waiting: int | None


def _next_meetings(user: User, team_ids: list[int], now: dt.datetime) -> QuerySet[Meeting]:
    """Each team's next open meeting (or the one running now), in one query: a subquery per
    team row picks its first meeting."""
    first = (
        Meeting.objects.filter(
            team_id=OuterRef("pk"),
            status__in=OPEN_MEETING_STATUSES,
            starts_at__gte=now - STILL_CURRENT,
        )
        .order_by("starts_at", "id")
        .values("pk")[:1]
    )
    ids = Team.objects.filter(pk__in=team_ids).annotate(next_id=Subquery(first)).values("next_id")
    return Meeting.objects.visible_to(user).filter(pk__in=ids).select_related("team")


def my_week(user: User, *, now: dt.datetime | None = None) -> MyWeek:
    """What ``user`` needs this week, per team: the next meeting with its date, my items on it,
    my roles and my notice of absence; for a team I lead, how ready that meeting is; my open
    action items; and, for a reviewer, how many reviews wait for me. Reads only; nine queries
    at most, whatever the number of teams, meetings and items."""
    now = now or timezone.now()
    memberships = list(
        Membership.objects.filter(user_id=user.pk, is_active=True)
        .select_related("team")
        .order_by("team__name", "team_id")
    )
    team_ids = [m.team_id for m in memberships]
    led = {m.team_id for m in memberships if role_leads(m.role)}
    meetings = {m.team_id: m for m in _next_meetings(user, team_ids, now)} if team_ids else {}
    meeting_ids = [m.pk for m in meetings.values()]
    items: dict[int, list[AgendaItem]] = defaultdict(list)
    roles: dict[int, list[RoleAssignment]] = defaultdict(list)
    attendance: dict[int, list[Attendance]] = defaultdict(list)
    if meeting_ids:
        # The whole agenda of a meeting I lead (for its budget); only my own items elsewhere.
        for item in (
            AgendaItem.objects.visible_to(user)
            .filter(
                Q(submitter_id=user.pk) | Q(meeting__team_id__in=led), meeting_id__in=meeting_ids
            )
            .select_related("case")
        ):
            items[item.meeting_id].append(item)
        for role in (
            RoleAssignment.objects.visible_to(user)
            .filter(meeting_id__in=meeting_ids)
            .select_related("member")
        ):
            roles[role.meeting_id].append(role)
        for row in Attendance.objects.visible_to(user).filter(meeting_id__in=meeting_ids):
            attendance[row.meeting_id].append(row)
    expected, members = _team_sizes(led) if led else ({}, {})
    weeks = []
    for membership in memberships:
        meeting = meetings.get(membership.team_id)
        if meeting is None:
            weeks.append(TeamWeek(membership=membership, meeting=None))
            continue
        rows = attendance[meeting.pk]
        readiness = None
        if membership.team_id in led:
            readiness = Readiness(
                agenda=agenda_for(meeting, items[meeting.pk]),
                roles_filled=len(roles[meeting.pk]),
                roles_expected=expected.get(membership.team_id, 0),
                members=members.get(membership.team_id, 0),
                absent_notified=sum(r.status == AttendanceStatus.ABSENT_NOTIFIED for r in rows),
                attendance_recorded=sum(r.status != AttendanceStatus.ABSENT_NOTIFIED for r in rows),
            )
        weeks.append(
            TeamWeek(
                membership=membership,
                meeting=meeting,
                my_items=[
                    item
                    for item in items[meeting.pk]
                    if item.submitter_id == user.pk and item.status != ItemStatus.WITHDRAWN
                ],
                my_roles=sorted(
                    (role for role in roles[meeting.pk] if role.member_id == user.pk),
                    key=lambda role: MeetingRole.values.index(role.role),
                ),
                my_absence=next(
                    (
                        row
                        for row in rows
                        if row.member_id == user.pk
                        and row.status == AttendanceStatus.ABSENT_NOTIFIED
                    ),
                    None,
                ),
                readiness=readiness,
            )
        )
    return MyWeek(
        teams=weeks,
        open_actions=_open_actions(user),
        reviews_waiting=_reviews_waiting(user, memberships),
    )


def _team_sizes(led: set[int]) -> tuple[dict[int, int], dict[int, int]]:
    """For the teams I lead: how many rotating roles each hands out (its settings, or the
    default when it has none yet) and how many current members it has. Two queries."""
    expected = {team_id: len(DEFAULT_ROTATING_ROLES) for team_id in led}
    for settings in TeamMeetingSettings.objects.filter(team_id__in=led):
        expected[settings.team_id] = len(settings.rotating_roles)
    members = {
        row["team_id"]: row["n"]
        for row in Membership.objects.current()
        .filter(team_id__in=led)
        .values("team_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return expected, members


def _open_actions(user: User) -> list[ActionItem]:
    """My open commitments, the ones due soonest first (a dated one by its date, else by the
    meeting that follows it up)."""
    return list(
        ActionItem.objects.visible_to(user)
        .filter(owner_id=user.pk, status=ActionStatus.OPEN)
        .select_related("meeting__team", "due_meeting__team")
        .order_by("meeting__starts_at", "id")[:ACTIONS_SHOWN]
    )


def _reviews_waiting(user: User, memberships: list[Membership]) -> int | None:
    if not any(role_reviews(m.role) for m in memberships):
        return None
    return (
        ReviewRequest.objects.visible_to(user)
        .filter(reviewer_id=user.pk, status__in=OPEN_REVIEW_STATUSES)
        .count()
    )


# --- Past meetings ---------------------------------------------------------------------------

PAST_PAGE = 25


def past_meetings(user: User, team: Team, *, before: dt.datetime | None = None) -> list[Meeting]:
    """The team's completed and cancelled meetings, latest first (``PAST_PAGE`` of them, from
    ``before`` back), each with the count of items discussed and of action items. One query."""
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(team=team, status__in=[MeetingStatus.COMPLETED, MeetingStatus.CANCELLED])
        .select_related("team")
        .annotate(
            discussed=Count(
                "agenda_items",
                filter=Q(agenda_items__status=ItemStatus.DISCUSSED),
                distinct=True,
            ),
            actions=Count("action_items", distinct=True),
        )
        .order_by("-starts_at", "-id")
    )
    if before is not None:
        meetings = meetings.filter(starts_at__lt=before)
    return list(meetings[:PAST_PAGE])
