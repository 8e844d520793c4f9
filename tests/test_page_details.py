"""Small things a clinician notices: a select that prompts "Choose…" rather than "---------",
empty states that say what will appear and how, a way back from deciding a flag, headings and
links that name what the page holds, and the navigation marking the section one works in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from agendas.choices import MeetingRole
from cases import services as clinical
from consultteam.textcheck.models import TextFlag
from tests.clients import signed_in
from tests.flagged_text import JUDGED, log_tib
from tests.meeting_pages import _holder, _url, meetings
from tests.page_html import Node, page_text, parse
from tests.paths import ROOT

__all__ = ["meetings"]  # the fixture, imported for the tests below

pytestmark = pytest.mark.django_db

DJANGO_BLANK = "---------"


def _select(page: Node, name: str, *, in_form: str | None = None) -> Node:
    """The one select named ``name`` (in the form posting to ``in_form``, if given)."""

    def posts_to(node: Node) -> bool:
        form = node.closest("form")
        return in_form is None or (form is not None and form.attrs.get("action") == in_form)

    found = page.find_all(
        lambda n: n.tag == "select" and n.attrs.get("name") == name and posts_to(n)
    )
    assert len(found) == 1, f"expected one select named {name!r}, found {len(found)}"
    return found[0]


def _first_option(select: Node) -> Node:
    return next(node for node in select.walk() if node.tag == "option")


# --- "Choose…" in the person selects -------------------------------------------------------------


def test_the_run_pages_owner_and_attendance_selects_say_choose(client, world, meetings):
    note_taker = _holder(meetings.first, MeetingRole.NOTE_TAKER)
    response = signed_in(client, note_taker).get(_url("meeting-run", meetings.first))
    page = parse(response)

    for name in ("owner", "member"):
        first = _first_option(_select(page, name))
        assert (first.attrs.get("value"), first.text()) == ("", "Choose…"), name
    assert DJANGO_BLANK not in page_text(response)


def test_a_refused_action_keeps_the_prompt(client, world, meetings):
    note_taker = _holder(meetings.first, MeetingRole.NOTE_TAKER)
    refused = signed_in(client, note_taker).post(
        _url("action-item-new", meetings.first), {"description": "No owner"}
    )
    assert refused.status_code == 400
    assert _first_option(_select(parse(refused), "owner")).text() == "Choose…"


def test_hand_it_to_says_choose_and_the_absence_choice_keeps_me(client, world, meetings):
    response = signed_in(client, world.lena).get(_url("meeting-detail", meetings.first))
    page = parse(response)

    absence = _url("meeting-absence", meetings.first)
    assign = _url("meeting-role-assign", meetings.first)
    assert _first_option(_select(page, "with_member")).text() == "Choose…"
    assert _first_option(_select(page, "member", in_form=absence)).text() == "Me", "its own"
    assert _first_option(_select(page, "member", in_form=assign)).text() == "Choose…"
    assert DJANGO_BLANK not in page_text(response)


def test_the_meeting_page_has_no_two_fields_with_one_id(client, world, meetings):
    """The swap, give-a-role and absence forms share field names; each label must still name
    its own field."""
    page = parse(signed_in(client, world.lena).get(_url("meeting-detail", meetings.first)))
    ids = [node.attrs["id"] for node in page.find_all(lambda n: "id" in n.attrs)]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# --- The review queue ----------------------------------------------------------------------------


def test_the_review_queues_empty_steps_say_what_would_be_there(client, world):
    page = parse(signed_in(client, world.sam).get(reverse("review-queue")))

    empties = [
        node.text() for node in page.find_all(lambda n: n.tag == "p" and "empty" in n.classes)
    ]
    assert "None." not in empties
    assert len(empties) == 4
    assert any("When a teammate asks you to review" in text for text in empties)
    assert any("until you sign it off or ask for changes" in text for text in empties)
    assert any("until its author sends it back" in text for text in empties)
    assert any("Reviews you sign off are kept here" in text for text in empties)


def test_the_review_queues_counts_are_styled_and_read_as_words(client, world):
    clinical.review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.sam)
    page = parse(signed_in(client, world.sam).get(reverse("review-queue")))

    counts = page.find_all(lambda node: node.tag == "span" and "count" in node.classes)
    assert len(counts) == 4
    # Read aloud: "Review requested: 1 review", not "Review requested 1".
    assert [count.text() for count in counts][:2] == [": 1 review", ": 0 reviews"]
    stylesheet = (ROOT / "static/css/app.css").read_text()
    assert "\n.count {" in stylesheet


# --- Notifications -------------------------------------------------------------------------------


def test_no_notifications_says_what_will_appear_and_where_to_choose(client, world):
    response = signed_in(client, world.tara).get(reverse("notification-list"))
    page = parse(response)

    (empty,) = page.find_all(lambda node: "empty" in node.classes)
    text = empty.text()
    assert "No notifications yet." in text
    assert "a meeting coming up" in text
    assert "a review asked of you" in text
    links = empty.find_all(lambda node: node.tag == "a")
    assert [link.attrs["href"] for link in links] == [reverse("reminder-preferences")]


# --- Keeping or dismissing a flag ----------------------------------------------------------------


def _flag_url(world) -> tuple[TextFlag, str]:
    entry = log_tib(world, JUDGED).entry
    flag = TextFlag.objects.get(object_id=entry.public_id)
    return flag, reverse("text-flag-resolve", kwargs={"flag_id": flag.public_id})


def _back_link(page: Node) -> Node:
    (link,) = page.find_all(lambda node: node.tag == "a" and node.text() == "Back, leaving it open")
    return link


def test_the_flag_page_goes_back_where_it_came_from_without_deciding(world):
    flag, url = _flag_url(world)
    came_from = reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
    client = Client()
    client.force_login(world.tara)

    page = parse(client.get(url, {"next": came_from}))

    assert _back_link(page).attrs["href"] == came_from
    flag.refresh_from_db()
    assert flag.status == "OPEN"


def test_the_flag_pages_way_back_never_leaves_the_site(world):
    flag, url = _flag_url(world)
    client = Client()
    client.force_login(world.tara)
    own_flags = reverse("text-flags-of", kwargs={"object_id": flag.object_id})

    for elsewhere in ("https://elsewhere.example/", "javascript:alert(1)", ""):
        page = parse(client.get(url, {"next": elsewhere}))
        assert _back_link(page).attrs["href"] == own_flags, elsewhere


def test_a_refused_decision_keeps_the_way_back(world):
    _flag, url = _flag_url(world)
    came_from = reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
    client = Client()
    client.force_login(world.tara)

    refused = client.post(url, {"status": "KEPT", "reason": " ", "next": came_from})

    assert refused.status_code == 400
    assert _back_link(parse(refused)).attrs["href"] == came_from


# --- The team's patterns -------------------------------------------------------------------------


def test_the_patterns_page_introduces_all_it_shows(client, world):
    url = reverse("team-patterns", kwargs={"team_id": world.alpha.public_id})
    page = parse(signed_in(client, world.sam).get(url))

    (intro,) = [
        node
        for node in page.find_all(lambda n: n.tag == "p" and n.parent is not None)
        if node.parent is not None and node.parent.tag == "main"
    ]
    text = intro.text()
    assert "wording check" in text
    assert "observers named" in text
    assert "feedback draws on" in text
    assert "never by person" in text


def test_the_supervisors_home_link_names_both_kinds_of_flag(client, world, meetings):
    page = parse(signed_in(client, world.sam).get(reverse("home")))
    url = reverse("team-patterns", kwargs={"team_id": world.alpha.public_id})

    (link,) = page.find_all(lambda node: node.tag == "a" and node.attrs.get("href") == url)
    apostrophe = "\N{RIGHT SINGLE QUOTATION MARK}"
    assert link.text() == f"The team{apostrophe}s patterns: language and observer flags"


# --- Where the navigation says one is ----------------------------------------------------------


def _current(page: Node) -> list[tuple[str, str]]:
    (nav,) = page.find_all(lambda n: n.tag == "nav" and n.attrs.get("aria-label") == "Main")
    return [
        (link.text(), link.attrs["aria-current"])
        for link in nav.find_all(lambda n: n.tag == "a" and "aria-current" in n.attrs)
    ]


def test_the_review_form_is_in_the_reviews_section(client, world):
    review = clinical.review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.sam)
    clinical.review_start(review=review, by=world.sam)
    url = reverse("chain-feedback", kwargs={"chain_id": world.tara_chain_ready.public_id})

    response = signed_in(client, world.sam).get(url)

    assert "Your review" in page_text(response)
    assert _current(parse(response)) == [("Reviews", "true")]


def test_a_refused_review_decision_stays_in_the_reviews_section(client, world):
    review = clinical.review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.sam)
    clinical.review_start(review=review, by=world.sam)
    url = reverse("review-sign-off", kwargs={"review_id": review.public_id})

    refused = signed_in(client, world.sam).post(url, {"observation": "No validation first."})

    assert refused.status_code == 400
    assert _current(parse(refused)) == [("Reviews", "true")]


def test_plain_feedback_on_a_teammates_entry_stays_in_the_caseload(client, world):
    url = reverse("tib-feedback", kwargs={"tib_id": world.tara_tib_shared.public_id})
    response = signed_in(client, world.sam).get(url)
    assert "Give feedback" in page_text(response)
    assert _current(parse(response)) == [("Caseload", "true")]
