"""Behind a reverse proxy: the client's address comes from X-Forwarded-For only when the peer
is one of TRUSTED_PROXIES, read from the right past our own proxies. The audit trail, the
per-email lockout and the per-address spraying ceiling all see that one address; a client that
is not a trusted proxy cannot choose its address by sending the header itself."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from consultteam import env
from consultteam.audit.models import Action, AuditEvent
from consultteam.client_address import client_ip
from tests.factories import PASSWORD

PROXY = "10.0.0.2"  # the TLS proxy in front, as web sees it
INNER = "10.1.4.9"  # a second proxy of ours (a load balancer behind the TLS proxy)
CLINIC_A = "203.0.113.5"
CLINIC_B = "198.51.100.7"
STRANGER = "192.0.2.66"  # not a proxy: connects directly and claims to be one
WRONG = "Wrong-Password-4711"


@pytest.fixture(autouse=True)
def _proxies(settings):
    settings.TRUSTED_PROXIES = [ip_network(PROXY), ip_network("10.1.0.0/16")]


def _ip(peer: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        (PROXY, CLINIC_A, CLINIC_A),
        # What a client wrote left of the address our proxy saw is ignored.
        (PROXY, f"{STRANGER}, {CLINIC_A}", CLINIC_A),
        # Two proxies of ours: skip both from the right.
        (PROXY, f"{CLINIC_A}, {INNER}", CLINIC_A),
        (PROXY, " 2001:db8::7 ", "2001:db8::7"),
        # Every hop is ours (a probe from inside): the farthest one.
        (PROXY, INNER, INNER),
        (PROXY, None, PROXY),
        # Malformed: a port, a name, an empty hop, nothing. The peer, never a guess.
        (PROXY, f"{CLINIC_A}:4711", PROXY),
        (PROXY, "unknown", PROXY),
        (PROXY, f"{CLINIC_A},,", PROXY),
        (PROXY, "  ", PROXY),
        # Not from a trusted proxy: the header is not believed at all.
        (STRANGER, CLINIC_A, STRANGER),
        (CLINIC_A, f"{INNER}", CLINIC_A),
    ],
)
def test_the_client_address(peer, forwarded, client):
    assert _ip(peer, forwarded) == client


def test_with_no_trusted_proxies_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip(PROXY, CLINIC_A) == PROXY


def test_the_setting_reads_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.2, 172.16.0.0/12,fd00::/8")
    assert env.networks("TRUSTED_PROXIES") == [
        ip_network("10.0.0.2/32"),
        ip_network("172.16.0.0/12"),
        ip_network("fd00::/8"),
    ]


@pytest.mark.parametrize("value", ["proxy.internal", "10.0.0.300", "10.0.0.0/33"])
def test_the_setting_refuses_what_is_not_an_address(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_PROXIES", f"10.0.0.2,{value}")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        env.networks("TRUSTED_PROXIES")


# --- Through real requests -----------------------------------------------------------------


def _via_proxy(client_address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def _sign_in(client: Client, email: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": email, "password": password}).status_code


@pytest.mark.django_db
def test_the_audit_trail_records_the_client_behind_the_proxy(tara):
    assert _sign_in(_via_proxy(CLINIC_A), tara.email, WRONG) == 200
    assert _sign_in(_via_proxy(CLINIC_B), tara.email, PASSWORD) == 302

    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).ip == CLINIC_A
    assert AuditEvent.objects.get(action=Action.LOGIN).ip == CLINIC_B


@pytest.mark.django_db
def test_a_spoofed_header_from_a_stranger_is_ignored(tara):
    stranger = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=CLINIC_A)
    assert _sign_in(stranger, tara.email, WRONG) == 200

    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).ip == STRANGER


@pytest.mark.django_db
def test_wrong_passwords_from_one_client_do_not_lock_out_another(tara, settings):
    limit = settings.AXES_FAILURE_LIMIT
    answers = [_sign_in(_via_proxy(CLINIC_A), tara.email, WRONG) for _ in range(limit)]

    assert answers == [200] * (limit - 1) + [429]
    # Tara herself, from another clinic behind the same proxy, signs in.
    assert _sign_in(_via_proxy(CLINIC_B), tara.email, PASSWORD) == 302
    # The first clinic is still locked out for her email.
    assert _sign_in(_via_proxy(CLINIC_A), tara.email, PASSWORD) == 429


@pytest.mark.django_db
def test_the_spraying_ceiling_counts_real_clients(tara, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for n in range(10):
        _sign_in(_via_proxy(CLINIC_A), f"someone{n}@alpha.example", WRONG)

    assert _sign_in(_via_proxy(CLINIC_A), tara.email, PASSWORD) == 429
    assert _sign_in(_via_proxy(CLINIC_B), tara.email, PASSWORD) == 302


@pytest.mark.django_db
def test_a_stranger_cannot_escape_the_ceiling_by_changing_the_header(tara, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for n in range(10):
        sprayer = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 10}")
        _sign_in(sprayer, f"someone{n}@alpha.example", WRONG)

    fresh_claim = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert _sign_in(fresh_claim, tara.email, PASSWORD) == 429


@pytest.mark.django_db
def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    https_via_proxy = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    claims_https = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https")

    assert https_via_proxy.get("/accounts/login/").status_code == 200
    # Plain HTTP pretending to be HTTPS: redirected, as any plain request is.
    assert claims_https.get("/accounts/login/").status_code == 301
