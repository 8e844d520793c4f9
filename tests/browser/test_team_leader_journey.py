"""A team leader's meeting: the agenda, the run page from start to completion (one item
deferred by keyboard alone), and what was not reached waiting on the next meeting. In a real
browser (tests/browser/conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agendas import services
from agendas.choices import ItemStatus, MeetingStatus
from agendas.models import ActionItem, AgendaItem, Meeting

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ACTION = "Bring the week's diary cards to the next meeting"


def test_team_leader_runs_a_meeting_to_completion(journey, world, alpha_meetings):
    meeting = alpha_meetings.first
    # Three items brought by the therapists, in the computed order: risk first.
    for by, title, level, minutes in [
        (world.tara, "Urges to self-harm after the group", "LIFE_THREATENING", 20),
        (world.theo, "Missed the last two individual sessions", "THERAPY_INTERFERING", 15),
        (world.tara, "Which skills handout for a new group", "SKILLS", 10),
    ]:
        services.agenda_item_submit(
            meeting=meeting, by=by, title=title, target_level=level, minutes_requested=minutes
        )
    page = journey.page
    journey.sign_in(world.lena)
    journey.step("home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    journey.step("meetings")
    page.locator("table a").first.click()
    expect(page.locator(".time-budget")).to_be_visible()
    journey.step("the agenda with its time budget", docs=True)

    page.get_by_role("link", name="Run page").click()
    journey.step("the run page before the start")
    page.get_by_role("button", name="Start the meeting").click()
    expect(page.locator(".facts")).to_contain_text("In progress")
    journey.step("started")

    # The first item: what came of it, and an action for Tara.
    now = page.locator("section", has=page.locator("#current-heading"))
    expect(now).to_contain_text("Urges to self-harm after the group")
    outcome = "A safety plan review before Friday's group."
    page.get_by_label("What came of it").fill(outcome)
    page.get_by_label("Owner").select_option(label="Tara")
    page.get_by_label("What they will do").fill(ACTION)
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("#run-actions .record-list")).to_contain_text(ACTION)
    # Added in place (htmx): the outcome typed above is still there, the action form is empty.
    expect(page.get_by_label("What came of it")).to_have_value(outcome)
    expect(page.get_by_label("What they will do")).to_have_value("")
    expect(page.locator("#actions-heading")).to_be_focused()
    page.get_by_label("Minutes it took").fill("18")
    journey.step("the first item with an action", docs=True)
    page.get_by_role("button", name="Discussed").click()
    expect(now).to_contain_text("Missed the last two individual sessions")
    journey.step("the second item")

    # The second item is deferred by keyboard alone.
    journey.tab_to("Defer to the next meeting")
    page.keyboard.press("Enter")
    expect(now).to_contain_text("Which skills handout for a new group")
    journey.step("deferred by keyboard")

    # The third is not reached: the meeting is completed with it still open.
    page.get_by_role("link", name=re.compile("Complete the meeting")).click()
    expect(page.get_by_text("Missed the last two individual sessions")).to_be_visible()
    journey.step("what completing carries over", docs=True)
    page.get_by_label(re.compile("Yes, complete the meeting")).check()
    page.get_by_role("button", name="Complete the meeting").click()
    expect(page.locator(".messages")).to_contain_text("2 undiscussed items")
    journey.step("completed")

    # The next meeting shows what was carried, with where it came from.
    page.get_by_role("link", name=re.compile("the meeting of")).first.click()
    expect(page.get_by_text("Missed the last two individual sessions")).to_be_visible()
    expect(page.get_by_text("Which skills handout for a new group")).to_be_visible()
    expect(page.get_by_text(ACTION)).to_be_visible()
    journey.step("the next meeting with the carry-over", docs=True)

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == MeetingStatus.COMPLETED
    carried = AgendaItem.objects.filter(meeting=alpha_meetings.second, carried_from__isnull=False)
    assert sorted(carried.values_list("title", flat=True)) == [
        "Missed the last two individual sessions",
        "Which skills handout for a new group",
    ]
    statuses = dict(AgendaItem.objects.filter(meeting=meeting).values_list("title", "status"))
    assert statuses == {
        "Urges to self-harm after the group": ItemStatus.DISCUSSED,
        "Missed the last two individual sessions": ItemStatus.CARRIED_OVER,
        "Which skills handout for a new group": ItemStatus.CARRIED_OVER,
    }
    assert ActionItem.objects.filter(meeting=alpha_meetings.second, description=ACTION).exists()


def test_team_leader_sets_how_the_meetings_run(journey, world, alpha_meetings):
    page = journey.page
    journey.sign_in(world.lena)
    journey.step("home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    journey.step("meetings, with the settings of each team led")
    page.get_by_role("link", name="Meeting settings").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("meetings run")
    journey.step("the meeting settings")

    page.get_by_label("Mindfulness leader").uncheck()
    journey.allow(400, "/settings/")  # the video link left out, on purpose
    page.get_by_label("Where the team meets").select_option(label="Video call")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".form-errors")).to_contain_text("The settings were not saved")
    expect(page.get_by_label("Mindfulness leader")).not_to_be_checked()  # what was chosen stays
    journey.step("a video meeting needs its link")

    page.get_by_label("Video link").fill("https://video.example.org/alpha-team")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".messages")).to_contain_text("Saved")
    journey.step("saved")
    saved = services.meeting_settings_of(world.alpha)
    assert "MINDFULNESS_LEADER" not in saved.rotating_roles
    assert saved.join_link == "https://video.example.org/alpha-team"
