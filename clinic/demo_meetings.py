"""The demo teams' meetings: three past weeks with roles, attendance, discussed items,
minutes, action items and observer flags, completed through the services (so what was left
open is carried forward exactly as in real use), and the coming meeting with its roles and a
dozen items of mixed targets. All fictional; items name the demo cases by reference only.

Safe to load any number of times: a team that already has meetings is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from django.utils import timezone

from agendas import services
from agendas.choices import (
    AttendanceStatus,
    FlagReason,
    HelpWanted,
    ItemType,
    Section,
    Urgency,
)
from agendas.models import AgendaItem, Meeting
from agendas.services.common import save_valid
from agendas.services.roles import rotate
from agendas.services.schedule import plan_slots, slot_start
from cases.choices import SHARED_CHAIN_STATUSES, TargetLevel
from cases.models import Case, ChainAnalysis, TIBEntry
from consultteam.accounts.models import User
from consultteam.audit.context import acting
from consultteam.reference.models import Agreement
from consultteam.teams.models import Team

T = TargetLevel


@dataclass(frozen=True)
class DemoItem:
    """One agenda item. ``case`` is the index of one of the submitter's demo cases (None: not
    about a client); ``bring`` adds that case's TIB entry or a chain analysis ready for team."""

    by: str
    title: str
    _: KW_ONLY
    item_type: ItemType = ItemType.CONSULTATION_REQUEST
    target_level: TargetLevel = T.NONE
    urgency: Urgency = Urgency.SINCE_LAST_MEETING
    help_wanted: HelpWanted = HelpWanted.ASSESSMENT
    section: Section = Section.CONSULTATION
    minutes: int = 10
    question: str = ""
    case: int | None = None
    bring: str = ""  # "", "tib" or "chain"
    outcome: str = ""  # past meetings: discussed with this outcome; empty: left for next week


@dataclass(frozen=True)
class DemoWeek:
    """A past meeting, ``weeks_ago`` weeks back."""

    weeks_ago: int
    items: tuple[DemoItem, ...]
    actions: tuple[tuple[str, str], ...] = ()  # (owner email, what they will do)
    flags: tuple[FlagReason, ...] = ()
    absent: tuple[str, ...] = ()
    minutes_text: str = ""


@dataclass(frozen=True)
class DemoTeamMeetings:
    team: str
    leader: str
    past: tuple[DemoWeek, ...]
    upcoming: tuple[DemoItem, ...] = field(default_factory=tuple)


TARA, THEO, LENA, SAM = (
    "therapist@alpha.example",
    "therapist2@alpha.example",
    "lead@alpha.example",
    "supervisor@alpha.example",
)
OLGA, BEA = "therapist@beta.example", "lead@beta.example"
WIN, TIB, OWN_TIB = ItemType.WIN, ItemType.CLIENT_TIB, ItemType.THERAPIST_TIB

ALPHA = DemoTeamMeetings(
    team="Alpha Team",
    leader=LENA,
    past=(
        DemoWeek(
            weeks_ago=3,
            items=(
                DemoItem(
                    TARA,
                    "Client used a skill instead of calling after hours",
                    item_type=WIN,
                    section=Section.WINS,
                    minutes=3,
                    case=0,
                    outcome="Skill use reinforced; the therapist will praise it next session.",
                ),
                DemoItem(
                    THEO,
                    "Two skills groups missed in a row",
                    item_type=TIB,
                    target_level=T.THERAPY_INTERFERING,
                    help_wanted=HelpWanted.SOLUTIONS,
                    case=0,
                    bring="tib",
                    question="Orient to the four-miss rule now, or wait for a third miss?",
                    outcome="Orient this week, with validation first; review in two weeks.",
                ),
                DemoItem(
                    LENA,
                    "Rota for the holiday cover",
                    item_type=ItemType.TEAM_INTERFERING,
                    section=Section.ADMIN,
                    minutes=5,
                    outcome="Cover agreed for both weeks.",
                ),
                DemoItem(
                    THEO,
                    "Reading: validation levels, part one",
                    item_type=ItemType.DIDACTIC,
                    section=Section.CLOSING,
                    minutes=15,
                ),
            ),
            actions=(
                (THEO, "Orient the client to the attendance agreement"),
                (LENA, "Send the holiday cover rota to the team"),
            ),
            flags=(FlagReason.PROBLEM_SOLVING_WITHOUT_ASSESSMENT,),
            minutes_text="Mindfulness: five minutes of paced breathing. Agreement read aloud.",
        ),
        DemoWeek(
            weeks_ago=2,
            items=(
                DemoItem(
                    TARA,
                    "Urges rose after a family visit",
                    item_type=TIB,
                    target_level=T.LIFE_THREATENING,
                    urgency=Urgency.SINCE_LAST_MEETING,
                    help_wanted=HelpWanted.ASSESSMENT,
                    minutes=20,
                    case=0,
                    bring="chain",
                    question="Which links can the client reach with skills before the urge peaks?",
                    outcome="Team suggested distress tolerance skills at the second link.",
                ),
                DemoItem(
                    TARA,
                    "Feeling stretched by three high-risk clients",
                    item_type=ItemType.BURNOUT_SUPPORT,
                    help_wanted=HelpWanted.VALIDATION_SUPPORT,
                    minutes=10,
                    outcome="Load validated; the team leader will look at an intake pause.",
                ),
            ),
            actions=((TARA, "Bring the finished chain analysis for review"),),
            flags=(FlagReason.JUDGMENTAL_LANGUAGE, FlagReason.TIME_OVERRUN),
            absent=(SAM,),
            minutes_text="One member sent notice of absence. The observer named an evaluative "
            "phrase; the speaker restated it descriptively.",
        ),
        DemoWeek(
            weeks_ago=1,
            items=(
                DemoItem(
                    THEO,
                    "Late starts to my own sessions",
                    item_type=OWN_TIB,
                    target_level=T.THERAPY_INTERFERING,
                    urgency=Urgency.ONGOING_PATTERN,
                    help_wanted=HelpWanted.ACCOUNTABILITY,
                    minutes=10,
                    outcome="Ten protected minutes before each session; check in next week.",
                ),
                DemoItem(
                    TARA,
                    "Homework not done for three weeks",
                    item_type=TIB,
                    target_level=T.THERAPY_INTERFERING,
                    urgency=Urgency.ONGOING_PATTERN,
                    help_wanted=HelpWanted.SOLUTIONS,
                    minutes=15,
                    case=1,
                ),
            ),
            actions=((THEO, "Report back on the protected time before sessions"),),
            minutes_text="Short meeting: one item left for next week.",
        ),
    ),
    upcoming=(
        DemoItem(
            TARA,
            "Client used opposite action at work",
            item_type=WIN,
            section=Section.WINS,
            minutes=3,
            case=0,
        ),
        DemoItem(
            THEO,
            "New self-harm urges since the weekend",
            item_type=TIB,
            target_level=T.LIFE_THREATENING,
            urgency=Urgency.IMMINENT,
            help_wanted=HelpWanted.SOLUTIONS,
            minutes=20,
            case=0,
            question="Is the crisis plan enough until the next session?",
        ),
        DemoItem(
            TARA,
            "Calls outside the agreed hours",
            item_type=TIB,
            target_level=T.THERAPY_INTERFERING,
            help_wanted=HelpWanted.SOLUTIONS,
            minutes=15,
            case=0,
            bring="tib",
            question="How to shape calls toward the agreed window without punishing?",
        ),
        DemoItem(
            THEO,
            "Leaves session early when shame comes up",
            item_type=TIB,
            target_level=T.THERAPY_INTERFERING,
            urgency=Urgency.ONGOING_PATTERN,
            minutes=15,
            case=1,
        ),
        DemoItem(
            TARA,
            "Sleep has dropped to four hours",
            item_type=ItemType.CONSULTATION_REQUEST,
            target_level=T.QUALITY_OF_LIFE,
            minutes=10,
            case=1,
            question="Which vulnerability factors to target first?",
        ),
        DemoItem(
            THEO,
            "Skills practice between sessions",
            item_type=ItemType.CONSULTATION_REQUEST,
            target_level=T.SKILLS,
            urgency=Urgency.ONGOING_PATTERN,
            help_wanted=HelpWanted.INFORMATION,
            minutes=10,
            case=1,
        ),
        DemoItem(
            LENA,
            "I cancelled two sessions at short notice",
            item_type=OWN_TIB,
            target_level=T.THERAPY_INTERFERING,
            help_wanted=HelpWanted.ACCOUNTABILITY,
            minutes=10,
        ),
        DemoItem(
            LENA,
            "Session recording: validation under pressure",
            item_type=ItemType.VIDEO_REVIEW,
            urgency=Urgency.HISTORICAL,
            help_wanted=HelpWanted.ASSESSMENT,
            minutes=20,
        ),
        DemoItem(
            THEO,
            "Feeling worn down by after-hours calls",
            item_type=ItemType.BURNOUT_SUPPORT,
            help_wanted=HelpWanted.VALIDATION_SUPPORT,
            minutes=10,
        ),
        DemoItem(
            LENA,
            "The team keeps running past time",
            item_type=ItemType.TEAM_INTERFERING,
            urgency=Urgency.ONGOING_PATTERN,
            section=Section.ADMIN,
            minutes=5,
        ),
        DemoItem(
            TARA,
            "Reading: validation levels, part two",
            item_type=ItemType.DIDACTIC,
            section=Section.CLOSING,
            minutes=10,
        ),
        DemoItem(
            LENA,
            "Intake pause: a decision for next month",
            item_type=ItemType.TEAM_INTERFERING,
            section=Section.ADMIN,
            minutes=5,
        ),
    ),
)

BETA = DemoTeamMeetings(
    team="Beta Team",
    leader=BEA,
    past=(
        DemoWeek(
            weeks_ago=2,
            items=(
                DemoItem(
                    OLGA,
                    "Client brought a completed diary card",
                    item_type=WIN,
                    section=Section.WINS,
                    minutes=3,
                    case=0,
                    outcome="Team cheered; the therapist will reinforce it.",
                ),
                DemoItem(
                    OLGA,
                    "Self-harm after an argument at home",
                    item_type=TIB,
                    target_level=T.LIFE_THREATENING,
                    minutes=20,
                    case=0,
                    bring="chain",
                    question="Where on the chain could a skill have fit?",
                    outcome="Team pointed to the urge link; practise the skill in session.",
                ),
            ),
            actions=((OLGA, "Rehearse the skill in the next session"),),
            flags=(FlagReason.NON_DIALECTICAL,),
            minutes_text="Mindfulness: observing sounds. Agreement of the week read aloud.",
        ),
        DemoWeek(
            weeks_ago=1,
            items=(
                DemoItem(
                    BEA,
                    "Group room double-booked on Thursdays",
                    item_type=ItemType.TEAM_INTERFERING,
                    section=Section.ADMIN,
                    minutes=5,
                ),
                DemoItem(
                    OLGA,
                    "Skipping group when the weather is bad",
                    item_type=TIB,
                    target_level=T.THERAPY_INTERFERING,
                    urgency=Urgency.ONGOING_PATTERN,
                    minutes=15,
                    case=1,
                    outcome="Problem-solve transport; missing-links analysis if it recurs.",
                ),
            ),
            actions=((BEA, "Ask the front desk for another room"),),
            minutes_text="Room question left for next week.",
        ),
    ),
    upcoming=(
        DemoItem(
            OLGA,
            "Client asked for help rather than leaving",
            item_type=WIN,
            section=Section.WINS,
            minutes=3,
            case=0,
        ),
        DemoItem(
            OLGA,
            "Urges after a hard court date",
            item_type=TIB,
            target_level=T.LIFE_THREATENING,
            urgency=Urgency.IMMINENT,
            help_wanted=HelpWanted.SOLUTIONS,
            minutes=20,
            case=0,
            question="Does the crisis plan need a change before the weekend?",
        ),
        DemoItem(
            OLGA,
            "Late to three sessions running",
            item_type=TIB,
            target_level=T.THERAPY_INTERFERING,
            urgency=Urgency.ONGOING_PATTERN,
            minutes=15,
            case=1,
            bring="tib",
        ),
        DemoItem(
            OLGA,
            "Money worries crowding out skills practice",
            item_type=ItemType.CONSULTATION_REQUEST,
            target_level=T.QUALITY_OF_LIFE,
            minutes=10,
            case=1,
        ),
        DemoItem(
            OLGA,
            "Which skills to teach before exposure work",
            item_type=ItemType.CONSULTATION_REQUEST,
            target_level=T.SKILLS,
            urgency=Urgency.ONGOING_PATTERN,
            help_wanted=HelpWanted.INFORMATION,
            minutes=10,
            case=1,
        ),
        DemoItem(
            BEA,
            "I have not returned calls within a day",
            item_type=OWN_TIB,
            target_level=T.THERAPY_INTERFERING,
            help_wanted=HelpWanted.ACCOUNTABILITY,
            minutes=10,
        ),
        DemoItem(
            OLGA,
            "I felt defensive in last week's meeting",
            item_type=OWN_TIB,
            help_wanted=HelpWanted.VALIDATION_SUPPORT,
            minutes=10,
        ),
        DemoItem(
            BEA,
            "Session recording: orienting to commitment",
            item_type=ItemType.VIDEO_REVIEW,
            urgency=Urgency.HISTORICAL,
            minutes=20,
        ),
        DemoItem(
            OLGA,
            "Tired after a week of crisis calls",
            item_type=ItemType.BURNOUT_SUPPORT,
            help_wanted=HelpWanted.VALIDATION_SUPPORT,
            minutes=10,
        ),
        DemoItem(
            BEA,
            "Agenda cutoff: move it to Monday noon?",
            item_type=ItemType.TEAM_INTERFERING,
            section=Section.ADMIN,
            minutes=5,
        ),
        DemoItem(
            BEA,
            "Reading: the dialectical stance",
            item_type=ItemType.DIDACTIC,
            section=Section.CLOSING,
            minutes=10,
        ),
        DemoItem(
            OLGA,
            "Follow-up: transport for group",
            item_type=ItemType.FOLLOW_UP,
            target_level=T.THERAPY_INTERFERING,
            section=Section.FOLLOW_UP,
            minutes=5,
            case=1,
        ),
    ),
)

DEMO_MEETINGS = (ALPHA, BETA)


def _links(spec: DemoItem, by: User, team: Team) -> dict[str, Any]:
    """The case (and TIB entry or chain analysis) an item names, from the submitter's own demo
    record; nothing when the record has fewer cases than the spec asks for."""
    if spec.case is None:
        return {}
    cases = list(Case.objects.filter(team=team, primary_therapist=by).order_by("id"))
    if spec.case >= len(cases):
        return {}
    case = cases[spec.case]
    links: dict[str, Any] = {"case": case}
    if spec.bring == "tib":
        links["tib_entry"] = TIBEntry.objects.filter(case=case, author=by).order_by("id").first()
    elif spec.bring == "chain":
        links["chain_analysis"] = (
            ChainAnalysis.objects.filter(case=case, status__in=SHARED_CHAIN_STATUSES)
            .order_by("id")
            .first()
        )
    return {name: value for name, value in links.items() if value is not None}


def _fields(spec: DemoItem) -> dict[str, Any]:
    return {
        "item_type": spec.item_type,
        "target_level": spec.target_level,
        "urgency": spec.urgency,
        "help_wanted": spec.help_wanted,
        "section": spec.section,
        "minutes_requested": spec.minutes,
        "question": spec.question,
    }


def _slot_weeks_ago(team: Team, weeks: int, today: dt.date) -> dt.date:
    """The team's meeting day ``weeks`` weeks before the coming one."""
    ahead = (team.meeting_weekday - today.weekday()) % 7
    return today + dt.timedelta(days=ahead - 7 * weeks)


def _past_meeting(spec: DemoWeek, team: Team, people: Mapping[str, User]) -> Meeting:
    """A past week's meeting with the items brought to it before its cutoff."""
    day = _slot_weeks_ago(team, spec.weeks_ago, timezone.localdate())
    meeting = Meeting(
        team=team, slot=day, starts_at=slot_start(team, day), minutes=team.meeting_minutes
    )
    save_valid(meeting)
    for spec_item in spec.items:
        by = people[spec_item.by]
        item = AgendaItem(
            meeting=meeting,
            submitter=by,
            title=spec_item.title,
            submitted_at=meeting.starts_at - dt.timedelta(days=3),
            **_links(spec_item, by, team),
            **_fields(spec_item),
        )
        save_valid(item)
    return meeting


def _hold(meeting: Meeting, spec: DemoWeek, leader: User, people: Mapping[str, User]) -> None:
    """Hold a past meeting as the team would have: roles, who came, the discussion, actions
    and flags, then completion (which carries what was left to the following week)."""
    team = meeting.team
    for email in spec.absent:
        services.attendance_record(
            meeting=meeting,
            member=people[email],
            status=AttendanceStatus.ABSENT_NOTIFIED,
            by=leader,
        )
    rotate(meeting)
    for email, person in people.items():
        if email not in spec.absent and team.memberships.filter(user=person).exists():
            services.attendance_record(
                meeting=meeting, member=person, status=AttendanceStatus.PRESENT, by=leader
            )
    services.meeting_start(meeting=meeting, by=leader)
    outcomes = {spec_item.title: spec_item.outcome for spec_item in spec.items}
    for item in AgendaItem.objects.filter(meeting=meeting).order_by("id"):
        # Carried in from the week before: settled this time, so nothing is carried forever.
        outcome = outcomes.get(item.title) or ("Followed up." if item.carried_from_id else "")
        if outcome:
            services.agenda_item_discuss(
                item=item, by=leader, outcome=outcome, actual_minutes=item.minutes_requested
            )
    for action in meeting.action_items.filter(carried_from__isnull=False):
        services.action_item_update(action=action, by=leader, changes={"status": "DONE"})
    for email, description in spec.actions:
        services.action_item_add(
            meeting=meeting, by=leader, owner=people[email], description=description
        )
    agreement = meeting.agreement or Agreement.objects.active().order_by("pk").first()
    for reason in spec.flags:
        services.observer_flag_raise(meeting=meeting, by=leader, reason=reason, agreement=agreement)
    services.meeting_complete(meeting=meeting, by=leader, minutes_text=spec.minutes_text)


def _upcoming_meeting(plan: DemoTeamMeetings, team: Team, people: Mapping[str, User]) -> None:
    """The coming meeting: the first planned one whose agenda is still open, a dozen items
    brought through the service as members would. Roles are rotated for it and for any meeting
    before it: loaded between a meeting's cutoff and its start, the demo has that meeting (with
    what the last week carried into it) and then the prepared one, as a team would."""
    now = timezone.now()
    ahead = Meeting.objects.filter(team=team, starts_at__gt=now).order_by("starts_at")
    for meeting in ahead:
        services.roles_rotate(meeting=meeting, by=people[plan.leader])
        if services.cutoff_of(meeting) > now:
            break
    for spec in plan.upcoming:
        by = people[spec.by]
        services.agenda_item_submit(
            meeting=meeting, by=by, title=spec.title, **_links(spec, by, team), **_fields(spec)
        )


def load_meeting_demo(*, people: Mapping[str, User]) -> None:
    """Give each demo team its meetings, once."""
    for plan in DEMO_MEETINGS:
        team = Team.objects.get(name=plan.team)
        if Meeting.objects.filter(team=team).exists():
            continue
        members = {
            email: user
            for email, user in people.items()
            if team.memberships.filter(user=user, is_active=True).exists()
        }
        with acting(actor_id=members[plan.leader].pk):
            # Every week exists before the first is completed: each carries into the next, and
            # the last past week into the coming one.
            plan_slots(team, after=timezone.now(), count=2)
            weeks = sorted(plan.past, key=lambda week: -week.weeks_ago)
            held = [_past_meeting(week, team, members) for week in weeks]
            for meeting, week in zip(held, weeks, strict=True):
                _hold(meeting, week, members[plan.leader], members)
            _upcoming_meeting(plan, team, members)
