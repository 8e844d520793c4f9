"""Log lines in both formats carry the request id, from any logger, and the access line names
the route, never the path or the query string. The id travels in a task's message headers."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from kombu import Connection, Queue

from consultteam import request_ids, task_ids
from consultteam.celery import app
from consultteam.logs import logging_config
from consultteam.tasks import ping

REQUEST_ID = "req-test-logging-0001"
# In the path and the query string of a request: neither may reach the access line.
PATH_MARKER = "path-marker-5e1d"
QUERY_MARKER = "query-marker-93aa"


def configured(log_format: str) -> io.StringIO:
    """The project's logging as settings build it, in ``log_format``, writing to a buffer."""
    buffer = io.StringIO()
    config = logging_config(log_format=log_format, level="INFO")
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)
    return buffer


@pytest.fixture
def restore_logging() -> Iterator[None]:
    yield
    logging.config.dictConfig(settings.LOGGING)


def json_lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


@pytest.mark.django_db
@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_the_request_id_from_every_logger(client):
    buffer = configured("json")
    response = client.get(
        f"/accounts/login/{PATH_MARKER}?q={QUERY_MARKER}", HTTP_X_REQUEST_ID=REQUEST_ID
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == REQUEST_ID
    lines = json_lines(buffer)
    loggers = {line["logger"] for line in lines}
    # Django's own warning about the 404 and our access line: two loggers, one id.
    assert {"django.request", "consultteam.access"} <= loggers
    assert {line["request_id"] for line in lines} == {REQUEST_ID}


@pytest.mark.django_db
@pytest.mark.usefixtures("restore_logging")
def test_the_access_line_names_the_route_not_the_path_or_query(client):
    buffer = configured("json")
    client.get(f"/accounts/login/?next=/{PATH_MARKER}/&q={QUERY_MARKER}")
    (access,) = [line for line in json_lines(buffer) if line["logger"] == "consultteam.access"]
    assert access["method"] == "GET"
    assert access["route"] == "login"
    assert access["status"] == 200
    assert isinstance(access["duration_ms"], float)
    assert access["duration_ms"] >= 0
    assert PATH_MARKER not in json.dumps(access)
    assert QUERY_MARKER not in json.dumps(access)


@pytest.mark.django_db
@pytest.mark.usefixtures("restore_logging")
def test_an_unknown_path_is_one_route_label(client):
    buffer = configured("json")
    client.get(f"/{PATH_MARKER}")
    (access,) = [line for line in json_lines(buffer) if line["logger"] == "consultteam.access"]
    assert access["route"] == "<unmatched>"
    assert access["status"] == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("restore_logging")
def test_plain_lines_carry_the_request_id_too(client):
    buffer = configured("plain")
    client.get("/accounts/login/", HTTP_X_REQUEST_ID=REQUEST_ID)
    lines = buffer.getvalue().splitlines()
    assert lines
    assert all(f"[{REQUEST_ID}]" in line for line in lines), lines
    assert any(" consultteam.access " in line and " login 200 " in line for line in lines)


@pytest.mark.django_db
@pytest.mark.usefixtures("restore_logging")
def test_a_malformed_incoming_id_is_replaced(client):
    buffer = configured("json")
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID='evil" id\n{"level":"ERROR"}')
    issued = response["X-Request-ID"]
    assert request_ids.valid(issued) == issued
    assert {line["request_id"] for line in json_lines(buffer)} == {issued}


@pytest.mark.django_db
def test_the_audit_trail_records_the_same_id_as_the_logs(client, tara):
    from consultteam.audit.models import AuditEvent

    client.post(
        "/accounts/login/",
        {"username": tara.email, "password": "wrong password here"},
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )
    assert AuditEvent.objects.filter(request_id=REQUEST_ID).exists()


@pytest.mark.usefixtures("restore_logging")
def test_lines_outside_a_request_say_so():
    buffer = configured("json")
    logging.getLogger("consultteam.test").warning("start-up line")
    (line,) = json_lines(buffer)
    assert line["request_id"] == "-"
    assert line["message"] == "start-up line"
    assert line["level"] == "WARNING"


@pytest.mark.usefixtures("restore_logging")
def test_an_exception_is_one_json_line():
    buffer = configured("json")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("consultteam.test").exception("failed")
    (line,) = json_lines(buffer)
    assert "ValueError: boom" in str(line["exception"])


def test_a_task_enqueued_while_serving_carries_the_id_in_its_headers():
    """The publishing half, through the real broker of this run (filesystem or Redis): the
    message as it sits in the queue names the request. A real worker's half is in
    tests/core/test_request_id_in_worker.py."""
    queue = Queue(f"test-{uuid.uuid4().hex[:12]}")
    with request_ids.serving(REQUEST_ID):
        # declare: the queue exists before any worker does, so the message waits in it.
        ping.apply_async(queue=queue.name, declare=[queue])  # type: ignore[call-arg]
    with Connection(
        settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS
    ) as connection:
        bound = queue(connection.default_channel)
        message = None
        for _ in range(50):
            message = bound.get(no_ack=True)
            if message is not None:
                break
        bound.delete()
    assert message is not None
    assert message.headers[task_ids.HEADER] == REQUEST_ID
    assert message.headers["task"] == "consultteam.ping"


def test_a_task_enqueued_outside_a_request_carries_no_id():
    headers: dict[str, object] = {}
    task_ids.on_publish(headers=headers)
    assert headers == {}


def test_the_worker_serves_a_task_under_the_carried_id():
    seen: list[str] = []

    @app.task(name="tests.logging.seen_request_id", ignore_result=True)
    def seen_request_id() -> None:
        seen.append(request_ids.current())

    # apply() runs the task here with the worker's signals (prerun, postrun) as a worker would.
    seen_request_id.apply(headers={task_ids.HEADER: REQUEST_ID})
    assert seen == [REQUEST_ID]
    assert request_ids.current() == ""
    # Without one, a task runs under its own task id.
    result = seen_request_id.apply()
    assert seen[1] == result.id


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
@pytest.mark.usefixtures("restore_logging")
def test_a_refusal_is_one_line_and_a_crash_keeps_its_traceback(tara):
    """A 403 is the service working: one warning line, no traceback. A 500 is a bug: its
    traceback is what the operator needs."""
    buffer = configured("plain")
    client = Client(raise_request_exception=False)
    client.force_login(tara)

    assert client.get("/test-errors/refuses").status_code == 403
    refusal = buffer.getvalue()
    assert "Forbidden (Permission denied): /test-errors/refuses" in refusal
    assert "Traceback" not in refusal

    assert client.get("/test-errors/breaks").status_code == 500
    assert "Traceback" in buffer.getvalue()[len(refusal) :]
