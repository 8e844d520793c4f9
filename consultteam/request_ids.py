"""The id of the request (or task) being served, for every log line written while serving it.

One id follows a piece of work from the web process into the worker: the first middleware
takes a valid incoming ``X-Request-ID`` (a proxy's) or makes one, and answers it in the same
header; a task enqueued meanwhile carries it in its message headers (consultteam/task_ids.py),
and the worker serves the task under it. A context variable holds it, so any logger, ours or a
library's, gets it through `RequestIdFilter` without being passed anything.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse

# Accept a proxy's request id only if it looks like one, so a client cannot inject log noise
# (or a forged JSON field) through the header.
_VALID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

# "" outside any request or task: start-up lines, beat, management commands.
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current() -> str:
    """The id of the request or task being served, or "" outside one."""
    return _current.get()


def valid(candidate: object) -> str | None:
    """``candidate`` if it is a well-formed request id, else None."""
    if isinstance(candidate, str) and _VALID.match(candidate):
        return candidate
    return None


def new() -> str:
    return uuid.uuid4().hex


@contextmanager
def serving(request_id: str) -> Iterator[str]:
    """Serve the block under ``request_id``: every log line written inside carries it."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


def enter(request_id: str) -> contextvars.Token[str]:
    """Serve under ``request_id`` until `leave` (for two signals that cannot share a `with`)."""
    return _current.set(request_id)


def leave(token: contextvars.Token[str]) -> None:
    try:
        _current.reset(token)
    except ValueError:
        # Set in another context (a signal sent from elsewhere): no id is better than a stale one.
        _current.set("")


def request_begins(environ: dict[str, Any] | None = None, **_: Any) -> None:
    """Django's `request_started`: serve the request under its (or a new) id from here on, so
    Django's own lines outside the middleware chain (the warning about a 404) carry it."""
    incoming = (environ or {}).get("HTTP_X_REQUEST_ID")
    _current.set(valid(incoming) or new())


def request_ends(**_: Any) -> None:
    """Django's `request_finished`: the answer is sent; what follows is no request's."""
    _current.set("")


class RequestIdFilter(logging.Filter):
    """Puts the current id on every record as ``record.request_id`` (``-`` outside a request).

    Attached to the handler, not to a logger, so records of every logger get it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current() or "-"
        return True


class RequestIdMiddleware:
    """First in the chain, so every line of the request, even from the security middleware,
    carries the id, and every answer (a redirect, a 404, a 500) names it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Chosen already when Django began serving (`request_begins`); a handler that sends no
        # `request_started` (a test's RequestFactory, ASGI) gets it chosen here.
        request_id = current() or valid(request.headers.get("X-Request-ID")) or new()
        with serving(request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
