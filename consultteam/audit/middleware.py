"""Give every request an id and put it, with the user and client address, in the audit context."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from consultteam.audit import context

# Accept a proxy's request id only if it looks like one, so a client cannot inject log noise.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is the peer; behind a proxy the deployment sets it right (gunicorn
    # --forwarded-allow-ips), so we never trust X-Forwarded-For ourselves.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        with context.acting(request_id=request_id, ip=client_ip(request), request=request):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
