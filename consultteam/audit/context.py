"""Who is acting, and in which request: set once per request (or task, or command) and read by
every audit event recorded inside it, so callers never have to pass it along."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest

from consultteam import request_ids


@dataclass(frozen=True)
class AuditContext:
    actor_id: int | None = None
    request_id: str = ""
    ip: str | None = None
    request: HttpRequest | None = None

    @property
    def actor(self) -> int | None:
        # Read the request's user when the event is recorded, not when the request began:
        # sign-in changes it, and DRF authenticates tokens only inside the view (its Request
        # writes the user back onto the Django request).
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            return int(user.pk)
        return self.actor_id


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "audit_context",
    default=AuditContext(),  # noqa: B039 (a frozen dataclass: immutable)
)


def current() -> AuditContext:
    return _current.get()


@contextmanager
def acting(
    *,
    actor_id: int | None = None,
    request_id: str | None = None,
    ip: str | None = None,
    request: HttpRequest | None = None,
) -> Iterator[AuditContext]:
    """Attribute audit events in this block to ``actor_id`` or the request's user.

    Requests get this from the middleware; tasks and management commands call it themselves.
    """
    # Inside a request or a task the id it is served under, so the trail and the logs agree.
    ctx = AuditContext(
        actor_id, request_id or request_ids.current() or uuid.uuid4().hex, ip, request
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
