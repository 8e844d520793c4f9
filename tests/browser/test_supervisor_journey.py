"""A supervisor's week: the review queue, a chain analysis read in full, and a sign-off whose
feedback starts with validation. In a real browser (tests/browser/conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agendas import services as meetings
from cases import services as clinical
from cases.choices import ChainStatus
from cases.models import ChainAnalysis, ReviewRequest, ReviewStatus

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    # The live server answers from another thread, so the data must be committed; the
    # reference data (assumptions, agreements, wording rules) is restored for each test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VALIDATION = "Naming the fear in link two took courage, and it makes the whole chain readable."
SUGGESTION = "Next time, add the body sensation before the urge: it is where a skill fits."


def test_supervisor_reviews_and_signs_off(journey, world, alpha_meetings):
    # Tara marks her chain ready for the team and asks Sam, the supervisor, to review it.
    chain = world.tara_chain_draft
    chain = clinical.chain_set_status(
        chain=chain,
        by=world.tara,
        status=ChainStatus.READY_FOR_TEAM,
        expected_version=chain.version,
    )
    clinical.review_request(by=world.tara, item=chain, reviewer=world.sam)
    # This week's meeting, where the observer named two things: the team's pattern.
    meeting = meetings.meeting_start(meeting=alpha_meetings.first, by=world.lena)
    for reason in ["JUDGMENTAL_LANGUAGE", "PROBLEM_SOLVING_WITHOUT_ASSESSMENT"]:
        meetings.observer_flag_raise(meeting=meeting, by=world.tara, reason=reason)
    page = journey.page

    journey.sign_in(world.sam)
    journey.step("home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    expect(page.get_by_role("heading", name="Reviews for me")).to_be_visible()
    journey.step("review queue", docs=True)

    page.get_by_role("button", name="Start the review").click()
    expect(page.locator(".review-status strong")).to_have_text("In review")
    journey.step("chain analysis under review")

    # The chain itself, read in full before deciding: its three links are there.
    expect(page.locator(".chain-link")).to_have_count(3)
    page.get_by_role("link", name=re.compile("Give your review")).click()
    journey.step("review form", docs=True)

    page.get_by_label("Validation").fill(VALIDATION)
    page.get_by_label("What might help").fill(SUGGESTION)
    page.get_by_label("All behaviors (actions, thoughts, emotions) are caused.").check()
    journey.step("review written")
    page.get_by_role("button", name="Sign off").click()

    expect(page.locator(".messages")).to_contain_text("Signed off.")
    expect(page.locator(".review-status strong")).to_have_text("Signed off")
    feedback = page.locator(".feedback-list li").last
    # Validation first: the first thing the author reads is what makes sense.
    expect(feedback.locator("dt").first).to_have_text("Validation")
    expect(feedback.locator("dd").first).to_have_text(VALIDATION)
    journey.step("signed off", docs=True)

    # The team's patterns: what observers named, as a picture and a table, never by person.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    journey.step("teams")
    page.get_by_role("link", name="Alpha").first.click()
    journey.step("the team")
    page.get_by_role("link", name=re.compile("[Pp]atterns")).first.click()
    expect(page.locator("#observer-patterns svg[role=img]")).to_be_visible()
    expect(
        page.locator('#observer-by-reason tr[data-reason="JUDGMENTAL_LANGUAGE"]')
    ).to_contain_text("1")
    journey.step("team patterns", docs=True)

    review = ReviewRequest.objects.get(chain_analysis=chain)
    assert review.status == ReviewStatus.SIGNED_OFF
    assert ChainAnalysis.objects.get(pk=chain.pk).status == ChainStatus.REVIEWED
