"""A therapist's week: an item brought to the coming meeting, then a chain analysis of five
links written in the editor (the first link by keyboard alone), with the live wording check
suggesting a behavioural description and the therapist rewording. In a real browser
(tests/browser/conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from agendas.models import AgendaItem
from cases.models import ChainAnalysis

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ITEM_TITLE = "Calls to the on-call line after 10 pm"
PROBLEM = "Phoned the on-call line nine times between 10 pm and 1 am on Thursday."
JUDGED = "She was attention-seeking again"
REWORDED = "She asked to stay on the line after the plan was agreed"
# Links 3 to 5, added with the mouse (link 1 by keyboard, link 2 reworded).
LINKS = [
    ("Thought", "If nobody answers, I cannot get through the night"),
    ("Urge", "Urge to hear a voice that knows her"),
    ("Action", "Dialled the on-call number again"),
]


def add_link(page: Page, kind: str, text: str) -> None:
    """Add a link with the mouse and wait for the chain to show it (the add is in place)."""
    links = page.locator(".chain-link")
    count = links.count()
    adding = page.locator("#link-add")
    adding.get_by_label("Kind").select_option(label=kind)
    adding.get_by_label("What it was").fill(text)
    adding.get_by_role("button", name="Add the link").click()
    expect(links).to_have_count(count + 1)


def test_therapist_brings_an_item_and_writes_a_chain(journey, world, alpha_meetings):
    page = journey.page
    journey.sign_in(world.tara)
    journey.step("home")

    # --- An item for the coming meeting --------------------------------------------------
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    journey.step("meetings")
    page.locator("table a").first.click()
    journey.step("the coming meeting")
    page.get_by_role("link", name="Bring an item").first.click()
    page.get_by_label("Title").fill(ITEM_TITLE)
    page.get_by_label("Type").select_option("CLIENT_TIB")
    page.get_by_label("Target level").select_option("THERAPY_INTERFERING")
    page.get_by_label("The behavioural question").fill(
        "Nine calls after 10 pm this week: what do the calls do for her, and what do I do?"
    )
    page.get_by_label("Minutes requested").fill("15")
    page.get_by_label("Case (optional)").select_option(str(world.tara_case.public_id))
    journey.step("bringing an item", docs=True)
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.get_by_text(ITEM_TITLE).first).to_be_visible()
    journey.step("the item on the agenda")
    assert AgendaItem.objects.filter(title=ITEM_TITLE, submitter=world.tara).exists()

    # --- A chain analysis of five links --------------------------------------------------
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    journey.step("caseload")
    page.get_by_role("link", name=re.compile(world.tara_case.code)).first.click()
    journey.step("the case")
    page.get_by_role("link", name="Start a chain analysis").click()
    page.get_by_label("Behaviour chain").check()
    page.get_by_label("Problem behaviour").fill(PROBLEM)
    journey.step("starting a chain analysis")
    page.get_by_role("button", name="Start the analysis").click()
    expect(page.get_by_role("heading", name=re.compile("^Chain analysis of"))).to_be_visible()
    journey.step("the empty chain")

    # Link 1 by keyboard alone: Tab to the add form, choose with the arrow keys, type, Enter.
    journey.tab_to("Kind")
    page.keyboard.press("ArrowDown")  # "Choose…" to the first kind, a thought
    journey.tab_to("What it was", limit=3)
    page.keyboard.type("Her partner left the flat after an argument about money")
    journey.tab_to("Add the link", limit=8)
    page.keyboard.press("Enter")
    expect(page.locator(".chain-link")).to_have_count(1)
    # After the swap, focus stays on the add button (htmx keeps it on an element whose id
    # survives), not dropped at the top of the page: the next link follows by keyboard.
    expect(page.locator("#link-add-submit")).to_be_focused()
    journey.step("the first link, added by keyboard")

    # Link 2 with the wording check: the suggestion appears while typing, then the reword.
    adding = page.locator("#link-add")
    adding.get_by_label("Kind").select_option(label="Event")
    description = adding.get_by_label("What it was")
    description.press_sequentially(JUDGED)
    suggestion = page.locator(".text-check-live .text-check-language")
    expect(suggestion).to_contain_text("attention-seeking")
    journey.step("a wording suggestion while typing", docs=True)
    description.fill(REWORDED)
    expect(suggestion).to_have_count(0)
    journey.step("reworded")
    adding.get_by_role("button", name="Add the link").click()
    expect(page.locator(".chain-link")).to_have_count(2)

    for kind, text in LINKS:
        add_link(page, kind, text)
    # One too many, removed again: removal asks first (a disclosure, no script dialog).
    add_link(page, "Event", "The phone rang back")
    sixth = page.locator(".chain-link").nth(5)
    sixth.locator("summary", has_text="Remove").click()
    confirm = sixth.get_by_role("button", name="Yes, remove link 6")
    expect(confirm).to_be_visible()
    journey.step("removing a link asks first")
    confirm.click()
    expect(page.locator(".chain-link")).to_have_count(5)
    journey.step("five links", docs=True)

    chain = ChainAnalysis.objects.get(problem_behavior=PROBLEM)
    links = list(chain.links.order_by("position").values_list("position", "description"))
    assert [p for p, _ in links] == [1, 2, 3, 4, 5]
    assert links[1][1] == REWORDED
    assert not any("attention" in text for _, text in links)
