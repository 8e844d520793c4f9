"""Domain errors and the one place that turns them into HTTP answers.

Services raise these with a message a clinician can act on; the API answers 4xx with that
message, never 5xx.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found, server_error
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A request that cannot be carried out as asked. `status` is the HTTP answer."""

    status: int = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        """The API's answer; a subclass may add what the client needs to act on it."""
        return {"detail": self.message}


class Conflict(DomainError):
    """Someone else changed the record first (a lost update refused), or a duplicate."""

    status = status.HTTP_409_CONFLICT


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.body(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    if isinstance(exc, IntegrityError):
        # A constraint the services did not foresee: still the client's conflict, not a crash.
        return Response(
            {"detail": "This conflicts with a record that already exists."},
            status=status.HTTP_409_CONFLICT,
        )
    return exception_handler(exc, context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for an address no route matches: JSON under /api/ (what an API client reads, and
    what the schema documents), the page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def server_error_answer(request: HttpRequest) -> HttpResponse:
    """500, in JSON under /api/ and as the page elsewhere. Never any detail of the error."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    return server_error(request)
