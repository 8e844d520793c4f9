"""The request id, carried from whoever enqueues a task into the worker that runs it.

`before_task_publish` writes the current id into the message headers; in the worker,
`task_prerun` serves the task under it and `task_postrun` lets it go, so the worker's lines for
that task (and the audit events it records) carry the id of the request that asked for it. A
task nobody's request enqueued (beat's sweep) is served under its own task id, and passes that
on to the tasks it enqueues in turn.
"""

from __future__ import annotations

import contextvars
from typing import Any

from celery import signals

from consultteam import request_ids

HEADER = "consultteam_request_id"

# The reset token of each running task's id, by task id: prerun and postrun are two signals,
# so the context manager's `with` cannot span them.
_tokens: dict[str, contextvars.Token[str]] = {}


def on_publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    current = request_ids.current()
    if headers is not None and current:
        headers.setdefault(HEADER, current)


def _carried(task: Any) -> str | None:
    request = getattr(task, "request", None)
    # A worker's request has the message's custom headers as attributes; `Task.apply` (run
    # in place) keeps them in `headers`.
    value = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    return request_ids.valid(value)


def on_prerun(task_id: str = "", task: Any = None, **_: Any) -> None:
    carried = _carried(task)
    _tokens[task_id] = request_ids.enter(carried or request_ids.valid(task_id) or request_ids.new())


def on_postrun(task_id: str = "", **_: Any) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        request_ids.leave(token)


def connect() -> None:
    """Connect the three handlers (weak=False: they are module functions, but say so)."""
    signals.before_task_publish.connect(on_publish, weak=False)
    signals.task_prerun.connect(on_prerun, weak=False)
    signals.task_postrun.connect(on_postrun, weak=False)
