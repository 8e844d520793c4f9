"""Spraying: one guess at each of many accounts from one address. django-axes locks out one
email at one address, which a spray never reaches; past LOGIN_ADDRESS_FAILURE_LIMIT failures
from an address within the cool-off, every attempt from it is refused on the form and the API
alike, the right password included, and the password is not even checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from consultteam.audit.models import Action, AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SPRAYED = "Too many failed sign-ins from your network"
ELSEWHERE = "198.51.100.7"


def _spray(limit: int, *, ip: str = "127.0.0.1") -> list[int]:
    """One wrong guess at each of ``limit`` accounts, alternating form and API."""
    answers = []
    answer: Any
    for n in range(limit):
        email = f"someone{n}@alpha.example"
        if n % 2:
            answer = APIClient(REMOTE_ADDR=ip).post(
                "/api/v1/auth/token/", {"email": email, "password": "guess-1234567"}, format="json"
            )
        else:
            answer = Client(REMOTE_ADDR=ip).post(
                "/accounts/login/", {"username": email, "password": "guess-1234567"}
            )
        answers.append(answer.status_code)
    return answers


def test_a_spray_is_stopped_on_the_form_and_the_api_alike(tara, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    answers = _spray(10)
    tried = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count()

    page = Client().post("/accounts/login/", {"username": tara.email, "password": PASSWORD})
    api = APIClient().post(
        "/api/v1/auth/token/", {"email": tara.email, "password": PASSWORD}, format="json"
    )

    assert answers == [200, 400] * 5  # each tried, and answered as a wrong password
    assert page.status_code == 429
    assert SPRAYED in page.content.decode()
    assert api.status_code == 429
    assert SPRAYED in api.json()["detail"]
    assert not tara.api_tokens.exists()
    # The refusals are recorded as failures, and no further password was checked.
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == tried + 2


def test_another_address_is_not_held_back(tara, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    _spray(10)

    other = Client(REMOTE_ADDR=ELSEWHERE).post(
        "/accounts/login/", {"username": tara.email, "password": PASSWORD}
    )

    assert other.status_code == 302


def test_the_address_is_let_in_again_once_the_failures_age_out(tara, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    _spray(10)
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))

    again = Client().post("/accounts/login/", {"username": tara.email, "password": PASSWORD})

    assert again.status_code == 302


def test_fewer_failures_than_the_limit_hold_no_one_back(tara, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    _spray(9)

    assert (
        Client().post("/accounts/login/", {"username": tara.email, "password": PASSWORD})
    ).status_code == 302
