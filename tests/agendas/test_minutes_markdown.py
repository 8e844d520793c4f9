"""The Markdown minutes carry no markup of their own from free text (issue 19): a title, an
outcome, an action or the minutes that hold HTML, an event handler or a `javascript:` link
read as typed in a reader's Markdown viewer (CommonMark, rendered here by markdown-it-py, a
library other than the one writing them) and do nothing."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from agendas import services
from agendas.exports import minutes_markdown
from agendas.models import Meeting
from tests.meeting_makers import submit, upcoming

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('minutes')</script>"
IMAGE = '<img src="x" onerror="alert(1)">'
LINK = "[the plan](javascript:alert(1))"
AUTOLINK = "<javascript:alert(1)>"
EMPHASIS = "**loud** _and_ `code` ~~struck~~ | piped & amp;"


@pytest.fixture
def minutes(world) -> str:
    meeting = upcoming(world)
    item = submit(meeting, world.tara, f"Group plan {SCRIPT}", case=world.tara_case)
    services.agenda_item_discuss(
        item=item, by=world.lena, outcome=f"Agreed {IMAGE} {LINK}", actual_minutes=5
    )
    services.action_item_add(
        meeting=meeting, by=world.lena, owner=world.tara, description=f"Send it {AUTOLINK}"
    )
    services.meeting_complete(
        meeting=meeting,
        by=world.lena,
        minutes_text=f"First line {SCRIPT}\nSecond line {LINK}\n{EMPHASIS}",
    )
    fresh = Meeting.objects.select_related("team", "agreement").get(pk=meeting.pk)
    return minutes_markdown(fresh)


def test_free_text_renders_as_typed_and_runs_nothing(minutes):
    html = MarkdownIt("commonmark").render(minutes)
    for active in ("<script", "<img", 'href="javascript:', "<strong>loud", "<em>and"):
        assert active not in html, active
    assert not re.search(r"<[a-z][^>]*\son\w+=", html), "an event handler in a tag"
    # What was typed is all there, as text.
    assert "&lt;script&gt;alert('minutes')&lt;/script&gt;" in html
    assert "[the plan](javascript:alert(1))" in html
    assert "&lt;javascript:alert(1)&gt;" in html
    assert "**loud** _and_ `code` ~~struck~~ | piped &amp; amp;" in html


def test_the_minutes_keep_their_lines(minutes):
    section = minutes.split("## Minutes", 1)[1]
    assert section.strip().splitlines()[:2] == [
        "First line \\<script\\>alert('minutes')\\</script\\>",
        "Second line \\[the plan\\](javascript:alert(1))",
    ]
