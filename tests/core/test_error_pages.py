"""The styled error pages: a refusal (403), a form that no longer matches the session (403,
CSRF), a crash (500) and a request that cannot be understood (400) each answer with the right
status and a calm page in the layout, never a stack trace or the view's own words.

The failing views live in tests/error_urls.py (the project's routes plus three that raise); the
real pages provoke a 403 and a 400 too, so the handlers are proven on the routes people use."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.error_urls import INTERNAL_DETAIL
from tests.meeting_makers import submit
from tests.meeting_pages import _url, meetings
from tests.page_html import Node, parse

__all__ = ["meetings"]  # the fixture, imported for the tests below

pytestmark = pytest.mark.django_db

# What a debug page or a leaked exception would show.
LEAKS = ("Traceback", "Exception Value", "RuntimeError", "django.", "Request Method")


def heading(page: Node) -> str:
    (h1,) = page.find_all(lambda node: node.tag == "h1")
    return h1.text()


def in_the_layout(page: Node) -> None:
    """The site's header with its home link, the one main landmark, the stylesheet."""
    (header,) = page.find_all(lambda node: node.tag == "header" and "site-header" in node.classes)
    assert header.find_all(lambda node: node.tag == "a" and node.text() == "ConsultTeam")
    assert (
        len(page.find_all(lambda node: node.tag == "main" and node.attrs.get("id") == "main")) == 1
    )
    assert page.find_all(
        lambda node: node.tag == "link" and node.attrs.get("href", "").endswith("css/app.css")
    )
    assert page.find_all(lambda node: node.tag == "a" and node.text() == "Go to your home page")


def no_leak(body: str) -> None:
    assert INTERNAL_DETAIL not in body
    for leak in LEAKS:
        assert leak not in body, f"the page shows {leak!r}"


@pytest.mark.urls("tests.error_urls")
def test_a_refusal_is_the_styled_403_with_the_navigation(client, tara):
    client.force_login(tara)
    response = client.get("/test-errors/refuses")

    assert response.status_code == 403
    body = response.content.decode()
    page = parse(body)
    assert heading(page) == "This is not open to you"
    in_the_layout(page)
    # Signed in, so the page keeps the main navigation: the way on is one click away.
    assert page.find_all(lambda n: n.tag == "nav" and n.attrs.get("aria-label") == "Main")
    no_leak(body)


def test_a_real_page_refuses_with_the_styled_403(client, world, meetings):
    item = submit(meetings.first, world.tara, "Risk")
    client.force_login(world.tara)  # not the meeting's leader: may not move items

    response = client.post(_url("agenda-item-move", item), {"position": "1", "reason": "Mine"})

    assert response.status_code == 403
    assert heading(parse(response)) == "This is not open to you"
    no_leak(response.content.decode())


def test_a_stale_form_is_the_styled_csrf_page(tara):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tara)

    response = client.post(reverse("session-end-others"), {})

    assert response.status_code == 403
    body = response.content.decode()
    page = parse(body)
    assert heading(page) == "This form could not be sent"
    in_the_layout(page)
    assert "CSRF" not in body
    no_leak(body)


@pytest.mark.urls("tests.error_urls")
def test_a_crash_is_the_styled_500_without_a_stack_trace(tara):
    client = Client(raise_request_exception=False)
    client.force_login(tara)

    response = client.get("/test-errors/breaks")

    assert response.status_code == 500
    body = response.content.decode()
    page = parse(body)
    assert heading(page) == "Something went wrong on our side"
    in_the_layout(page)
    no_leak(body)


@pytest.mark.urls("tests.error_urls")
def test_a_crash_for_someone_signed_out_is_the_same_page(db):
    response = Client(raise_request_exception=False).get("/test-errors/breaks")
    assert response.status_code == 500
    assert heading(parse(response)) == "Something went wrong on our side"
    no_leak(response.content.decode())


@pytest.mark.urls("tests.error_urls")
def test_a_bad_request_is_the_styled_400(client, tara):
    client.force_login(tara)

    response = client.get("/test-errors/misunderstands")

    assert response.status_code == 400
    body = response.content.decode()
    page = parse(body)
    assert heading(page) == "This request could not be understood"
    in_the_layout(page)
    no_leak(body)


def test_an_unknown_host_is_the_styled_400(client):
    response = client.get("/", HTTP_HOST="not-our-host.example")

    assert response.status_code == 400
    assert heading(parse(response)) == "This request could not be understood"
    no_leak(response.content.decode())


def test_debug_is_off_in_the_suite(settings):
    """The pages above are what production shows only because DEBUG is off here too."""
    assert settings.DEBUG is False
