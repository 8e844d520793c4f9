"""Bad input gets a 4xx with a message, never a 5xx (issue 19): a digit `isdigit()` accepts
and `int()` refuses, a last day past the calendar's end, a date that does not exist, a JSON
body nested deeper than any request means."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.clients import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(world) -> Client:
    return signed_in(Client(raise_request_exception=False), world.lena)


@pytest.mark.parametrize(
    "query",
    ["before=%C2%B2", "before=%D9%A3", "until=9999-12-31", "since=0001-01-01&until=9999-12-31"],
    ids=["superscript-two", "arabic-three", "last-day", "whole-calendar"],
)
def test_the_audit_page_and_api_answer_bad_bounds_with_400_or_a_page(world, leader, query):
    page = leader.get(f"{reverse('audit-list')}?{query}")
    assert page.status_code in {200, 400}, page.content[:300]
    api = leader.get(f"/api/v1/audit-events/?team={world.alpha.public_id}&{query}")
    assert api.status_code in {200, 400}, api.content[:300]
    if api.status_code == 400:
        assert api.json()


@pytest.mark.parametrize(
    "before",
    [
        "2026-99-99T00:00:00+00:00",
        "2026-02-30T10:00:00+00:00",
        "not-a-time",
        "9999-12-31T23:59:59+14:00",
    ],
)
def test_past_meetings_answer_a_time_that_does_not_exist_with_400(world, leader, before):
    url = reverse("meeting-past", args=[world.alpha.public_id])
    response = leader.get(url, {"before": before})
    assert response.status_code in {200, 400}, response.content[:300]


def test_a_json_body_nested_deeper_than_any_request_is_400(world):
    client = signed_in(Client(raise_request_exception=False), world.tara)
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/tib-entries/", deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"].lower()
