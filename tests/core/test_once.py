"""Once means once (consultteam/accounts/once.py): a form sent again, or an API create retried
with its Idempotency-Key, writes one row and answers as the first did."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from agendas.models import AgendaItem
from cases.models import TIBEntry
from consultteam.accounts.models import OnceKey
from consultteam.accounts.once import once_keys_expire
from consultteam.accounts.services import api_token_issue
from tests.conftest import requires_postgres
from tests.meeting_makers import upcoming
from tests.meeting_pages import ITEM_FORM

TIBS = "/api/v1/tib-entries/"


def _tib(world: Any, description: str = "Diary card left blank again this week.") -> dict[str, str]:
    return {
        "team": str(world.alpha.public_id),
        "case": str(world.tara_case.public_id),
        "actor": "CLIENT",
        "category": "NON_COMPLIANT",
        "setting": "INDIVIDUAL_SESSION",
        "occurred_on": timezone.localdate().isoformat(),
        "description": description,
    }


def _api(world: Any) -> APIClient:
    _, key = api_token_issue(user=world.tara, name="Script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _csrf_of(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "the form carries its CSRF value"
    return found.group(1)


# --- The API --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_create_retried_with_its_key_writes_once_and_answers_the_same(world):
    api = _api(world)
    before = TIBEntry.objects.count()

    first = api.post(TIBS, _tib(world), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api.post(TIBS, _tib(world), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    other = api.post(TIBS, _tib(world), format="json", HTTP_IDEMPOTENCY_KEY="retry-2")

    assert first.status_code == again.status_code == other.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert other.json()["id"] != first.json()["id"]
    assert TIBEntry.objects.count() == before + 2


@pytest.mark.django_db
def test_a_key_reused_for_another_request_is_refused(world):
    api = _api(world)
    api.post(TIBS, _tib(world), format="json", HTTP_IDEMPOTENCY_KEY="k")
    before = TIBEntry.objects.count()

    reused = api.post(
        TIBS, _tib(world, "Arrived late twice."), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert reused.status_code == 422
    assert "different request" in reused.json()["detail"]
    assert TIBEntry.objects.count() == before


@pytest.mark.django_db
def test_a_refused_request_frees_its_key_for_the_corrected_one(world):
    api = _api(world)
    refused = api.post(TIBS, {**_tib(world), "occurred_on": "1850-01-01"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="fix-me")  # fmt: skip
    corrected = api.post(TIBS, {**_tib(world), "occurred_on": "1850-01-01"}, format="json",
                         HTTP_IDEMPOTENCY_KEY="fix-me")  # fmt: skip

    assert refused.status_code == corrected.status_code == 400
    assert not OnceKey.objects.exists()


@pytest.mark.django_db
def test_keys_belong_to_the_person_and_expire(world):
    mine = _api(world)
    _, theos_key = api_token_issue(user=world.theo, name="Script")
    theos = APIClient()
    theos.credentials(HTTP_AUTHORIZATION=f"Token {theos_key}")
    body = {**_tib(world), "actor": "TEAM", "category": "OFF_AGENDA", "setting": "TEAM_MEETING"}
    del body["case"]

    first = mine.post(TIBS, body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    theirs = theos.post(TIBS, body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    OnceKey.objects.update(expires_at=timezone.now())
    expired = once_keys_expire()

    assert first.status_code == theirs.status_code == 201
    assert first.json()["id"] != theirs.json()["id"]
    assert expired == 2
    assert not OnceKey.objects.exists()


@pytest.mark.django_db
def test_a_malformed_key_is_a_400(world):
    answer = _api(world).post(TIBS, _tib(world), format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.json()["detail"]


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_five_at_once_with_one_key_write_one_row(world):
    _, key = api_token_issue(user=world.tara, name="Script")
    body = _tib(world)
    before = TIBEntry.objects.count()
    answers: list[int] = []
    start = threading.Barrier(5)

    def send() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            start.wait()
            answers.append(
                client.post(TIBS, body, format="json", HTTP_IDEMPOTENCY_KEY="burst").status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert TIBEntry.objects.count() == before + 1
    assert sorted(set(answers)) <= [201, 409]
    assert 201 in answers


# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_form_sent_three_times_makes_one_item(world):
    meeting = upcoming(world)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.tara)
    url = f"/meetings/{meeting.public_id}/items/new/"
    sent = {**ITEM_FORM, "csrfmiddlewaretoken": _csrf_of(browser.get(url).content.decode())}

    answers = [browser.post(url, sent) for _ in range(3)]

    assert AgendaItem.objects.filter(meeting=meeting, title=ITEM_FORM["title"]).count() == 1
    assert [answer.status_code for answer in answers] == [302, 302, 302]
    assert len({answer["Location"] for answer in answers}) == 1


@pytest.mark.django_db
def test_the_same_fields_from_a_new_form_are_a_new_item(world):
    """What the page rule relies on: Django masks the CSRF value afresh for each form it
    renders, so a form filled in again alike is a new post, not a repeat."""
    meeting = upcoming(world)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.tara)
    url = f"/meetings/{meeting.public_id}/items/new/"
    first_form, second_form = (_csrf_of(browser.get(url).content.decode()) for _ in range(2))

    browser.post(url, {**ITEM_FORM, "csrfmiddlewaretoken": first_form})
    browser.post(url, {**ITEM_FORM, "csrfmiddlewaretoken": second_form})

    assert first_form != second_form
    assert AgendaItem.objects.filter(meeting=meeting, title=ITEM_FORM["title"]).count() == 2
