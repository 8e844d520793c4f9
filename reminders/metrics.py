"""The reminders' gauges for /metrics (named in settings.METRICS_COLLECTORS).

Computed from the rows at scrape time, in one query: the rows are the truth (a reminder is a
row; the broker only carries "go look at row N"), and a count taken now is right whichever
process answers the scrape. Counts only: never a recipient, a kind of meeting or an error text.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from reminders.choices import ReminderStatus
from reminders.models import Reminder


class ReminderBacklog(Collector):
    def collect(self) -> Iterable[Metric]:
        now = timezone.now()
        # Due and unsent, whether or not a sweep has claimed it: in flight is still owed.
        owed = Q(status=ReminderStatus.PENDING, send_at__lte=now)
        figures = Reminder.objects.aggregate(
            due=Count("id", filter=owed),
            oldest=Min("send_at", filter=owed),
            failed=Count("id", filter=Q(status=ReminderStatus.FAILED)),
        )
        yield GaugeMetricFamily(
            "consultteam_reminders_due",
            "Reminders whose sending time has come and which are not sent yet.",
            value=figures["due"],
        )
        oldest = figures["oldest"]
        yield GaugeMetricFamily(
            "consultteam_reminders_oldest_due_seconds",
            "How long the oldest due, unsent reminder has waited (0 when none).",
            value=(now - oldest).total_seconds() if oldest is not None else 0.0,
        )
        yield GaugeMetricFamily(
            "consultteam_reminders_failed",
            "Reminders given up after their last attempt, waiting for an operator's retry.",
            value=figures["failed"],
        )
