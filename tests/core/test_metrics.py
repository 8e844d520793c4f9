"""/metrics: only for the bearer of METRICS_TOKEN, absent without one; requests, latency and the
reminders' backlog as Prometheus reads them (parsed with prometheus_client's own parser)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from reminders.choices import ReminderKind, ReminderStatus
from reminders.models import Reminder
from tests.paths import ROOT

TOKEN = "metrics-token-for-the-tests-only-0123456789abcdef"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(figures, name: str, **labels: str) -> float:
    return float(figures.get((name, frozenset(labels.items())), 0.0))


@pytest.mark.django_db
def test_without_a_configured_token_there_is_no_endpoint(client, settings):
    settings.METRICS_TOKEN = None
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        f"Token {TOKEN}",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        "Bearer ",
        f"Basic {TOKEN}",
    ],
)
def test_a_wrong_or_missing_token_is_refused(client, authorization):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"consultteam_" not in response.content


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_only_get_is_allowed(client):
    response = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_requests_are_counted_by_method_route_and_status_class(client):
    # The counters live for the whole test process: compare before and after.
    before = scrape(client)
    for _ in range(3):
        assert client.get("/accounts/login/?next=/private-path/").status_code == 200
    assert client.get("/no-such-page-anywhere").status_code == 404
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    login = {"method": "GET", "route": "login"}
    assert grew("consultteam_http_requests_total", **login, status="2xx") == 3
    assert grew("consultteam_http_request_duration_seconds_count", **login) == 3
    assert grew("consultteam_http_request_duration_seconds_sum", **login) > 0
    assert grew("consultteam_http_request_duration_seconds_bucket", **login, le="+Inf") == 3
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "4xx"}
    assert grew("consultteam_http_requests_total", **unmatched) == 1
    # The first scrape itself was counted as it was answered.
    assert grew("consultteam_http_requests_total", method="GET", route="metrics", status="2xx") == 1
    # No label anywhere holds a path or a query string.
    assert not any("private-path" in str(labels) for (_name, labels) in after)
    assert not any("no-such-page" in str(labels) for (_name, labels) in after)


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_the_reminder_backlog_and_failures_are_read_from_the_rows(client, tara):
    now = timezone.now()

    def reminder(n: int, status: str, send_at: dt.datetime) -> Reminder:
        return Reminder(
            key=f"metrics:{n}",
            recipient=tara,
            kind=ReminderKind.REVIEW_REQUESTED,
            due_at=send_at,
            send_at=send_at,
            status=status,
            sent_at=send_at if status == ReminderStatus.SENT else None,
        )

    Reminder.objects.bulk_create(
        [
            reminder(1, ReminderStatus.PENDING, now - dt.timedelta(minutes=30)),  # due
            reminder(2, ReminderStatus.PENDING, now - dt.timedelta(minutes=1)),  # due
            reminder(3, ReminderStatus.PENDING, now + dt.timedelta(hours=1)),  # not yet
            reminder(4, ReminderStatus.FAILED, now - dt.timedelta(days=1)),
            reminder(5, ReminderStatus.SENT, now - dt.timedelta(days=1)),
            reminder(6, ReminderStatus.CANCELLED, now - dt.timedelta(days=1)),
        ]
    )
    figures = scrape(client)
    assert value(figures, "consultteam_reminders_due") == 2
    assert value(figures, "consultteam_reminders_failed") == 1
    # The oldest due one has waited thirty minutes (and a little more by the scrape).
    assert 30 * 60 <= value(figures, "consultteam_reminders_oldest_due_seconds") < 31 * 60


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_no_backlog_reads_zero(client):
    figures = scrape(client)
    assert value(figures, "consultteam_reminders_due") == 0
    assert value(figures, "consultteam_reminders_oldest_due_seconds") == 0
    assert value(figures, "consultteam_reminders_failed") == 0


@pytest.mark.parametrize(
    ("variable", "setting", "message"),
    [
        ("METRICS_TOKEN", "too-short", "METRICS_TOKEN must be at least 32 characters"),
        ("PROMETHEUS_MULTIPROC_DIR", "/nonexistent/metrics", "is not an existing folder"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT='xml' is not one of: json, plain."),
    ],
)
def test_a_bad_monitoring_setting_stops_the_start(variable, setting, message):
    done = subprocess.run(
        [sys.executable, "-c", "import consultteam.settings"],
        cwd=ROOT,
        env={**os.environ, variable: setting},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert message in done.stderr


@pytest.mark.django_db
@pytest.mark.usefixtures("metrics_on")
def test_a_probe_answered_before_routing_is_counted_under_its_route(client):
    def probes(figures) -> float:
        return float(
            sum(
                count
                for (name, labels), count in figures.items()
                if name == "consultteam_http_requests_total" and ("route", "healthz") in labels
            )
        )

    before = probes(scrape(client))
    client.get("/healthz", HTTP_HOST="10.0.0.7")  # a load balancer's probe, by address
    assert probes(scrape(client)) - before == 1


def test_an_empty_multiprocess_folder_means_one_process(tmp_path):
    """PROMETHEUS_MULTIPROC_DIR= (an unfilled line of .env) must not send prometheus_client's
    files into the working folder."""
    script = (
        "import django; django.setup()\n"
        "from consultteam import metrics\n"
        "metrics.request_observed(method='GET', route='login', status=200, seconds=0.1)\n"
    )
    working = tmp_path / "working"
    working.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=working,
        env={
            **os.environ,
            "DATA_DIR": str(tmp_path / "data"),
            "PROMETHEUS_MULTIPROC_DIR": "",
            "DJANGO_SETTINGS_MODULE": "consultteam.settings",
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert list(working.iterdir()) == []
