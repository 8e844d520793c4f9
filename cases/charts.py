"""The case page's small chart: TIB entries per category per week, drawn as inline SVG on the
server. No script and no `style` attributes (the CSP allows neither): only SVG presentation
attributes such as `fill` and `width`. The same numbers go out as a table for anyone who does
not read the picture (see templates/cases/_tib_chart.html)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.choices import TIBCategory

WEEKS = 12
# Dark, colour-blind-aware hues (after Okabe and Ito), each at least 4.5:1 against white, so a
# bar reads without relying on a neighbour's colour; the legend and the table carry the rest.
PALETTE = ("#0b5f9e", "#a34e00", "#00735a", "#a0457e", "#6d6400", "#5b3d99", "#4a5a66")
INK = "#1d2a33"
MUTED = "#4a5a66"
GRID = "#d5dbd8"

WIDTH = 640
PLOT_TOP = 12
PLOT_HEIGHT = 150
AXIS_LEFT = 34
AXIS_BOTTOM = 28
LEGEND_ROW = 20
LEGEND_COLUMNS = 2
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class CategoryRow:
    """One category's entries, week by week (oldest first)."""

    code: str
    label: str
    colour: str
    per_week: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.per_week)


@dataclass(frozen=True)
class WeeklyChart:
    weeks: tuple[dt.date, ...]  # the Monday of each week, oldest first
    rows: tuple[CategoryRow, ...]  # only categories with an entry in these weeks
    title: str
    svg: SafeString

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def week_totals(self) -> tuple[int, ...]:
        return tuple(
            sum(column) for column in zip(*(row.per_week for row in self.rows), strict=True)
        )


def week_of(day: dt.date) -> dt.date:
    """The Monday that starts ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def tib_weeks_chart(
    entries: Iterable[tuple[dt.date, str]], *, today: dt.date, weeks: int = WEEKS
) -> WeeklyChart:
    """Count ``entries`` (date, category) per category for each of the last ``weeks`` weeks up
    to ``today``, and draw them as stacked bars. Entries outside those weeks are left out."""
    first = week_of(today) - dt.timedelta(weeks=weeks - 1)
    counts: dict[str, list[int]] = {}
    for day, category in entries:
        if first <= day <= today:
            counts.setdefault(category, [0] * weeks)[(week_of(day) - first).days // 7] += 1
    rows = tuple(
        CategoryRow(
            code=code,
            label=TIBCategory(code).label,
            colour=PALETTE[index % len(PALETTE)],
            per_week=tuple(counts[code]),
        )
        for index, code in enumerate(code for code in TIBCategory.values if code in counts)
    )
    week_starts = tuple(first + dt.timedelta(weeks=n) for n in range(weeks))
    title = f"TIB entries per category per week, the {weeks} weeks from {short_date(first)}"
    return WeeklyChart(
        weeks=week_starts, rows=rows, title=title, svg=_draw(week_starts, rows, title)
    )


def _ticks(top: int) -> list[int]:
    """At most five whole-number gridlines from 0, evenly spaced, reaching at least ``top``."""
    step = max(1, math.ceil(top / 4))
    return list(range(0, max(top, 1) + step, step))


def _draw(weeks: tuple[dt.date, ...], rows: tuple[CategoryRow, ...], title: str) -> SafeString:
    totals = [sum(row.per_week[n] for row in rows) for n in range(len(weeks))]
    ticks = _ticks(max(totals, default=0))
    scale = PLOT_HEIGHT / ticks[-1]
    baseline = PLOT_TOP + PLOT_HEIGHT
    slot = (WIDTH - AXIS_LEFT - 8) / len(weeks)
    bar = slot * 0.6
    legend_top = baseline + AXIS_BOTTOM + 10
    height = legend_top + LEGEND_ROW * math.ceil(max(len(rows), 1) / LEGEND_COLUMNS)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" class="tib-chart-svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        y = baseline - tick * scale
        parts.append(
            f'<line x1="{AXIS_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID if tick else MUTED}" stroke-width="1"/>'
            f'<text x="{AXIS_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}" {FONT}>{tick}</text>'
        )
    for n, week in enumerate(weeks):
        x = AXIS_LEFT + n * slot + (slot - bar) / 2
        top = float(baseline)
        for row in rows:
            value = row.per_week[n]
            if not value:
                continue
            top -= value * scale
            tooltip = f"Week of {short_date(week)}: {row.label}, {value}"
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{value * scale:.1f}" '
                f'fill="{row.colour}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(tooltip)}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{baseline + 16}" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}" {FONT}>{escape(short_date(week))}</text>'
        )
    column_width = (WIDTH - AXIS_LEFT) / LEGEND_COLUMNS
    for index, row in enumerate(rows):
        x = AXIS_LEFT + (index % LEGEND_COLUMNS) * column_width
        y = legend_top + (index // LEGEND_COLUMNS) * LEGEND_ROW
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{row.colour}"/>'
            f'<text x="{x + 18:.1f}" y="{y + 10}" font-size="12" fill="{INK}" {FONT}>'
            f"{escape(row.label)} ({row.total})</text>"
        )
    parts.append("</svg>")
    # Every value above is a number we computed or text passed through escape().
    return mark_safe("".join(parts))  # noqa: S308
