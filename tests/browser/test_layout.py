"""The shared layout in a real browser: the skip link and the main navigation by keyboard, the
current section marked, the pages fitting a tablet without sideways scrolling, and a styled
"nothing here" page. Every page is checked with axe-core (tests/browser/conftest.py)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TABLET = {"width": 768, "height": 1024}
# Wider than the window means sideways scrolling; a pixel of rounding is not.
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_layout_on_a_tablet_by_keyboard(journey, world, alpha_meetings):
    page = journey.page
    page.set_viewport_size(TABLET)
    journey.sign_in(world.tara)

    # The first Tab reaches the skip link, shown when focused; Enter moves focus to the page.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    journey.step("the skip link", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    main_nav = page.get_by_role("navigation", name="Main")
    pages = [
        ("caseload", reverse("caseload"), "Caseload", "page"),
        ("the case", reverse("case-detail", args=[world.tara_case.public_id]), "Caseload", "true"),
        (
            "a chain analysis",
            reverse("chain-detail", args=[world.tara_chain_draft.public_id]),
            "Caseload",
            "true",
        ),
        ("meetings", reverse("meeting-list"), "Meetings", "page"),
        (
            "a meeting",
            reverse("meeting-detail", args=[alpha_meetings.first.public_id]),
            "Meetings",
            "true",
        ),
        ("reviews", reverse("review-queue"), "Reviews", "page"),
        ("feedback", reverse("my-feedback"), "Feedback", "page"),
        ("the reference", reverse("reference-index"), "Agreements & assumptions", "page"),
    ]
    for label, path, section, current in pages:
        journey.go(path)
        # One section is marked as where one is, and only that one.
        expect(main_nav.locator("[aria-current]")).to_have_count(1)
        expect(main_nav.get_by_role("link", name=section)).to_have_attribute(
            "aria-current", current
        )
        assert page.evaluate(FITS), f"{label} scrolls sideways on a tablet"
        journey.step(label, docs=label == "a chain analysis")

    # An address that does not exist (or is not shared): the styled page, the layout around it.
    missing = reverse("chain-detail", args=[uuid.uuid4()])
    journey.allow(404, missing)
    journey.go(missing)
    expect(page.get_by_role("heading", name="Nothing here")).to_be_visible()
    expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()
    journey.step("nothing here")
