"""Give every request an id and put it, with the user and client address, in the audit context."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from consultteam import request_ids
from consultteam.audit import context

# The one definition of the client's address, shared with lockout (consultteam/client_address.py).
from consultteam.client_address import client_ip


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The id RequestIdMiddleware (first in the chain) chose, so the audit trail and the
        # logs name a request alike; a chain without it still gets a valid one.
        request_id = (
            request_ids.current()
            or request_ids.valid(request.headers.get("X-Request-ID"))
            or request_ids.new()
        )
        with context.acting(request_id=request_id, ip=client_ip(request), request=request):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
