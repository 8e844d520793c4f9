"""One access line and one metrics sample per request.

The line names the route (the URL pattern's name), never the path or the query string: those
carry case codes, public ids and search words. It replaces gunicorn's access log, which writes
the raw path (consultteam/logs.py turns that one off).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from consultteam import error_reporting, metrics

access_log = logging.getLogger("consultteam.access")

# A path that matched no route: one label for all of them, so a scanner trying ten thousand
# paths cannot make ten thousand metric series.
UNMATCHED = "<unmatched>"


def route_name(request: HttpRequest) -> str:
    """The name of the route that answered ("cases:case-detail"), or `UNMATCHED`."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before URL resolution (a load balancer's /healthz probe, a redirect to
        # HTTPS): resolve it now, so the probe is counted as "healthz", not as unmatched.
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return UNMATCHED
    return str(match.view_name or match.route or UNMATCHED)


class ObserveRequestsMiddleware:
    """Right after RequestIdMiddleware: times the whole chain below it, so the duration is what
    the client waited for, less gunicorn's share."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        route = route_name(request)
        method = request.method or "-"
        metrics.request_observed(
            method=method, route=route, status=response.status_code, seconds=seconds
        )
        access_log.info(
            "%s %s %s %.1fms",
            method,
            route,
            response.status_code,
            seconds * 1000,
            extra={
                "method": method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        # The URL is resolved by now: error reports of this request name its route.
        error_reporting.tag_route(route_name(request))
