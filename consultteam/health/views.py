"""/healthz: which part is down, for compose's health check and load balancers.

503 only when this web process cannot serve (the database or the broker is down): a load
balancer or compose then takes it out or restarts it, which is right for those. Beat or the
worker being down leaves web able to serve pages, so the answer stays 200 with status
"degraded" and the part named: restarting web would not bring beat back, and taking every web
process out of a load balancer for it would turn a late reminder into an outage. Monitoring
reads the body (docs/operations.md, "Health checks").
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from consultteam.health.checks import SERVING, run_checks
from consultteam.version import VERSION


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    serving = all(checks[name]["ok"] for name in SERVING)
    if not serving:
        status = "unavailable"
    elif all(check["ok"] for check in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse(
        {"status": status, "version": VERSION, "checks": checks},
        status=200 if serving else 503,
    )
