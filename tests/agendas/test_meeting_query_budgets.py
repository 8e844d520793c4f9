"""Query budgets of the meeting's busiest pages: the list of my teams' meetings, a meeting's
page and its run page. Each count is asked twice, the second time with more items, actions,
attendance and flags: the count stays (no query per row). The past meetings, minutes and home
pages have theirs next to their other tests (test_meeting_record_pages.py here,
tests/clinic/test_home_page.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from agendas import services
from tests.clients import signed_in
from tests.meeting_makers import submit
from tests.meeting_pages import _url, meetings

pytestmark = pytest.mark.django_db

__all__ = ["meetings"]  # the fixture, imported for pytest to find


def _more_rows(world, meeting, n: int) -> None:
    """``n`` more items (with cases), actions and flags on ``meeting``, and attendance."""
    for number in range(n):
        submit(meeting, world.tara, f"Item {number}", case=world.tara_case)
        submit(meeting, world.theo, f"Theo's item {number}")
        services.action_item_add(
            meeting=meeting, by=world.lena, owner=world.theo, description=f"Action {number}"
        )
        services.observer_flag_raise(meeting=meeting, by=world.lena, reason="OFF_AGENDA")
    for member in (world.tara, world.theo):
        services.attendance_record(meeting=meeting, member=member, status="PRESENT", by=world.lena)


@pytest.fixture
def lena(client, world, meetings):
    submit(meetings.first, world.tara, "First item", case=world.tara_case)
    services.action_item_add(
        meeting=meetings.first, by=world.lena, owner=world.tara, description="First action"
    )
    signed_in(client, world.lena).get(reverse("home"))  # warm the session
    return client


def test_the_meeting_list(lena, world, meetings, django_assert_num_queries):
    # 1 session, 2 user, 3 my teams; for each team (one here): 4 coming meetings, 5 my roles
    # and 6 my attendance at them (recent meetings have none yet, so theirs are not asked),
    # 7 recent meetings, 8 "may I plan?"; 9 the navigation's "leads a team?".
    with django_assert_num_queries(9):
        assert lena.get(reverse("meeting-list")).status_code == 200
    _more_rows(world, meetings.first, 3)
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=8)
    with django_assert_num_queries(9):
        assert lena.get(reverse("meeting-list")).status_code == 200


# 1 session, 2 user, 3 the meeting; 4 items with their case, submitter and where they came
# from, 5 where they went; 6 "may I run it?" (Lena leads the team); 7 its roles, 8 attendance;
# 9 "team leader?" for the page; 10 "may I write the minutes?"; 11 actions with owners and
# dates, 12 where they went; 13 "may I bring items?", 14 "may I raise flags?"; 15 the
# navigation; 16 members for the notice of absence, 17 for the role swap, 18 for giving a
# role nobody holds (the team leader's form); 19 the read's audit event.
DETAIL_QUERIES = 19

# 1 session, 2 user, 3 the meeting; 4 "a part in it?"; 5 items; 6 "may I run it?", 7 "may I
# write the minutes?", 8 "may I raise flags?"; 9 the flags with their agreement and item; 10
# the navigation; 11 the agreements to flag against, 12 attendance, 13 members to record,
# 14 actions with owners, 15 members to give an action to; 16 the read's audit event.
RUN_QUERIES = 16


@pytest.mark.parametrize(
    ("route", "budget"), [("meeting-detail", DETAIL_QUERIES), ("meeting-run", RUN_QUERIES)]
)
def test_a_meeting_page(lena, world, meetings, django_assert_num_queries, route, budget):
    url = _url(route, meetings.first)
    with django_assert_num_queries(budget):
        assert lena.get(url).status_code == 200
    _more_rows(world, meetings.first, 4)
    with django_assert_num_queries(budget):
        assert lena.get(url).status_code == 200
