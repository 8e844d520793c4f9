"""Prometheus metrics at /metrics, for a scraper that holds METRICS_TOKEN.

Requests (by method, route name and status class) and their latency are counted as they are
served (consultteam/observe.py). gunicorn runs several worker processes: with
PROMETHEUS_MULTIPROC_DIR set, prometheus_client writes each process's counts to files there and
a scrape adds them up, whichever worker answers it; without it, a scrape sees one process.

Gauges that describe the data (the reminder backlog, failed deliveries) are computed from the
database at scrape time by collectors the apps name in settings.METRICS_COLLECTORS (dotted
paths): the core imports no app, and a row count needs no per-process state.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# Anything else (a scanner's made-up verb) is counted as OTHER: labels must stay few.
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUESTS = Counter(
    "consultteam_http_requests",
    "Requests answered, by method, route name and status class.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "consultteam_http_request_duration_seconds",
    "Time from the first middleware to the answer, by method and route name.",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def request_observed(*, method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request. Side effect: the process's (or the shared) metric values."""
    method = method if method in _METHODS else "OTHER"
    REQUESTS.labels(method=method, route=route, status=f"{status // 100}xx").inc()
    LATENCY.labels(method=method, route=route).observe(seconds)


class _ThisProcess(Collector):
    """The metrics this process counted (no PROMETHEUS_MULTIPROC_DIR)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def scrape_registry() -> CollectorRegistry:
    """What one scrape reports: the request metrics (of every process, in multiprocess mode)
    and the apps' gauges, computed now."""
    # auto_describe off: registering must not run the collectors (their queries) once more.
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    for path in settings.METRICS_COLLECTORS:
        collector: Collector = import_string(path)()
        registry.register(collector)
    return registry


def _bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    expected: str | None = settings.METRICS_TOKEN
    if not expected:
        # Not configured: the endpoint does not exist, as far as anyone can tell.
        raise Http404
    # Constant time: the comparison must not tell a guesser how many characters were right.
    if not hmac.compare_digest(_bearer_token(request).encode(), expected.encode()):
        response = HttpResponse(
            "A valid bearer token is required.\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
