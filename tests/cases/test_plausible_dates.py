"""A clinical date is a day that can have happened here (issue 19): not after today where the
clinician is, and not before 1980 (`EARLIEST_DAY`), whose year 0001 or 1026 was accepted and
stored. Each path answers 400 naming the field, with a message, and writes nothing."""

from __future__ import annotations

import pytest

from cases.models import Case, ChainAnalysis, TIBEntry
from cases.services.common import EARLIEST_DAY
from tests.clients import send, signed_in
from tests.dates import yesterday

pytestmark = pytest.mark.django_db


def _tib(world, occurred_on: str) -> dict[str, str]:
    return {
        "case": str(world.tara_case.public_id),
        "actor": "CLIENT",
        "category": "NON_COLLABORATIVE",
        "setting": "INDIVIDUAL_SESSION",
        "description": "Answered every question with a shrug.",
        "occurred_on": occurred_on,
    }


def _chain(world, behavior_on: str) -> dict[str, str]:
    return {
        "case": str(world.tara_case.public_id),
        "subject": "CLIENT_BEHAVIOR",
        "problem_behavior": "Left the session early.",
        "behavior_on": behavior_on,
    }


@pytest.mark.parametrize("day", ["0001-01-01", "1026-05-04", "1979-12-31"])
def test_a_day_before_1980_is_refused_on_every_path(client, world, day):
    client = signed_in(client, world.tara)
    counts = (TIBEntry.objects.count(), ChainAnalysis.objects.count(), Case.objects.count())
    answers = {
        "occurred_on": send(client, "POST", "/api/v1/tib-entries/", _tib(world, day)),
        "behavior_on": send(client, "POST", "/api/v1/chain-analyses/", _chain(world, day)),
        "opened": send(
            client,
            "POST",
            "/api/v1/cases/",
            {"team": str(world.alpha.public_id), "opened": day[:7], "stage": "STAGE_1"},
        ),
    }
    for field, answer in answers.items():
        assert answer.status_code == 400, (field, answer.content)
        assert "before 1980" in " ".join(answer.json()[field]), answer.json()
    assert counts == (
        TIBEntry.objects.count(),
        ChainAnalysis.objects.count(),
        Case.objects.count(),
    )


def test_the_first_day_and_yesterday_are_taken(client, world):
    client = signed_in(client, world.tara)
    for day in (EARLIEST_DAY.isoformat(), yesterday().isoformat()):
        answer = send(client, "POST", "/api/v1/tib-entries/", _tib(world, day))
        assert answer.status_code == 201, answer.content
