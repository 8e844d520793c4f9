"""The main navigation marks the section a page belongs to (clinic/context_processors.py)."""

from __future__ import annotations

import pytest

from clinic.context_processors import SECTIONS, nav_links


def _marked(path: str) -> list[tuple[str, str]]:
    return [(link.label, link.current) for link in nav_links(path, SECTIONS) if link.current]


@pytest.mark.parametrize(
    ("path", "marked"),
    [
        ("/", [("Home", "page")]),
        ("/cases/", [("Caseload", "page")]),
        ("/cases/chains/4f0c/", [("Caseload", "true")]),
        ("/cases/reviews/", [("Reviews", "page")]),
        ("/cases/feedback/", [("Feedback", "page")]),
        ("/meetings/4f0c/run/", [("Meetings", "true")]),
        ("/accounts/sessions/", []),  # the account menu's pages are in no main section
    ],
)
def test_the_current_section_is_marked(path, marked):
    assert _marked(path) == marked


def test_pages_mark_the_section_for_the_signed_in(client, tara):
    client.force_login(tara)
    page = client.get("/cases/").content.decode()
    assert '<a href="/cases/" aria-current="page">Caseload</a>' in page
    assert page.count("aria-current") == 1
