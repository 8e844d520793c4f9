"""The team patterns page's pictures (consultteam/monthly_chart.py, agendas/patterns.py): the
months, the counts behind each bar, and what observers named per month. Not pixels."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agendas import services
from agendas.models import Meeting
from agendas.patterns import observer_patterns
from consultteam.monthly_chart import last_months, month_rows, monthly_bars

pytestmark = pytest.mark.django_db


def test_the_last_six_months_run_oldest_first_across_a_new_year():
    assert last_months(dt.date(2026, 2, 17)) == [
        dt.date(2025, 9, 1),
        dt.date(2025, 10, 1),
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]


def test_rows_hold_each_months_count_and_zero_where_there_is_none():
    months = last_months(dt.date(2026, 2, 17))
    counts = {(dt.date(2026, 1, 1), "A"): 2, (dt.date(2026, 2, 1), "A"): 1}
    rows = month_rows(counts, months, [("A", "Alpha"), ("B", "Beta")])
    assert rows[0].per_month == (0, 0, 0, 0, 2, 1)
    assert rows[0].total == 3
    assert rows[1].total == 0
    assert rows[0].colour != rows[1].colour


def test_two_charts_on_one_page_name_their_own_titles():
    months = last_months(dt.date(2026, 2, 17))
    rows = month_rows({}, months, [("A", "Alpha")])
    first = monthly_bars(months, rows, "One", chart_id="one")
    second = monthly_bars(months, rows, "Two", chart_id="two")
    assert 'aria-labelledby="one-title"' in first
    assert 'id="two-title">Two</title>' in second


def _started_meeting(world) -> Meeting:
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=2)
    meeting = Meeting.objects.filter(team=world.alpha).order_by("starts_at")[0]
    meeting = services.meeting_reschedule(
        meeting=meeting, by=world.lena, starts_at=timezone.now() + dt.timedelta(minutes=2)
    )
    return services.meeting_start(meeting=meeting, by=world.lena)


def test_observer_flags_are_counted_by_reason_in_the_month_of_the_meeting(world):
    meeting = _started_meeting(world)
    for reason in ["JUDGMENTAL_LANGUAGE", "JUDGMENTAL_LANGUAGE", "DEFENSIVENESS"]:
        services.observer_flag_raise(meeting=meeting, by=world.lena, reason=reason)
    months = last_months(timezone.localdate())
    patterns = observer_patterns(world.alpha, months)
    by_reason = {row.code: row.per_month for row in patterns.rows}
    assert by_reason["JUDGMENTAL_LANGUAGE"] == (0, 0, 0, 0, 0, 2)
    assert by_reason["DEFENSIVENESS"] == (0, 0, 0, 0, 0, 1)
    assert patterns.total == 3
    # Another team's flags are not this team's pattern.
    assert observer_patterns(world.beta, months).total == 0


def test_the_patterns_page_shows_what_observers_named(client, world):
    meeting = _started_meeting(world)
    services.observer_flag_raise(meeting=meeting, by=world.lena, reason="DEFENSIVENESS")
    client.force_login(world.sam)
    page = client.get(f"/teams/{world.alpha.public_id}/patterns/").content.decode()
    assert "What observers named at meetings" in page
    assert 'aria-labelledby="observer-chart-title"' in page
    assert '<tr data-reason="DEFENSIVENESS"><th scope="row">Defensiveness</th>' in page
    # No names: the page counts for the team, never per person.
    assert "Lena" not in page.split("<main")[1]
