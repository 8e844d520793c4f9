"""The project's routes plus three that fail on purpose, for the tests of the error pages."""

from __future__ import annotations

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from consultteam.urls import urlpatterns as project_urlpatterns

# Never shown to a person: the tests check that it stays out of the page.
INTERNAL_DETAIL = "internal-detail-7f3a: the view's own words"


def refuses(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(INTERNAL_DETAIL)


def breaks(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(INTERNAL_DETAIL)


def misunderstands(request: HttpRequest) -> HttpResponse:
    raise BadRequest(INTERNAL_DETAIL)


urlpatterns = [
    path("test-errors/refuses", refuses),
    path("test-errors/breaks", breaks),
    path("test-errors/misunderstands", misunderstands),
    *project_urlpatterns,
]
