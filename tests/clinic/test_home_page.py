"""The home page, "my week": per team the next meeting with its date in the team's zone, my
items on it, my roles and my notice of absence, and my open action items; a team leader also
sees how ready the meeting is (items, roles, absences, the time budget with the overrun
warning); a reviewer sees how many reviews wait; each empty state says what to do next. The
page asks a fixed number of queries, however many teams and items there are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from agendas import services
from agendas.models import Meeting
from cases.services import review_request
from consultteam.teams.models import Role
from tests.clients import signed_in
from tests.factories import MembershipFactory, TeamFactory
from tests.meeting_makers import submit
from tests.meeting_pages import _url, day_label, meetings
from tests.page_html import page_text

pytestmark = pytest.mark.django_db

__all__ = ["meetings"]  # the fixture, imported for pytest to find


def _home(client: Any, user: Any) -> str:
    response = signed_in(client, user).get(reverse("home"))
    assert response.status_code == 200
    return page_text(response)


def test_a_therapist_sees_her_week(client, world, meetings):
    first = meetings.first
    item = submit(first, world.tara, "Calls after hours", case=world.tara_case)
    services.action_item_add(
        meeting=first, by=world.lena, owner=world.tara, description="Bring the diary cards"
    )
    page = _home(client, world.tara)
    start = first.local_start()
    assert f"{start:%H:%M}" in page
    assert "America/Chicago" in page
    assert _url("meeting-detail", first) in page
    # My item, by its code only, linked to its place on the agenda.
    assert f"{_url('meeting-detail', first)}#item-{item.public_id}" in page
    assert world.tara_case.code in page
    assert "Observer" in page  # Tara's rotating role this week
    assert "Bring the diary cards" in page
    assert f'from the meeting of <a href="{_url("meeting-detail", first)}#action-' in page
    # Not a leader, not a reviewer.
    assert "Meeting readiness" not in page
    assert 'id="reviews-heading"' not in page
    assert reverse("team-patterns", kwargs={"team_id": world.alpha.public_id}) not in page


def test_an_action_is_marked_done_from_my_week(client, world, meetings):
    action = services.action_item_add(
        meeting=meetings.first, by=world.lena, owner=world.tara, description="Bring the cards"
    )
    page = _home(client, world.tara)
    assert _url("action-item-status", action) in page
    response = client.post(_url("action-item-status", action), {"status": "DONE", "back": "home"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    action.refresh_from_db()
    assert action.status == "DONE"
    assert "Bring the cards" not in _home(client, world.tara)


def test_a_therapist_with_nothing_on_the_agenda_is_offered_to_bring_an_item(
    client, world, meetings
):
    page = _home(client, world.theo)
    assert "You have brought nothing to this meeting" in page
    assert _url("agenda-item-new", meetings.first) in page
    assert "No open action items" in page


def test_notice_of_absence_shows_on_my_week(client, world, meetings):
    services.attendance_notify_absence(meeting=meetings.first, member=world.theo, by=world.theo)
    assert "You sent notice you will be away" in _home(client, world.theo)


def test_the_team_leader_sees_readiness_and_the_overrun_warning(client, world, meetings):
    first = meetings.first
    for title in ("Risk review", "Skipped group", "Burnout check"):
        submit(first, world.tara, title, minutes_requested=40)
    services.attendance_notify_absence(meeting=first, member=world.theo, by=world.theo)
    services.attendance_record(meeting=first, member=world.tara, status="PRESENT", by=world.lena)
    page = _home(client, world.lena)
    assert "Meeting readiness" in page
    assert "1 recorded at the meeting" in page
    assert "3 waiting" in page
    assert "4 of 4 rotating roles handed out" in page
    # Theo sent notice; Tara, Theo, Lena and Sam are the current members.
    assert "1 of 4 members sent notice of absence" in page
    assert "120 of 90 minutes requested" in page
    assert "Over time." in page
    assert "runs over by 30 minutes" in page


def test_readiness_puts_imminent_risk_first_and_counts_what_came_after_the_cutoff(
    client, world, meetings
):
    submit(meetings.first, world.tara, "An ordinary item")
    assert "Imminent risk on this agenda" not in _home(client, world.lena)
    submit(meetings.first, world.tara, "Urges since the weekend", urgency="IMMINENT")
    page = _home(client, world.lena)
    assert "Imminent risk on this agenda.</strong> 1 item to take first. <a" in page
    soon = timezone.now() + dt.timedelta(hours=2)
    tonight = Meeting.objects.create(team=world.alpha, starts_at=soon, minutes=60)
    submit(tonight, world.tara, "A plan since this morning", urgency="IMMINENT")
    submit(tonight, world.theo, "A crisis call", urgency="IMMINENT")
    page = _home(client, world.lena)  # the home page shows the team's next meeting: tonight's
    assert "</strong> 2 items to take first, 2 brought after the cutoff. <a" in page
    assert "Imminent risk on this agenda" not in _home(client, world.tara)  # for the leader


def test_readiness_says_which_roles_are_missing_and_that_the_agenda_is_empty(client, world):
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    page = _home(client, world.lena)
    assert "0 of 4 rotating roles handed out" in page
    assert "4 roles still to hand out" in page
    assert "Nothing on the agenda yet" in page


def test_a_supervisor_sees_the_reviews_waiting_and_the_teams_patterns(client, world, meetings):
    patterns = reverse("team-patterns", kwargs={"team_id": world.alpha.public_id})
    page = _home(client, world.sam)
    assert "No reviews wait for you" in page
    assert patterns in page
    assert "Meeting readiness" not in page
    assert "Bring an item" not in page  # supervisors read the agenda; they do not bring items
    review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.sam)
    page = _home(client, world.sam)
    assert "1</strong> review waits for you" in page
    assert reverse("review-queue") in page


def test_empty_states_say_what_to_do_next(client, world):
    assert "No meeting is planned for Alpha yet" in _home(client, world.tara)
    leader = _home(client, world.lena)
    assert "No meeting is planned for Alpha." in leader
    assert "Plan the coming weeks" in leader
    assert "You are not on a team yet" in _home(client, world.ada)


def test_another_teams_week_shows_nothing_of_alpha(client, world, meetings):
    submit(meetings.first, world.tara, "Calls after hours", case=world.tara_case)
    page = _home(client, world.olga)
    assert "Calls after hours" not in page
    assert world.tara_case.code not in page
    assert "Alpha" not in page


def test_a_cancelled_meeting_gives_way_to_the_next_one(client, world, meetings):
    services.meeting_cancel(meeting=meetings.first, by=world.lena)
    page = _home(client, world.tara)
    assert _url("meeting-detail", meetings.second) in page
    assert day_label(meetings.second) in page or f"{meetings.second.local_start():%H:%M}" in page


# --- Query budget ---------------------------------------------------------------------------------


def _second_team_led_by(leader: Any) -> Meeting:
    """Gamma, led by ``leader`` too, with its own meeting planned and two items on it."""
    gamma = TeamFactory.create(name="Gamma")
    MembershipFactory.create(team=gamma, user=leader, role=Role.TEAM_LEADER)
    services.meetings_plan(team=gamma, by=leader, weeks=1)
    meeting = Meeting.objects.get(team=gamma)
    submit(meeting, leader, "Team admin")
    submit(meeting, leader, "A win")
    return meeting


def test_the_home_page_asks_the_same_queries_however_many_teams_and_items(
    client, world, meetings, django_assert_num_queries
):
    submit(meetings.first, world.tara, "Risk review", case=world.tara_case)
    services.action_item_add(
        meeting=meetings.first, by=world.lena, owner=world.lena, description="Book the room"
    )
    signed_in(client, world.lena)
    client.get(reverse("home"))  # warm the session
    # 1 session, 2 user, 3 memberships, 4 next meeting per team, 5 items, 6 roles,
    # 7 attendance, 8 rotating roles of led teams, 9 member counts, 10 open actions,
    # 11 reviews waiting, 12 the navigation's "leads a team?" (clinic/context_processors),
    # 13 the read's audit event naming her open actions (her own items would be one more).
    with django_assert_num_queries(13):
        client.get(reverse("home"))
    for title in ("Skipped group", "Burnout check", "Video review"):
        submit(meetings.first, world.theo, title)
    services.action_item_add(
        meeting=meetings.first, by=world.lena, owner=world.lena, description="Send the reading"
    )
    _second_team_led_by(world.lena)
    # Now her own items too (on Gamma's agenda): a second read event, one per kind of record
    # shown; more items or teams add none.
    with django_assert_num_queries(14):
        page = page_text(client.get(reverse("home")))
    assert "Gamma" in page
    assert "Send the reading" in page
