"""/healthz reports the database and the broker: 200 when both answer, 503 otherwise."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_broker_unreachable_is_503(client, settings):
    # Port 1 on loopback: nothing listens there, so the connection is really refused.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
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
    assert response.json()["checks"]["database"]["ok"] is False


@pytest.mark.django_db
def test_healthz_rejects_writes(client):
    assert client.post("/healthz").status_code == 405
