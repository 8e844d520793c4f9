"""Answers `/healthz` before anything else runs.

A load balancer probes by address, with a Host header that is not in ALLOWED_HOSTS (Django
would answer 400) and over plain HTTP (SECURE_SSL_REDIRECT would redirect it). Listed first in
MIDDLEWARE, this answers before host validation, the redirect, sessions and authentication:
the probe reads no cookie, opens no session and learns nothing about data.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import resolve

from consultteam.health.views import healthz

PATH = "/healthz"


class HealthzMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH:
            # What routing would have set: the access log and metrics name the probe "healthz".
            request.resolver_match = resolve(PATH)
            return healthz(request)
        return self.get_response(request)
