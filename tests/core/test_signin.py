"""The sign-in page: demo accounts sign in by email; failures never reveal if an account exists."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

GENERIC_FAILURE = "That email and password do not match an active account."


@pytest.fixture
def demo(settings):
    call_command("load_demo")
    return settings.DEMO_PASSWORD


def test_sign_in_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'autocomplete="username"' in response.content


def test_anonymous_home_redirects_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("email", ["lead@alpha.example", "Therapist@Alpha.Example"])
def test_demo_account_signs_in_by_email(client, demo, email):
    response = client.post("/accounts/login/", {"username": email, "password": demo})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert b"Alpha Team" in home.content


@pytest.mark.parametrize(
    ("email", "password"),
    [("lead@alpha.example", "wrong-password-123"), ("nobody@alpha.example", "wrong-password-123")],
)
def test_failures_look_the_same_for_known_and_unknown_accounts(client, demo, email, password):
    response = client.post("/accounts/login/", {"username": email, "password": password})
    assert response.status_code == 200
    assert GENERIC_FAILURE in response.content.decode()


def test_sign_out_is_a_post(client, demo):
    client.post("/accounts/login/", {"username": "lead@alpha.example", "password": demo})
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
