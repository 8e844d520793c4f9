"""What observers named at a team's meetings, month by month: counts for the team as a whole,
never per person (the team patterns page, clinic/views.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.safestring import SafeString

from agendas.choices import FlagReason
from agendas.models import ObserverFlag
from consultteam.monthly_chart import PatternRow, counts_by_month, month_rows, monthly_bars
from consultteam.teams.models import Team


@dataclass(frozen=True)
class ObserverPatterns:
    months: list[dt.date]
    rows: list[PatternRow]  # one per reason, every reason (the table lists them all)
    title: str
    chart: SafeString

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def observer_patterns(team: Team, months: list[dt.date]) -> ObserverPatterns:
    """Observer flags per month of the meeting, by reason, over ``months`` (first days, oldest
    first). One query. Reads only."""
    since = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    flags = ObserverFlag.objects.filter(meeting__team=team, meeting__starts_at__gte=since)
    counts = counts_by_month(flags, when="meeting__starts_at", by="reason")
    rows = month_rows(counts, months, list(FlagReason.choices))
    title = f"Observer flags per month by reason, {months[0]:%B %Y} to {months[-1]:%B %Y}"
    return ObserverPatterns(
        months=months,
        rows=rows,
        title=title,
        chart=monthly_bars(months, rows, title, chart_id="observer-chart"),
    )
