"""Response headers that every page and API answer carries."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response Django renders.

    Nearly every page and API answer may carry clinical material, and a browser's or proxy's
    cache is the easiest place for it to leak; the few public answers (sign-in page, schema)
    lose nothing by not being cached. Static files are served before this by WhiteNoise, with
    their own long-lived caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
