"""What is counted from the whole client record (missed sessions in a row, from every TIB
entry of a case, shared or not) is shown only to those who read all of it: the case's
therapists, the team leader and supervisors. A teammate who reads the case, not its unshared
entries, sees no count on the case's page, in the API or as a caseload warning (issue 19)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases import services as clinical
from cases.choices import Actor, Setting
from tests.clients import signed_in
from tests.dates import today
from tests.page_html import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_missed(world):
    for _ in range(6):
        clinical.tib_log(
            by=world.tara,
            team=world.alpha,
            actor=Actor.CLIENT,
            case=world.tara_case,
            category="NON_ATTENDING",
            setting=Setting.SKILLS_GROUP,
            occurred_on=today(),
            description="Did not come to group.",
        )  # kept to Tara: none brought to team
    return world


def _seen(person, world) -> tuple[object, str, str]:
    client = signed_in(Client(), person)
    api = client.get(f"/api/v1/cases/{world.tara_case.public_id}/").json()["missed_in_a_row"]
    case_page = page_text(client.get(reverse("case-detail", args=[world.tara_case.public_id])))
    caseload = page_text(client.get(reverse("caseload")))
    return api, case_page, caseload


@pytest.mark.parametrize("who", ["tara", "lena", "sam"])
def test_readers_of_the_whole_record_see_the_count(six_missed, who):
    api, case_page, caseload = _seen(getattr(six_missed, who), six_missed)
    assert api == {"INDIVIDUAL_SESSION": 0, "SKILLS_GROUP": 6}
    assert "Missed sessions in a row" in case_page
    assert "6 skills groups missed in a row" in caseload


def test_a_teammate_who_reads_the_case_only_sees_no_count(six_missed):
    api, case_page, caseload = _seen(six_missed.theo, six_missed)
    assert api is None
    assert "Missed sessions in a row" not in case_page
    assert "missed in a row" not in caseload
    assert six_missed.tara_case.code in caseload


def test_a_co_therapist_reads_the_whole_record_and_sees_it(six_missed):
    clinical.case_co_therapist_add(
        case=six_missed.tara_case, therapist=six_missed.theo, by=six_missed.tara
    )
    api, case_page, _ = _seen(six_missed.theo, six_missed)
    assert api == {"INDIVIDUAL_SESSION": 0, "SKILLS_GROUP": 6}
    assert "Missed sessions in a row" in case_page
