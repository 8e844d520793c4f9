"""The weekly meeting's rules, through its services: planning in the team's time zone (across
daylight-saving changes), rotation with skips and swaps, the agenda cutoff and the imminent-risk
exception, the computed order and the over-time warning, leaders' moves, completion with
carry-over (exactly once), locked minutes, observer flags and the Markdown minutes.

Uses the `world` of tests/conftest.py. Alpha's rotation pool is Lena, Tara, Theo (by name): Sam
supervises and takes no rotating role, Fern left, Ivan's account is deactivated.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agendas import services
from agendas.choices import (
    ActionStatus,
    AttendanceStatus,
    ItemStatus,
    MeetingRole,
    MeetingStatus,
    RoleSource,
)
from agendas.exports import minutes_markdown
from agendas.models import ActionItem, AgendaItem, Meeting, ObserverFlag, RoleAssignment
from agendas.services.schedule import meeting_settings_of
from consultteam.audit.models import Action, AuditEvent
from consultteam.errors import Conflict
from consultteam.reference.models import Agreement
from consultteam.teams.models import Cadence, Role, Weekday
from tests.factories import MembershipFactory, UserFactory
from tests.meeting_makers import meeting_on, submit, upcoming

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """Stop the clock at ``moment`` for the services."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def holders(meeting: Meeting) -> dict[str, str]:
    return {
        assignment.role: assignment.member.display_name
        for assignment in RoleAssignment.objects.filter(meeting=meeting).select_related("member")
    }


# --- Planning -----------------------------------------------------------------------------------


def test_weekly_plan_keeps_local_time_across_spring_forward(world, monkeypatch):
    """Chicago moves its clocks on 8 March 2026: 09:00 local is 15:00 UTC before, 14:00 after."""
    team = world.alpha
    team.time_zone = "America/Chicago"
    team.meeting_weekday = Weekday.WEDNESDAY
    team.meeting_start = dt.time(9, 0)
    team.save()
    # A Wednesday, 10:00 in Chicago: today's meeting has passed; planning starts next week.
    at(monkeypatch, dt.datetime(2026, 2, 25, 16, 0, tzinfo=UTC))
    created = services.meetings_plan(team=team, by=world.lena, weeks=4)
    assert [m.starts_at for m in created] == [
        dt.datetime(2026, 3, 4, 15, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 11, 14, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 18, 14, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 25, 14, 0, tzinfo=UTC),
    ]
    chicago = ZoneInfo("America/Chicago")
    assert {m.starts_at.astimezone(chicago).time() for m in created} == {dt.time(9, 0)}
    assert [m.slot for m in created] == [dt.date(2026, 3, d) for d in (4, 11, 18, 25)]


def test_biweekly_plan_in_dublin_across_the_autumn_change_keeps_its_fortnight(world, monkeypatch):
    """Dublin goes back to GMT on 25 October 2026: 10:00 local is 09:00 UTC, then 10:00 UTC."""
    team = world.alpha
    team.time_zone = "Europe/Dublin"
    team.cadence = Cadence.BIWEEKLY
    team.meeting_weekday = Weekday.TUESDAY
    team.meeting_start = dt.time(10, 0)
    team.save()
    at(monkeypatch, dt.datetime(2026, 10, 12, 12, 0, tzinfo=UTC))  # Monday
    created = services.meetings_plan(team=team, by=world.lena, weeks=4)
    assert [m.starts_at for m in created] == [
        dt.datetime(2026, 10, 13, 9, 0, tzinfo=UTC),
        dt.datetime(2026, 10, 27, 10, 0, tzinfo=UTC),
    ]
    # A week later, on the off week, planning stays on the same fortnight.
    at(monkeypatch, dt.datetime(2026, 10, 19, 12, 0, tzinfo=UTC))
    later = services.meetings_plan(team=team, by=world.lena, weeks=4)
    assert [m.slot for m in later] == [dt.date(2026, 11, 10)]


def test_planning_twice_creates_nothing_twice(world, monkeypatch):
    at(monkeypatch, dt.datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    first = services.meetings_plan(team=world.alpha, by=world.lena, weeks=8)
    assert len(first) == 8
    assert services.meetings_plan(team=world.alpha, by=world.lena, weeks=8) == []
    # A moved or cancelled meeting keeps its slot: planning does not bring back the old one.
    services.meeting_reschedule(
        meeting=first[0], by=world.lena, starts_at=first[0].starts_at + dt.timedelta(days=1)
    )
    services.meeting_cancel(meeting=first[1], by=world.lena)
    assert services.meetings_plan(team=world.alpha, by=world.lena, weeks=8) == []
    assert Meeting.objects.filter(team=world.alpha).count() == 8


def test_only_the_team_leader_plans_reschedules_and_cancels(world):
    meeting = upcoming(world)
    for person in (world.tara, world.sam, world.olga):
        with pytest.raises(PermissionDenied):
            services.meetings_plan(team=world.alpha, by=person)
        with pytest.raises(PermissionDenied):
            services.meeting_cancel(meeting=meeting, by=person)
    assert not Meeting.objects.exclude(pk=meeting.pk).exists()


def test_reschedule_refuses_the_past_and_a_stale_version(world):
    meeting = upcoming(world)
    with pytest.raises(ValidationError):
        services.meeting_reschedule(
            meeting=meeting, by=world.lena, starts_at=timezone.now() - dt.timedelta(hours=1)
        )
    with pytest.raises(Conflict):
        services.meeting_reschedule(
            meeting=meeting,
            by=world.lena,
            starts_at=meeting.starts_at + dt.timedelta(hours=2),
            expected_version=meeting.version + 1,
        )


def test_cancelling_moves_waiting_items_to_the_next_meeting(world):
    meeting = upcoming(world)
    following = upcoming(world, days=10)
    item = submit(meeting, world.tara)
    services.meeting_cancel(meeting=meeting, by=world.lena)
    services.meeting_cancel(meeting=meeting, by=world.lena)  # safe twice
    item.refresh_from_db()
    assert item.meeting == following
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


# --- Attendance ---------------------------------------------------------------------------------


def test_members_notify_their_own_absence_and_the_leader_anyones(world):
    meeting = upcoming(world)
    notice = services.attendance_notify_absence(meeting=meeting, member=world.tara, by=world.tara)
    assert notice.status == AttendanceStatus.ABSENT_NOTIFIED
    first_time = notice.notice_given_at
    again = services.attendance_notify_absence(meeting=meeting, member=world.tara, by=world.tara)
    assert again.pk == notice.pk
    assert again.notice_given_at == first_time
    services.attendance_notify_absence(meeting=meeting, member=world.theo, by=world.lena)
    with pytest.raises(PermissionDenied):
        services.attendance_notify_absence(meeting=meeting, member=world.lena, by=world.theo)
    with pytest.raises(ValidationError):
        services.attendance_notify_absence(meeting=meeting, member=world.olga, by=world.lena)


# --- Rotation -----------------------------------------------------------------------------------


def _five_clinicians(world: SimpleNamespace) -> list[str]:
    """Alpha with two more therapists, Nora and Omar: five in the pool, four rotating roles."""
    for email, name in [("nora@alpha.example", "Nora"), ("omar@alpha.example", "Omar")]:
        user = UserFactory.create(email=email, display_name=name)
        MembershipFactory.create(team=world.alpha, user=user, role=Role.THERAPIST)
        setattr(world, name.lower(), user)
    return ["Lena", "Nora", "Omar", "Tara", "Theo"]


ROLES = ["MEETING_LEADER", "OBSERVER", "NOTE_TAKER", "MINDFULNESS_LEADER"]

# Five weeks of Alpha with five clinicians, Omar away in week 3 (index 2). Each role moves one
# member on every week; in the week Omar is away the roles go to the next members who are
# coming and still hold nothing, so no one holds two, and the week after is back on schedule.
FIVE_WEEKS = [
    ["Lena", "Nora", "Omar", "Tara"],
    ["Nora", "Omar", "Tara", "Theo"],
    ["Tara", "Theo", "Lena", "Nora"],  # Omar sent notice
    ["Tara", "Theo", "Lena", "Nora"],
    ["Theo", "Lena", "Nora", "Omar"],
]


def _weeks_with_omar_away(world: SimpleNamespace) -> list[Meeting]:
    _five_clinicians(world)
    weeks = [upcoming(world, 3 + 7 * week) for week in range(len(FIVE_WEEKS))]
    services.attendance_notify_absence(meeting=weeks[2], member=world.omar, by=world.omar)
    return weeks


def test_roles_rotate_in_turn_skipping_notified_absences(world):
    weeks = _weeks_with_omar_away(world)
    for meeting in weeks:
        services.roles_rotate(meeting=meeting, by=world.lena)
    seen = [[holders(meeting)[role] for role in ROLES] for meeting in weeks]
    assert seen == FIVE_WEEKS
    for week in seen:
        assert len(set(week)) == len(ROLES), week  # nobody holds two roles in one meeting
    assert "Omar" not in seen[2]
    assert set(RoleAssignment.objects.values_list("source", flat=True)) == {RoleSource.ROTATION}


@pytest.mark.parametrize("order", [[0, 2, 1, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]])
def test_rotating_weeks_out_of_order_gives_what_in_order_gives(world, order):
    """Week 3 rotated before week 2 (and other orders): the turn is the meeting's place in the
    team's sequence, not what was rotated last."""
    weeks = _weeks_with_omar_away(world)
    for index in order:
        services.roles_rotate(meeting=weeks[index], by=world.lena)
    assert [[holders(meeting)[role] for role in ROLES] for meeting in weeks] == FIVE_WEEKS
    agreements = list(Agreement.objects.active().order_by("position", "code"))
    seen = [Meeting.objects.get(pk=meeting.pk).agreement for meeting in weeks]
    assert seen == agreements[: len(weeks)]


def test_fewer_members_than_roles_double_up_evenly(world):
    """Alpha's pool is Lena, Tara, Theo for four roles; with Theo away two members hold two
    each, never one holding three."""
    first, second = upcoming(world, 3), upcoming(world, 10)
    services.roles_rotate(meeting=first, by=world.lena)
    assert holders(first) == {
        "MEETING_LEADER": "Lena",
        "OBSERVER": "Tara",
        "NOTE_TAKER": "Theo",
        "MINDFULNESS_LEADER": "Lena",
    }
    services.attendance_notify_absence(meeting=second, member=world.theo, by=world.theo)
    services.roles_rotate(meeting=second, by=world.lena)
    held = sorted(holders(second).values())
    assert held == ["Lena", "Lena", "Tara", "Tara"]
    assert holders(second)["MEETING_LEADER"] == "Tara"


def test_all_six_roles_rotate_when_the_team_lists_them(world):
    """With the agreement reader and timekeeper listed too: five clinicians for six roles, so
    one holds two (a different one each week) and everyone else one."""
    settings = meeting_settings_of(world.alpha)
    settings.rotating_roles = list(MeetingRole.values)
    settings.save()
    _five_clinicians(world)
    weeks = [upcoming(world, 3 + 7 * week) for week in range(3)]
    doubled = []
    for meeting in weeks:
        services.roles_rotate(meeting=meeting, by=world.lena)
        roles = holders(meeting)
        assert set(roles) == set(MeetingRole.values)
        counts = Counter(roles.values())
        assert sorted(counts.values()) == [1, 1, 1, 1, 2]
        doubled.append(counts.most_common(1)[0][0])
    assert len(set(doubled)) == len(weeks)


def test_a_role_given_by_hand_is_kept_and_its_holder_takes_no_other(world):
    _five_clinicians(world)
    meeting = upcoming(world)
    services.role_assign(
        meeting=meeting, role=MeetingRole.OBSERVER, member=world.lena, by=world.lena
    )
    services.roles_rotate(meeting=meeting, by=world.lena)
    roles = holders(meeting)
    assert roles["OBSERVER"] == "Lena"
    assert len(set(roles.values())) == len(ROLES)
    assert RoleAssignment.objects.get(meeting=meeting, role="OBSERVER").source == RoleSource.MANUAL


def test_rotating_twice_changes_nothing(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    before = list(RoleAssignment.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    services.roles_rotate(meeting=meeting, by=world.lena)
    assert list(RoleAssignment.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_notice_after_rotation_hands_the_absent_members_roles_on(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    services.attendance_notify_absence(meeting=meeting, member=world.tara, by=world.tara)
    assert "Tara" not in holders(meeting).values()


def test_the_agreement_of_the_week_goes_through_the_six_in_order(world):
    agreements = list(Agreement.objects.active().order_by("position", "code"))
    assert len(agreements) == 6
    meetings = [upcoming(world, days) for days in (3, 10, 17, 24, 31, 38, 45)]
    for meeting in meetings:
        services.roles_rotate(meeting=meeting, by=world.lena)
    seen = [Meeting.objects.get(pk=m.pk).agreement for m in meetings]
    assert seen == [*agreements, agreements[0]]


def test_a_swap_is_recorded_and_kept_by_rotation(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    services.role_swap(
        meeting=meeting, role=MeetingRole.OBSERVER, with_member=world.theo, by=world.tara
    )
    # Theo took the observer's role; Tara took his, the note-taker's.
    assert holders(meeting)["OBSERVER"] == "Theo"
    assert holders(meeting)["NOTE_TAKER"] == "Tara"
    swapped = RoleAssignment.objects.filter(meeting=meeting, source=RoleSource.SWAP)
    assert set(swapped.values_list("role", flat=True)) == {"OBSERVER", "NOTE_TAKER"}
    services.roles_rotate(meeting=meeting, by=world.lena)
    assert holders(meeting)["OBSERVER"] == "Theo"


@pytest.mark.parametrize("who", ["olga", "sam", "fern"])
def test_a_role_goes_only_to_a_current_clinician_of_the_team(world, who):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    before = holders(meeting)
    with pytest.raises(ValidationError):
        services.role_swap(
            meeting=meeting,
            role=MeetingRole.OBSERVER,
            with_member=getattr(world, who),
            by=world.lena,
        )
    assert holders(meeting) == before


def test_only_the_holder_or_the_team_leader_swaps(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    with pytest.raises(PermissionDenied):
        services.role_swap(
            meeting=meeting, role=MeetingRole.OBSERVER, with_member=world.theo, by=world.theo
        )
    services.role_swap(
        meeting=meeting, role=MeetingRole.OBSERVER, with_member=world.theo, by=world.lena
    )
    assert holders(meeting)["OBSERVER"] == "Theo"


def test_a_second_holder_for_a_role_is_refused_and_nothing_changes(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)  # Tara observes
    before = list(RoleAssignment.objects.order_by("pk").values())
    with pytest.raises(Conflict) as refused:
        services.role_assign(
            meeting=meeting, role=MeetingRole.OBSERVER, member=world.theo, by=world.lena
        )
    assert "Tara already holds the role of observer" in refused.value.message
    assert "swap" in refused.value.message
    assert list(RoleAssignment.objects.order_by("pk").values()) == before
    # Its own holder pinning it by hand is no second holder: it becomes MANUAL, once.
    pinned = services.role_assign(
        meeting=meeting, role=MeetingRole.OBSERVER, member=world.tara, by=world.lena
    )
    assert pinned.source == RoleSource.MANUAL
    assert RoleAssignment.objects.filter(meeting=meeting, role="OBSERVER").count() == 1


@pytest.mark.parametrize("who", ["olga", "sam", "fern"])
def test_a_role_given_by_hand_goes_only_to_a_current_clinician(world, who):
    meeting = upcoming(world)
    with pytest.raises(ValidationError) as refused:
        services.role_assign(
            meeting=meeting, role=MeetingRole.TIMEKEEPER, member=getattr(world, who), by=world.lena
        )
    assert "not a current clinician" in " ".join(refused.value.messages)
    assert not RoleAssignment.objects.filter(meeting=meeting).exists()


def test_the_database_keeps_one_holder_per_role(world):
    meeting = upcoming(world)
    RoleAssignment.objects.create(meeting=meeting, role=MeetingRole.OBSERVER, member=world.tara)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(meeting=meeting, role=MeetingRole.OBSERVER, member=world.theo)
    assert RoleAssignment.objects.filter(meeting=meeting).count() == 1


# --- Submitting: cutoff, imminent risk, cases ----------------------------------------------------


def test_before_the_cutoff_an_item_goes_on_the_meeting(world):
    meeting = upcoming(world, days=3)
    submitted = services.agenda_item_submit(meeting=meeting, by=world.tara, title="Phone calls")
    assert submitted.item.meeting == meeting
    assert submitted.notice is None
    assert not submitted.item.flagged_for_leader


def test_after_the_cutoff_an_item_goes_to_the_next_meeting(world):
    meeting = meeting_on(world.alpha, dt.timedelta(hours=2))  # cutoff: 24 hours before
    following = upcoming(world, days=7)
    submitted = services.agenda_item_submit(meeting=meeting, by=world.tara, title="Late item")
    assert submitted.item.meeting == following
    assert "next meeting" in (submitted.notice or "")


def test_after_the_cutoff_with_no_next_meeting_one_is_planned(world):
    meeting = meeting_on(world.alpha, dt.timedelta(hours=2))
    item = submit(meeting, world.tara, "Late item")
    assert item.meeting != meeting
    assert item.meeting.status == MeetingStatus.SCHEDULED
    assert item.meeting.starts_at > meeting.starts_at


def test_after_the_cutoff_imminent_risk_stays_and_is_flagged_for_the_leader(world):
    meeting = meeting_on(world.alpha, dt.timedelta(hours=2))
    submitted = services.agenda_item_submit(
        meeting=meeting,
        by=world.tara,
        title="Said she has a plan for the weekend",
        case=world.tara_case,
        target_level="LIFE_THREATENING",
        urgency="IMMINENT",
    )
    assert submitted.item.meeting == meeting
    assert submitted.item.flagged_for_leader
    assert submitted.notice


def test_an_item_names_only_a_case_the_submitter_sees_on_that_team(world):
    meeting = upcoming(world)
    with pytest.raises(ValidationError) as refused:
        submit(meeting, world.tara, case=world.olga_case)
    assert "case" in refused.value.message_dict
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("who", ["sam", "olga", "fern", "ada"])
def test_only_clinicians_of_the_team_submit(world, who):
    with pytest.raises(PermissionDenied):
        submit(upcoming(world), getattr(world, who))


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.COMPLETED])
def test_no_item_for_a_meeting_that_is_over_or_called_off(world, status):
    meeting = upcoming(world)
    if status == MeetingStatus.CANCELLED:
        services.meeting_cancel(meeting=meeting, by=world.lena)
    else:
        services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="")
    with pytest.raises(Conflict):
        submit(meeting, world.tara)


def test_bringing_a_tib_entry_shares_it_and_a_draft_chain_is_refused(world):
    meeting = upcoming(world)
    item = submit(meeting, world.tara, case=world.tara_case, tib_entry=world.tara_tib_private)
    world.tara_tib_private.refresh_from_db()
    assert item.tib_entry == world.tara_tib_private
    assert world.tara_tib_private.shared_with_team
    with pytest.raises(ValidationError):
        submit(meeting, world.tara, chain_analysis=world.tara_chain_draft)
    submit(meeting, world.tara, chain_analysis=world.tara_chain_ready)


def test_submitters_edit_their_own_items_until_the_meeting_starts(world, monkeypatch):
    meeting = upcoming(world)
    item = submit(meeting, world.tara)
    services.agenda_item_update(item=item, by=world.tara, changes={"title": "Better title"})
    with pytest.raises(PermissionDenied):
        services.agenda_item_update(item=item, by=world.theo, changes={"title": "Mine now"})
    at(monkeypatch, meeting.starts_at + dt.timedelta(minutes=1))
    with pytest.raises(Conflict):
        services.agenda_item_update(item=item, by=world.tara, changes={"title": "Too late"})
    item.refresh_from_db()
    assert item.title == "Better title"


# --- The computed order, the time warning, leaders' moves ----------------------------------------


def test_the_agenda_is_ordered_by_section_target_urgency_type_and_time(world):
    meeting = upcoming(world)
    skills = submit(meeting, world.tara, "Skills", target_level="SKILLS", minutes_requested=10)
    past = submit(
        meeting,
        world.theo,
        "Past self-harm",
        target_level="LIFE_THREATENING",
        urgency="HISTORICAL",
        minutes_requested=20,
    )
    win = submit(meeting, world.lena, "A win", section="WINS", item_type="WIN", minutes_requested=5)
    imminent = submit(
        meeting,
        world.tara,
        "Imminent risk",
        target_level="LIFE_THREATENING",
        urgency="IMMINENT",
        minutes_requested=30,
    )
    tib = submit(meeting, world.theo, "Late to session", target_level="THERAPY_INTERFERING")
    admin = submit(meeting, world.lena, "Rota", section="ADMIN", item_type="ADMIN")
    first_qol = submit(meeting, world.tara, "Housing", target_level="QUALITY_OF_LIFE")
    second_qol = submit(meeting, world.theo, "Work", target_level="QUALITY_OF_LIFE")
    agenda = services.agenda_for(meeting)
    assert agenda.items == [win, imminent, past, tib, first_qol, second_qol, skills, admin]
    assert agenda.minutes_requested == 5 + 30 + 20 + 10 * 5
    assert agenda.over_by == 15
    assert agenda.will_not_fit == [skills, admin]
    assert agenda.warning
    assert "15 minutes" in agenda.warning


def test_an_agenda_within_time_has_no_warning(world):
    meeting = upcoming(world)
    submit(meeting, world.tara, minutes_requested=30)
    agenda = services.agenda_for(meeting)
    assert (agenda.over_by, agenda.will_not_fit, agenda.warning) == (0, [], None)


def test_the_leader_moves_an_item_with_a_reason_and_it_is_audited(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)  # Lena leads this meeting
    first = submit(meeting, world.tara, "First", target_level="LIFE_THREATENING")
    second = submit(meeting, world.theo, "Second", target_level="SKILLS")
    services.agenda_item_move(item=second, by=world.lena, position=1, reason="Theo leaves early")
    assert services.agenda_for(meeting).items == [second, first]
    second.refresh_from_db()
    assert second.move_reason == "Theo leaves early"
    event = AuditEvent.objects.filter(object_id=str(second.public_id), action=Action.UPDATE).last()
    assert event is not None
    assert "position_override" in event.fields
    assert "move_reason" in event.fields
    # Back to the computed place, again with a reason.
    services.agenda_item_move(item=second, by=world.lena, position=None, reason="Stayed after all")
    assert services.agenda_for(meeting).items == [first, second]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_move_without_a_reason_is_refused(world, reason):
    meeting = upcoming(world)
    item = submit(meeting, world.tara)
    submit(meeting, world.theo)
    with pytest.raises(ValidationError) as refused:
        services.agenda_item_move(item=item, by=world.lena, position=2, reason=reason)
    assert "reason" in refused.value.message_dict
    item.refresh_from_db()
    assert item.position_override is None


def test_only_the_meeting_leader_or_team_leader_moves(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    services.role_swap(
        meeting=meeting, role=MeetingRole.MEETING_LEADER, with_member=world.theo, by=world.lena
    )
    item = submit(meeting, world.tara)
    with pytest.raises(PermissionDenied):
        services.agenda_item_move(item=item, by=world.tara, position=1, reason="Mine first")
    services.agenda_item_move(item=item, by=world.theo, position=1, reason="Time-critical")


def test_a_move_past_the_end_is_refused(world):
    meeting = upcoming(world)
    item = submit(meeting, world.tara)
    with pytest.raises(ValidationError):
        services.agenda_item_move(item=item, by=world.lena, position=2, reason="Later")


# --- Completing: carry-over exactly once, locked minutes ------------------------------------------


def _a_run_meeting(world: SimpleNamespace) -> tuple[Meeting, dict[str, AgendaItem]]:
    meeting = upcoming(world)
    items = {
        "discussed": submit(meeting, world.tara, "Discussed", case=world.tara_case),
        "withdrawn": submit(meeting, world.theo, "Withdrawn"),
        "waiting": submit(meeting, world.tara, "Not reached", case=world.tara_case),
        "deferred": submit(meeting, world.theo, "Deferred"),
    }
    services.agenda_item_discuss(
        item=items["discussed"], by=world.lena, outcome="Plan agreed", actual_minutes=12
    )
    services.agenda_item_update(
        item=items["withdrawn"], by=world.theo, changes={"status": ItemStatus.WITHDRAWN}
    )
    services.agenda_item_defer(item=items["deferred"], by=world.lena)
    return meeting, items


def test_completing_carries_undiscussed_items_and_open_actions(world):
    meeting, items = _a_run_meeting(world)
    following = upcoming(world, days=10)
    open_action = services.action_item_add(
        meeting=meeting, by=world.lena, owner=world.tara, description="Call the prescriber"
    )
    done = services.action_item_add(
        meeting=meeting, by=world.lena, owner=world.theo, description="Send the rota"
    )
    services.action_item_update(action=done, by=world.theo, changes={"status": "DONE"})
    services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="We met.")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.COMPLETED
    assert meeting.minutes_text == "We met."
    carried = AgendaItem.objects.filter(meeting=following).order_by("carried_from__title")
    assert [(c.title, c.carried_from) for c in carried] == [
        ("Deferred", items["deferred"]),
        ("Not reached", items["waiting"]),
    ]
    assert all(c.status == ItemStatus.SUBMITTED for c in carried)
    assert carried[1].case == world.tara_case
    statuses = dict(AgendaItem.objects.filter(meeting=meeting).values_list("title", "status"))
    assert statuses == {
        "Discussed": ItemStatus.DISCUSSED,
        "Withdrawn": ItemStatus.WITHDRAWN,
        "Not reached": ItemStatus.CARRIED_OVER,
        "Deferred": ItemStatus.CARRIED_OVER,
    }
    follow_up = ActionItem.objects.get(meeting=following)
    assert follow_up.carried_from == open_action
    assert follow_up.times_carried == 1
    assert follow_up.status == ActionStatus.OPEN
    assert follow_up.due_meeting == following
    open_action.refresh_from_db()
    assert open_action.status == ActionStatus.CARRIED_OVER
    # Carried again from the next meeting, it counts twice.
    services.meeting_complete(meeting=following, by=world.lena)
    assert ActionItem.objects.get(carried_from=follow_up).times_carried == 2


def test_completing_twice_carries_exactly_once(world):
    meeting, _ = _a_run_meeting(world)
    services.action_item_add(meeting=meeting, by=world.lena, owner=world.tara, description="X")
    services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="Once")
    counts = (AgendaItem.objects.count(), ActionItem.objects.count(), Meeting.objects.count())
    events = AuditEvent.objects.count()
    services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="Twice")
    assert (AgendaItem.objects.count(), ActionItem.objects.count(), Meeting.objects.count()) == (
        counts
    )
    assert AuditEvent.objects.count() == events
    meeting.refresh_from_db()
    assert meeting.minutes_text == "Once"


def test_completing_with_no_next_meeting_plans_one(world):
    meeting, _ = _a_run_meeting(world)
    services.meeting_complete(meeting=meeting, by=world.lena)
    following = Meeting.objects.exclude(pk=meeting.pk).get(agenda_items__title="Not reached")
    assert following.starts_at > meeting.starts_at


def test_minutes_and_items_are_locked_after_completion(world):
    meeting, items = _a_run_meeting(world)
    services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="Final")
    meeting.refresh_from_db()
    with pytest.raises(Conflict):
        services.meeting_update(
            meeting=meeting,
            by=world.lena,
            expected_version=meeting.version,
            changes={"minutes_text": "Rewritten"},
        )
    with pytest.raises(Conflict):
        services.agenda_item_discuss(
            item=items["discussed"], by=world.lena, outcome="Changed", actual_minutes=1
        )
    with pytest.raises(Conflict):
        services.action_item_add(meeting=meeting, by=world.lena, owner=world.tara, description="X")
    meeting.refresh_from_db()
    assert meeting.minutes_text == "Final"


@pytest.mark.parametrize("who", ["tara", "theo", "sam"])
def test_only_the_meeting_leader_or_team_leader_completes(world, who):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)  # Lena leads
    with pytest.raises(PermissionDenied):
        services.meeting_complete(meeting=meeting, by=getattr(world, who))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_the_note_taker_writes_minutes_before_completion(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)  # Theo takes notes
    meeting.refresh_from_db()
    services.meeting_update(
        meeting=meeting,
        by=world.theo,
        expected_version=meeting.version,
        changes={"minutes_text": "Notes"},
    )
    with pytest.raises(PermissionDenied):
        services.meeting_update(
            meeting=meeting,
            by=world.tara,
            expected_version=meeting.version + 1,
            changes={"minutes_text": "Not mine to write"},
        )
    with pytest.raises(Conflict):
        services.meeting_update(
            meeting=meeting, by=world.theo, expected_version=1, changes={"minutes_text": "Old"}
        )


# --- Observer flags -----------------------------------------------------------------------------


def test_observer_flags_only_by_the_observer_or_the_team_leader(world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)  # Tara observes
    dialectical = Agreement.objects.get(code="DIALECTICAL")
    services.observer_flag_raise(
        meeting=meeting, by=world.tara, reason="NON_DIALECTICAL", agreement=dialectical
    )
    services.observer_flag_raise(meeting=meeting, by=world.lena, reason="TIME_OVERRUN")
    for person in (world.theo, world.sam, world.olga):
        with pytest.raises(PermissionDenied):
            services.observer_flag_raise(meeting=meeting, by=person, reason="OFF_AGENDA")
    assert ObserverFlag.objects.count() == 2
    summary = services.observer_summary(team=world.alpha)
    assert summary.by_reason["NON_DIALECTICAL"] == 1
    assert summary.by_reason["TIME_OVERRUN"] == 1
    assert summary.by_reason["OFF_AGENDA"] == 0
    assert summary.by_agreement == {"DIALECTICAL": 1}


# --- Minutes as Markdown ------------------------------------------------------------------------


def test_markdown_minutes_show_case_codes_and_nothing_of_the_record(world):
    meeting, _ = _a_run_meeting(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    submit(meeting, world.tara, "A TIB to bring", tib_entry=world.tara_tib_shared)
    submit(meeting, world.tara, "A chain to bring", chain_analysis=world.tara_chain_ready)
    services.action_item_add(
        meeting=meeting, by=world.lena, owner=world.tara, description="Review the diary card"
    )
    services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="Team met; on time.")
    text = minutes_markdown(Meeting.objects.select_related("team", "agreement").get(pk=meeting.pk))
    assert f"[{world.tara_case.code}]" in text
    assert "Plan agreed" in text
    assert "Team met; on time." in text
    assert "Review the diary card" in text
    assert "Meeting leader: Lena" in text
    for private in (
        world.tara_tib_shared.description,
        world.tara_chain_ready.problem_behavior,
        "Another member spoke loudly",  # a link of Tara's draft analysis
    ):
        assert private not in text
    assert str(world.tara_case.public_id) not in text
