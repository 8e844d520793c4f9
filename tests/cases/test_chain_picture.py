"""The chain analysis drawn as a chain (cases/chain_picture.py): the steps and their text
alternative, the layout, and the page carrying it. Not pixels: what the picture says."""

from __future__ import annotations

from itertools import pairwise

from cases.chain_picture import (
    BOX_W,
    KIND_COLOURS,
    PER_ROW,
    box_positions,
    chain_picture,
    chain_steps,
)
from cases.choices import LinkKind

FIVE = [
    (1, "EVENT", None),
    (2, "EMOTION", 7),
    (3, "THOUGHT", None),
    (4, "URGE", 9),
    (5, "ACTION", None),
]


def test_the_steps_run_from_the_prompting_event_to_the_problem_behaviour():
    steps = chain_steps(FIVE)
    assert [step.label for step in steps] == [
        "Prompting event",
        "1. Event",
        "2. Emotion",
        "3. Thought",
        "4. Urge",
        "5. Action",
        "Problem behaviour",
    ]
    assert steps[2].detail == "intensity 7"
    assert steps[3].detail == ""
    # Each kind keeps its own colour, so a reader learns them once.
    assert steps[4].colour == KIND_COLOURS[LinkKind.URGE] != steps[5].colour


def test_the_text_alternative_names_every_step_in_order():
    picture = chain_picture(FIVE)
    assert picture.link_count == 5
    assert picture.summary == (
        "The chain, 5 links: Prompting event, then 1. Event, then 2. Emotion (intensity 7), "
        "then 3. Thought, then 4. Urge (intensity 9), then 5. Action, then Problem behaviour."
    )
    assert f'aria-label="{picture.summary}"' in picture.svg
    assert 'role="img"' in picture.svg


def test_an_empty_chain_says_so():
    picture = chain_picture([])
    assert picture.link_count == 0
    assert "no links yet" in picture.summary


def test_boxes_run_in_rows_and_never_overlap():
    corners = box_positions(PER_ROW * 2 + 1)
    rows = sorted({y for _, y in corners})
    assert len(rows) == 3
    first_row = [x for x, y in corners if y == rows[0]]
    assert len(first_row) == PER_ROW
    assert all(b - a >= BOX_W for a, b in pairwise(first_row))


def test_the_picture_is_plain_svg_under_the_csp():
    """Drawn with presentation attributes only: no script, no inline style to be refused."""
    svg = chain_picture(FIVE).svg
    assert "<script" not in svg
    assert "style=" not in svg


def test_the_chain_page_shows_the_picture(client, world):
    client.force_login(world.tara)
    page = client.get(f"/cases/chains/{world.tara_chain_draft.public_id}/").content.decode()
    assert 'class="chain-picture-svg"' in page
    assert "The chain, 3 links: Prompting event, then 1. Event, then 2. Emotion" in page
