"""Error reports hold no clinical text: a request that fails with a marker in its body, query
string, headers, cookies, a local variable and the exception's message is reported to a real
HTTP ingest endpoint on loopback, and no marker is anywhere in what the SDK sent, while the
exception's type, its frames, the route name, the request id and the release are."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sentry_sdk
from django.test import Client

from consultteam import error_reporting
from consultteam.version import VERSION
from tests.error_reporting_urls import LOCAL_MARKER, MESSAGE_MARKER
from tests.sentry_ingest import Ingest

BODY_MARKER = "body-marker-77c2"
QUERY_MARKER = "query-marker-a9f0"
HEADER_MARKER = "header-marker-3e15"
COOKIE_MARKER = "cookie-marker-d806"
MARKERS = [BODY_MARKER, QUERY_MARKER, HEADER_MARKER, COOKIE_MARKER, LOCAL_MARKER, MESSAGE_MARKER]
REQUEST_ID = "req-test-sentry-0001"


@pytest.fixture
def ingest(monkeypatch) -> Iterator[Ingest]:
    """Reporting on, to a loopback ingest, for this test only: the SDK's client is closed
    afterwards and replaced by the inactive one a process without SENTRY_DSN has."""
    # Recorded as it is now (off), so the undo puts it back after start() turns it on.
    monkeypatch.setattr(error_reporting, "_started", False)
    with Ingest() as server:
        error_reporting.start(dsn=server.dsn, environment="test", release=VERSION)
        try:
            yield server
        finally:
            sentry_sdk.flush(timeout=5)
            sentry_sdk.get_client().close()
            sentry_sdk.get_global_scope().set_client(None)


@pytest.mark.django_db
@pytest.mark.urls("tests.error_reporting_urls")
def test_a_failing_request_is_reported_without_any_text(ingest):
    client = Client(raise_request_exception=False)
    client.cookies["clinic_note"] = COOKIE_MARKER
    response = client.post(
        f"/test-errors/clinical?q={QUERY_MARKER}",
        {"note": BODY_MARKER},
        HTTP_X_CLINICAL_NOTE=HEADER_MARKER,
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    (event,) = ingest.wait_for_events(1, timeout=10)

    sent = ingest.raw().decode()
    for marker in MARKERS:
        assert marker not in sent, marker

    (exception,) = event["exception"]["values"]
    assert exception["type"] == "ChainNotSaved"
    assert exception["module"] == "tests.error_reporting_urls"
    functions = [frame["function"] for frame in exception["stacktrace"]["frames"]]
    assert functions[-1] == "fails_with_clinical_text"
    last = exception["stacktrace"]["frames"][-1]
    assert last["filename"].endswith("error_reporting_urls.py")
    assert last["lineno"] > 0
    assert "vars" not in last
    assert "context_line" not in last
    assert "value" not in exception
    assert event["tags"] == {"route": "test-fails-with-text", "request_id": REQUEST_ID}
    assert event["transaction"] == "test-fails-with-text"
    assert event["release"] == VERSION
    assert event["environment"] == "test"
    # The integration may leave the request out; if it is there, it is the method alone.
    assert event.get("request", {"method": "POST"}) == {"method": "POST"}
    for absent in ("user", "extra", "message", "logentry", "modules"):
        assert absent not in event


@pytest.mark.django_db
def test_an_error_logged_with_text_is_reported_without_it(ingest):
    import logging

    try:
        raise KeyError(MESSAGE_MARKER)
    except KeyError:
        logging.getLogger("consultteam.test").exception("Chain %s not saved", BODY_MARKER)
    sentry_sdk.flush(timeout=5)
    (event,) = ingest.wait_for_events(1, timeout=10)
    sent = ingest.raw().decode()
    assert MESSAGE_MARKER not in sent
    assert BODY_MARKER not in sent
    assert event["exception"]["values"][0]["type"] == "KeyError"
    assert event["logger"] == "consultteam.test"


def test_breadcrumbs_keep_what_happened_not_what_was_said():
    crumb = {
        "type": "default",
        "category": "query",
        "level": "info",
        "timestamp": "2026-01-01T00:00:00Z",
        "message": f"SELECT ... WHERE note = '{BODY_MARKER}'",
        "data": {"params": [BODY_MARKER]},
    }
    assert error_reporting.scrub_breadcrumb(crumb) == {
        "type": "default",
        "category": "query",
        "level": "info",
        "timestamp": "2026-01-01T00:00:00Z",
    }


def test_without_a_dsn_nothing_is_started():
    assert error_reporting._started is False
    assert sentry_sdk.get_client().is_active() is False
