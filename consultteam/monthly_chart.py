"""Counts per month for the last six months, drawn as stacked bars: the team patterns page's
pictures (language flags, observer flags). Inline SVG with presentation attributes only (the
CSP allows no style attribute); each page shows the same numbers in a table beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MONTHS = 6
PALETTE = ("#0b5f9e", "#a34e00", "#00735a", "#a0457e", "#6d6400", "#5b3d99")


@dataclass(frozen=True)
class PatternRow:
    code: str
    label: str
    colour: str
    per_month: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.per_month)


def last_months(today: dt.date) -> list[dt.date]:
    """The first day of this month and the MONTHS - 1 before it, oldest first."""
    first = today.replace(day=1)
    months = [first]
    for _ in range(MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def counts_by_month(rows: QuerySet[Any], *, when: str, by: str) -> dict[tuple[dt.date, str], int]:
    """How many of ``rows`` fall in each (month of ``when``, value of ``by``): one query,
    grouped in the database. Months are the first day, in the current time zone."""
    grouped = (
        rows.annotate(month=TruncMonth(when))
        .order_by()
        .values("month", by)
        .annotate(n=Count("pk"))
        .values_list("month", by, "n")
    )
    counts: dict[tuple[dt.date, str], int] = {}
    for month, code, n in grouped:
        day = month.date() if isinstance(month, dt.datetime) else month
        counts[(day, code)] = counts.get((day, code), 0) + n
    return counts


def month_rows(
    counts: dict[tuple[dt.date, str], int], months: list[dt.date], labels: list[tuple[str, str]]
) -> list[PatternRow]:
    return [
        PatternRow(
            code,
            label,
            PALETTE[index % len(PALETTE)],
            tuple(counts.get((month, code), 0) for month in months),
        )
        for index, (code, label) in enumerate(labels)
    ]


def monthly_bars(
    months: list[dt.date], rows: list[PatternRow], title: str, *, chart_id: str
) -> SafeString:
    """Bars per month, stacked by category: SVG presentation attributes only (the CSP allows
    no style attribute). The table beside it carries the same numbers."""
    width, top, height, left, bottom = 640, 12, 150, 34, 28
    totals = [sum(row.per_month[i] for row in rows) for i in range(len(months))]
    peak = max([*totals, 1])
    slot = (width - left - 8) / len(months)
    bar = slot * 0.6
    parts = [
        f'<svg class="tib-chart-svg" role="img" aria-labelledby="{chart_id}-title" '
        f'viewBox="0 0 {width} {top + height + bottom}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + height}" x2="{width - 8}" y2="{top + height}" '
        'stroke="#4a5a66"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11" '
        f'fill="#4a5a66">{peak}</text>',
    ]
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar) / 2
        y = float(top + height)
        for row in rows:
            n = row.per_month[i]
            if not n:
                continue
            h = height * n / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{row.colour}"><title>{escape(row.label)}: {n}</title></rect>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + height + 18}" text-anchor="middle" '
            f'font-size="11" fill="#1d2a33">{month:%b %Y}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text in it is escaped above)
