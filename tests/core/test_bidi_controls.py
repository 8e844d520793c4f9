"""Bidirectional controls are taken out of every text a service saves (consultteam/writes.py):
a right-to-left override pasted into a TIB entry, an agenda item's title or a team's name
reordered what was shown around it (issue 19). Right-to-left text itself is kept whole."""

from __future__ import annotations

import pytest

from agendas.models import AgendaItem
from cases.models import TIBEntry
from consultteam.writes import without_bidi_controls
from tests.clients import send, signed_in
from tests.dates import yesterday
from tests.meeting_makers import submit, upcoming

pytestmark = pytest.mark.django_db

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


def test_every_control_goes_and_right_to_left_text_stays():
    hebrew = "\u05e9\u05dc\u05d5\u05dd \u200f"  # a word and a right-to-left mark
    assert (
        without_bidi_controls(f"a{RLO}b{PDF}c{LRI}d{PDI}\u202a\u202b\u202d\u2067\u2068") == "abcd"
    )
    assert without_bidi_controls(hebrew) == hebrew


def test_a_tib_entry_through_the_api_is_saved_without_them(client, world):
    body = {
        "case": str(world.tara_case.public_id),
        "actor": "CLIENT",
        "category": "NON_COLLABORATIVE",
        "setting": "INDIVIDUAL_SESSION",
        "description": f"Said {RLO}lanoitome{PDF} when asked.",
        "occurred_on": yesterday().isoformat(),
    }
    answer = send(signed_in(client, world.tara), "POST", "/api/v1/tib-entries/", body)
    assert answer.status_code == 201, answer.content
    entry = TIBEntry.objects.get(public_id=answer.json()["id"])
    assert entry.description == "Said lanoitome when asked."
    assert answer.json()["description"] == entry.description


def test_an_agenda_item_title_is_saved_without_them(world):
    item = submit(upcoming(world), world.tara, f"Plan{LRI} for the group{PDI}")
    assert AgendaItem.objects.get(pk=item.pk).title == "Plan for the group"
