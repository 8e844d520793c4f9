"""Keyboard alone, in a real browser (tests/browser/conftest.py): reordering and removing links
in the chain editor, where focus must follow the link that moved and land somewhere sensible
when one is removed; and the observer naming something at a meeting from the run page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from agendas.choices import MeetingRole
from agendas.models import ObserverFlag, RoleAssignment
from cases.models import ChainLink
from tests.browser.conftest import FOCUSED_NAME, Journey

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FOCUSED_ID = "() => document.activeElement ? document.activeElement.id : ''"


def focused(page: Page) -> str:
    name: str = page.evaluate(FOCUSED_NAME)
    return name


def order(chain: Any) -> list[str]:
    """The links' public ids in their order, as saved."""
    return [
        str(public_id)
        for public_id in ChainLink.objects.filter(chain=chain)
        .order_by("position")
        .values_list("public_id", flat=True)
    ]


def test_keyboard_reorders_and_removes_links(journey: Journey, world: Any) -> None:
    chain = world.tara_chain_draft  # three links
    first, second, third = order(chain)
    page = journey.page
    journey.sign_in(world.tara)
    journey.step("home")
    journey.go(f"/cases/chains/{chain.public_id}/")
    expect(page.locator(".chain-link")).to_have_count(3)
    journey.step("a chain of three links")

    # Link 1 down, by Tab and Enter. The swap replaces the list; focus stays on the same
    # link's control, now named for its new place.
    journey.tab_to("Move link 1 down")
    page.keyboard.press("Enter")
    # The same button, once the list has come back with it in its new place.
    expect(page.locator(f"#move-down-{first}")).to_have_text("Move link 2 down")
    expect(page.locator(f"#move-down-{first}")).to_be_focused()
    assert focused(page) == "Move link 2 down"
    assert order(chain) == [second, first, third]
    journey.step("link 1 moved down by keyboard")

    # Down again, to the end: that link has no "down" button any more, so focus goes to its
    # "up" button (the page marks it), not to the top of the page.
    page.keyboard.press("Enter")
    expect(page.locator(f"#move-down-{first}")).to_have_count(0)
    expect(page.locator(f"#move-up-{first}")).to_be_focused()
    assert focused(page) == "Move link 3 up"
    assert order(chain) == [second, third, first]
    journey.step("moved to the end, focus on its other button")

    # Remove it: the next stop is its Remove disclosure; Enter opens it, Tab reaches the
    # confirming button. After the removal focus is on the list's heading, where the
    # announcement of what changed is read.
    journey.tab_to("Remove link 3", limit=2)
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Yes, remove link 3")
    expect(confirm).to_be_visible()
    journey.step("removing asks first, by keyboard")
    journey.tab_to("Yes, remove link 3", limit=3)
    page.keyboard.press("Enter")
    expect(page.locator(".chain-link")).to_have_count(2)
    expect(page.locator("#links-heading")).to_be_focused()
    assert order(chain) == [second, third]
    journey.step("removed, focus on the links' heading")

    # From there the keyboard goes on to the first link's controls.
    journey.tab_to("Move link 1 down", limit=5)


def test_keyboard_raises_an_observer_flag(
    journey: Journey, world: Any, alpha_meetings: Any
) -> None:
    meeting = alpha_meetings.first
    observer = RoleAssignment.objects.get(meeting=meeting, role=MeetingRole.OBSERVER).member
    assert observer == world.tara
    page = journey.page
    journey.sign_in(world.tara)
    journey.step("home")
    journey.go(f"/meetings/{meeting.public_id}/run/")
    journey.step("the run page for the observer")

    # The agreement with the arrow keys, then Tab along the reasons to the one noticed.
    journey.tab_to("Agreement it concerns")
    page.keyboard.press("ArrowDown")  # the first agreement after "No particular agreement"
    chosen = page.get_by_label("Agreement it concerns").input_value()
    assert chosen
    journey.tab_to("Judgmental language", limit=3)
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_be_visible()
    listed = page.locator("section", has=page.locator("#flags-heading"))
    expect(listed).to_contain_text("Judgmental language")
    journey.step("the flag, raised by keyboard")
    flag = ObserverFlag.objects.get(meeting=meeting)
    assert flag.reason == "JUDGMENTAL_LANGUAGE"
    assert flag.agreement is not None
    assert flag.agreement.code == chosen

    # The page comes back at the observer's section: the next Tab is in its form, ready for
    # the next flag, not at the top of the page.
    journey.tab_to("Agreement it concerns", limit=2)
