"""A chain analysis drawn as a chain: the prompting event, each link as a box of its kind
(thought, emotion, body sensation, urge, action, event) with its intensity, and the problem
behaviour at the end, joined by arrows. Inline SVG drawn on the server, like the TIB chart
(cases/charts.py): no script, no `style` attributes, only presentation attributes.

The picture carries the links' kinds and intensities only, never their text: the words are in
the list beside it, and the picture's text alternative names every step in order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.charts import FONT, INK, MUTED
from cases.choices import LinkKind

# One hue per kind (dark enough for white text at 4.5:1 or more), and the ends in ink.
KIND_COLOURS = {
    LinkKind.THOUGHT: "#0b5f9e",
    LinkKind.EMOTION: "#a0457e",
    LinkKind.BODY_SENSATION: "#00735a",
    LinkKind.URGE: "#a34e00",
    LinkKind.ACTION: "#5b3d99",
    LinkKind.EVENT: "#4a5a66",
}
END_COLOUR = INK

WIDTH = 640
PER_ROW = 4
BOX_W = 142
BOX_H = 52
GAP_X = (WIDTH - PER_ROW * BOX_W) / (PER_ROW - 1)  # room for the arrow between two boxes
ROW_H = BOX_H + 34  # the box and the turn down to the next row
MARGIN = 6


@dataclass(frozen=True)
class ChainStep:
    """One box of the picture: the prompting event, a link, or the problem behaviour."""

    label: str  # "Prompting event", "3. Urge", "Problem behaviour"
    detail: str  # "intensity 7", or ""
    colour: str

    @property
    def spoken(self) -> str:
        return f"{self.label} ({self.detail})" if self.detail else self.label


@dataclass(frozen=True)
class ChainPicture:
    steps: tuple[ChainStep, ...]
    summary: str  # the text alternative: every step in order
    svg: SafeString

    @property
    def link_count(self) -> int:
        return len(self.steps) - 2


def chain_steps(links: Iterable[tuple[int, str, int | None]]) -> tuple[ChainStep, ...]:
    """The steps from the prompting event to the problem behaviour, for ``links`` given as
    (position, kind, intensity) in their order."""
    middle = [
        ChainStep(
            label=f"{position}. {LinkKind(kind).label}",
            detail="" if intensity is None else f"intensity {intensity}",
            colour=KIND_COLOURS[LinkKind(kind)],
        )
        for position, kind, intensity in links
    ]
    return (
        ChainStep("Prompting event", "", END_COLOUR),
        *middle,
        ChainStep("Problem behaviour", "", END_COLOUR),
    )


def chain_summary(steps: Sequence[ChainStep]) -> str:
    links = len(steps) - 2
    if not links:
        return "The chain so far: the prompting event and the problem behaviour, no links yet."
    count = "one link" if links == 1 else f"{links} links"
    return f"The chain, {count}: " + ", then ".join(step.spoken for step in steps) + "."


def box_positions(count: int) -> list[tuple[float, float]]:
    """The top-left corner of each of ``count`` boxes, left to right in rows of PER_ROW."""
    return [
        (MARGIN + (n % PER_ROW) * (BOX_W + GAP_X), MARGIN + (n // PER_ROW) * ROW_H)
        for n in range(count)
    ]


def chain_picture(links: Iterable[tuple[int, str, int | None]]) -> ChainPicture:
    steps = chain_steps(links)
    summary = chain_summary(steps)
    return ChainPicture(steps=steps, summary=summary, svg=_draw(steps, summary))


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    """A line ending in a small arrowhead pointing right (y1 == y2) or down (x1 == x2)."""
    if y1 == y2:
        head = f"{x2:.1f},{y2:.1f} {x2 - 7:.1f},{y2 - 4:.1f} {x2 - 7:.1f},{y2 + 4:.1f}"
        x2 -= 6
    else:
        head = f"{x2:.1f},{y2:.1f} {x2 - 4:.1f},{y2 - 7:.1f} {x2 + 4:.1f},{y2 - 7:.1f}"
        y2 -= 6
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{MUTED}" '
        f'stroke-width="2"/><polygon points="{head}" fill="{MUTED}"/>'
    )


def _draw(steps: Sequence[ChainStep], summary: str) -> SafeString:
    corners = box_positions(len(steps))
    rows = (len(steps) + PER_ROW - 1) // PER_ROW
    height = MARGIN * 2 + (rows - 1) * ROW_H + BOX_H
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(summary)}" '
        f'viewBox="0 0 {WIDTH + MARGIN * 2} {height}" class="chain-picture-svg">',
        f"<title>{escape(summary)}</title>",
    ]
    for n in range(1, len(steps)):
        (x0, y0), (x1, y1) = corners[n - 1], corners[n]
        if y0 == y1:  # the next box in the same row
            parts.append(_arrow(x0 + BOX_W, y0 + BOX_H / 2, x1, y1 + BOX_H / 2))
        else:  # down from the row's last box, back to the left, down into the next row
            mid = y0 + BOX_H + (ROW_H - BOX_H) / 2
            parts.append(
                f'<polyline points="{x0 + BOX_W / 2:.1f},{y0 + BOX_H:.1f} '
                f'{x0 + BOX_W / 2:.1f},{mid:.1f} {x1 + BOX_W / 2:.1f},{mid:.1f}" '
                f'fill="none" stroke="{MUTED}" stroke-width="2"/>'
            )
            parts.append(_arrow(x1 + BOX_W / 2, mid, x1 + BOX_W / 2, y1))
    for step, (x, y) in zip(steps, corners, strict=True):
        text_y = y + (22 if step.detail else 31)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="8" '
            f'fill="{step.colour}"/>'
            f'<text x="{x + BOX_W / 2:.1f}" y="{text_y:.1f}" text-anchor="middle" '
            f'font-size="12" font-weight="600" fill="#ffffff" {FONT}>{escape(step.label)}</text>'
        )
        if step.detail:
            parts.append(
                f'<text x="{x + BOX_W / 2:.1f}" y="{y + 40:.1f}" text-anchor="middle" '
                f'font-size="12" fill="#ffffff" {FONT}>{escape(step.detail)}</text>'
            )
    parts.append("</svg>")
    # Every value above is a number we computed or text passed through escape().
    return mark_safe("".join(parts))  # noqa: S308
