"""/healthz names every part: database, broker, beat and worker. 503 only when web cannot
serve (database or broker down); beat or the worker down is 200 with status "degraded".
It answers load-balancer probes whatever their Host and scheme, without a session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from consultteam.health.heartbeats import heartbeat_record
from consultteam.health.models import Process
from consultteam.version import VERSION


@pytest.fixture
def heartbeats_fresh(db: None) -> None:
    for process in Process:
        heartbeat_record(process=process)


@pytest.mark.django_db
def test_healthy(client, heartbeats_fresh):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == VERSION
    assert set(body["checks"]) == {"database", "broker", "beat", "worker"}
    assert all(check["ok"] is True for check in body["checks"].values())
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_beat_never_seen_is_degraded_not_503(client):
    # No heartbeat row at all: beat has never run against this database.
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["beat"] == {"ok": False, "age_seconds": None}
    assert body["checks"]["worker"] == {"ok": False, "age_seconds": None}


@pytest.mark.django_db
def test_a_stale_worker_is_named(client, settings, heartbeats_fresh):
    settings.HEARTBEAT_STALE_SECONDS = 60
    stale = timezone.now() - dt.timedelta(seconds=61)
    heartbeat_record(process=Process.WORKER, at=stale)

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["beat"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["age_seconds"] >= 61


@pytest.mark.django_db
def test_broker_unreachable_is_503(client, settings, heartbeats_fresh):
    # Port 1 on loopback: nothing listens there, so the connection is really refused.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_embedded_broker_folder_missing_is_503(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_database_unavailable_is_503(client):
    # No django_db mark: pytest-django refuses every query, as a database that is down would.
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is False
    # The heartbeats live in the database: unknown, so not ok, and the reason says why.
    assert checks["beat"] == {"ok": False, "error": "database unavailable"}


@pytest.mark.django_db
def test_healthz_rejects_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_head_is_answered(client, heartbeats_fresh):
    # Some load balancers probe with HEAD.
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_probe_with_an_unknown_host_is_answered(heartbeats_fresh):
    # A load balancer probes the container by its address: the Host is not an allowed host.
    probe = Client(HTTP_HOST="10.0.3.17:8000")
    assert probe.get("/healthz").status_code == 200
    # Everything else still refuses that Host.
    assert probe.get("/accounts/login/").status_code == 400


@pytest.mark.django_db
def test_a_plain_http_probe_is_not_redirected(settings, heartbeats_fresh):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = []  # the middleware, not the exemption, lets it through
    probe = Client()
    assert probe.get("/healthz").status_code == 200
    assert probe.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
def test_a_probe_gets_no_session_or_cookie(client, heartbeats_fresh):
    response = client.get("/healthz")
    assert not response.cookies
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_a_probe_is_logged_under_its_route(client, heartbeats_fresh, caplog):
    # Answered before routing, yet the access log and metrics name it, not "<unmatched>".
    with caplog.at_level("INFO", logger="consultteam.access"):
        client.get("/healthz")
    assert [record.route for record in caplog.records] == ["healthz"]
