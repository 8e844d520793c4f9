"""The Django test client as the tests use it: signed in as one of the cast, and JSON sent to
the API. Every test module takes these from here rather than keeping its own copy.

`signed_in` skips the sign-in form (`force_login`); `signed_in_with_password` goes through it,
as a browser does, so the session carries a user agent and the sign-in is audited.
"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def signed_in(client: Client, person: Any) -> Client:
    """``client``, signed in as ``person`` (its session replaced); returned for chaining."""
    client.force_login(person)
    return client


def client_for(person: Any) -> Client:
    """A client of its own signed in as ``person``, for a test that needs several at once."""
    return signed_in(Client(), person)


def send(client: Client, method: str, url: str, data: Any = None) -> Any:
    """``data`` as a JSON body (an empty body for None) with ``method``, as an API caller does."""
    body = json.dumps(data) if data is not None else ""
    return client.generic(method, url, body, content_type="application/json")


def signed_in_with_password(user: Any, agent: str = FIREFOX) -> Client:
    """A new client that signed in through the sign-in form with the factories' password, from a
    browser named by ``agent``; it fails the test if the form does not let ``user`` in."""
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    """Whether ``client``'s session still lets it in (the sessions page answers it)."""
    return client.get(reverse("session-list")).status_code == 200
