"""The agenda's time budget drawn as a bar: the meeting's length on top, the minutes asked for
below, and the part past the meeting's end in red behind a line at the end, named in words.

The unit tests call the view's helper directly; the page tests read the drawn SVG."""

from __future__ import annotations

import pytest

from agendas.views.meetings import BAR_WIDTH, TimeBar, _time_bar
from tests.clients import signed_in
from tests.meeting_makers import submit
from tests.meeting_pages import _url, meetings
from tests.page_html import Node, parse
from tests.paths import ROOT

__all__ = ["meetings"]  # the fixture, imported for the tests below


def test_an_agenda_under_the_time_fills_part_of_the_bar():
    bar = _time_bar(45, 90)
    assert bar == TimeBar(
        width=BAR_WIDTH,
        length=BAR_WIDTH,  # the meeting is the longer: it spans the bar
        requested=BAR_WIDTH // 2,
        over_x=BAR_WIDTH,
        over=0,
        over_minutes=0,
        label="45 of 90 minutes requested",
    )


def test_an_agenda_exactly_full_fills_the_bar_and_nothing_is_over():
    bar = _time_bar(90, 90)
    assert (bar.length, bar.requested, bar.over, bar.over_minutes) == (BAR_WIDTH,) * 2 + (0, 0)
    assert bar.label == "90 of 90 minutes requested"


def test_an_empty_agenda_and_a_zero_length_meeting_draw_nothing_wrong():
    assert _time_bar(0, 90).requested == 0
    empty = _time_bar(0, 0)
    assert (empty.length, empty.requested, empty.over) == (0, 0, 0)


def test_an_agenda_over_the_time_runs_past_the_end_in_its_own_part():
    bar = _time_bar(120, 90)
    # Scaled to the longer, 120 minutes: the meeting ends at three quarters of the bar.
    assert bar.length == BAR_WIDTH * 3 // 4
    assert bar.requested == bar.length, "the blue part stops at the meeting's end"
    assert bar.over_x == bar.length, "the red part starts there"
    assert bar.over == BAR_WIDTH // 4
    assert bar.over_x + bar.over == BAR_WIDTH
    assert bar.over_minutes == 30
    assert bar.label == "120 of 90 minutes requested, 30 past the end of the meeting"


@pytest.mark.parametrize(("requested", "length"), [(91, 90), (100_001, 100_000)])
def test_a_minute_over_is_still_drawn_and_stays_inside_the_bar(requested, length):
    bar = _time_bar(requested, length)
    assert bar.over >= 1
    assert bar.over_minutes == requested - length
    assert bar.over_x + bar.over <= BAR_WIDTH


def _bar_parts(page: Node) -> dict[str, Node]:
    (svg,) = page.find_all(lambda node: node.tag == "svg" and "time-budget-svg" in node.classes)
    parts = {}
    for rect in svg.find_all(lambda node: node.tag == "rect"):
        (name,) = rect.classes
        parts[name] = rect
    parts["svg"] = svg
    return parts


@pytest.mark.django_db
def test_the_page_draws_an_agenda_under_the_time_without_an_over_part(client, world, meetings):
    meeting = meetings.first  # 90 minutes
    submit(meeting, world.tara, "Risk first", target_level="LIFE_THREATENING", minutes_requested=30)
    page = parse(signed_in(client, world.lena).get(_url("meeting-detail", meeting)))

    parts = _bar_parts(page)
    assert set(parts) == {"svg", "time-budget-length", "time-budget-requested"}
    assert parts["svg"].attrs["aria-label"] == "30 of 90 minutes requested"
    assert parts["time-budget-requested"].attrs["width"] == str(round(BAR_WIDTH / 3))
    assert not page.find_all(lambda node: "time-budget-over-label" in node.classes)


@pytest.mark.django_db
def test_the_page_draws_the_over_part_and_names_it(client, world, meetings):
    meeting = meetings.first  # 90 minutes
    submit(meeting, world.tara, "Risk first", target_level="LIFE_THREATENING", minutes_requested=60)
    submit(meeting, world.theo, "Group attendance", minutes_requested=60)
    page = parse(signed_in(client, world.lena).get(_url("meeting-detail", meeting)))

    parts = _bar_parts(page)
    svg, over, end = parts["svg"], parts["time-budget-over"], parts["time-budget-end"]
    assert svg.attrs["role"] == "img"
    assert svg.attrs["aria-label"] == "120 of 90 minutes requested, 30 past the end of the meeting"
    assert (over.attrs["x"], over.attrs["width"]) == (str(BAR_WIDTH * 3 // 4), str(BAR_WIDTH // 4))
    assert end.attrs["x"] == str(BAR_WIDTH * 3 // 4 - 1), "the line marks the meeting's end"
    (label,) = page.find_all(lambda node: "time-budget-over-label" in node.classes)
    assert label.text() == "30 minutes over"


def test_the_track_keeps_three_to_one_against_the_card():
    """WCAG 1.4.11: each part of the bar against the white card it sits on."""
    css = (ROOT / "static/css/app.css").read_text()
    colour = css.split(".time-budget-length { fill: ")[1].split(";")[0]
    assert contrast(colour, "#ffffff") >= 3.0


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
