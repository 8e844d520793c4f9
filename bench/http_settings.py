"""Bench-only settings: the project's own, plus the raw reference endpoint (bench/http_urls.py).

Used only by bench/api.py when it starts gunicorn; never by the product."""

from consultteam.settings import *  # noqa: F403 (the whole product configuration, unchanged)

ROOT_URLCONF = "bench.http_urls"
