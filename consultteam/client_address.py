"""Who is on the other end of a request: the one definition of the client's address.

The audit trail, django-axes (AXES_CLIENT_IP_CALLABLE) and the per-address sign-in ceiling all
read `client_ip`, so a person has the same address in all three.

Directly connected, the client is the peer (REMOTE_ADDR). Behind a reverse proxy the peer is the
proxy, and the client is named in `X-Forwarded-For`, a header anyone can send. So the header is
believed only when the peer is one of TRUSTED_PROXIES, and then only as far as trusted hops
go: each proxy appends the address it received the request from, so reading from the right and
skipping our own proxies leaves the first address no proxy of ours vouches for, which is the
client (anything left of it is whatever the client chose to write).

`ForwardedHeadersMiddleware` removes the forwarded headers from a request whose peer is not
trusted, before anything reads them: Django's SECURE_PROXY_SSL_HEADER (`X-Forwarded-Proto`)
is then believed only from a trusted proxy too.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv6Address, ip_address

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Address = IPv4Address | IPv6Address

# Every header a proxy uses to speak for its client: from an untrusted peer, none is believed.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


def _parse(text: str) -> Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: Address | None) -> bool:
    return address is not None and any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer, or behind a trusted proxy the nearest address in
    X-Forwarded-For that is not a trusted proxy. A header that does not parse as a list of
    addresses (a port, a name, garbage) is ignored, and the peer is the answer: a wrong guess
    there would let one client pass as another. No side effects."""
    peer_text = request.META.get("REMOTE_ADDR") or None
    peer = _parse(peer_text) if peer_text else None
    if not is_trusted_proxy(peer):
        return peer_text
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [_parse(hop) for hop in forwarded.split(",")] if forwarded.strip() else []
    if not hops or any(hop is None for hop in hops):
        return peer_text
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            return str(hop)
    # Every hop is one of our proxies (a probe sent from inside): the farthest one is the client.
    return str(hops[0])


class ForwardedHeadersMiddleware:
    """Drops the forwarded headers of a request whose peer is not a trusted proxy, so neither
    Django (X-Forwarded-Proto for `is_secure`, which the SSL redirect and secure cookies rely
    on) nor any later code believes a client that claims to be a proxy. Listed first in
    MIDDLEWARE, before SecurityMiddleware reads the scheme."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer_text = request.META.get("REMOTE_ADDR") or ""
        if not is_trusted_proxy(_parse(peer_text) if peer_text else None):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
