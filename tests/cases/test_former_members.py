"""A grant never outlives what justified it (issue 19): a per-object grant on a team's record
(a co-therapist's case, an outside reviewer's chain analysis, a team shown to an outsider)
counts only while its holder is on a team, and never for a former member of the record's own
team. The membership is ended as any path ends it (an update of the row, as the admin's list
does), so nothing depends on a service having been called. Pages and API alike answer 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import assign_perm

from cases import services as clinical
from consultteam.teams.models import Membership, Role
from consultteam.teams.services import team_access_grant
from tests.clients import send, signed_in

pytestmark = pytest.mark.django_db


def _leave(person, team) -> None:
    Membership.objects.filter(user=person, team=team).update(
        is_active=False, left_on=dt.date.today()
    )


def _rejoin(person, team) -> None:
    Membership.objects.filter(user=person, team=team).update(is_active=True, left_on=None)


def _case_record_answers(person, world) -> dict[str, int]:
    client = signed_in(Client(), person)
    return {
        "case (API)": client.get(f"/api/v1/cases/{world.tara_case.public_id}/").status_code,
        "case (page)": client.get(
            reverse("case-detail", args=[world.tara_case.public_id])
        ).status_code,
        "unshared TIB": client.get(
            f"/api/v1/tib-entries/{world.tara_tib_private.public_id}/"
        ).status_code,
        "draft chain": client.get(
            f"/api/v1/chain-analyses/{world.tara_chain_draft.public_id}/"
        ).status_code,
    }


def test_a_former_co_therapist_reads_and_writes_nothing_of_the_case(world):
    clinical.case_co_therapist_add(case=world.tara_case, therapist=world.theo, by=world.tara)
    assert set(_case_record_answers(world.theo, world).values()) == {200}

    _leave(world.theo, world.alpha)

    assert set(_case_record_answers(world.theo, world).values()) == {404}
    client = signed_in(Client(), world.theo)
    tib = f"/api/v1/tib-entries/{world.tara_tib_private.public_id}/"
    assert send(client, "patch", tib, {"description": "Changed after leaving."}).status_code == 404
    created = send(
        client,
        "post",
        "/api/v1/tib-entries/",
        {
            "team": str(world.alpha.public_id),
            "case": str(world.tara_case.public_id),
            "actor": "CLIENT",
            "category": "NON_COMPLIANT",
            "setting": "INDIVIDUAL_SESSION",
            "occurred_on": dt.date.today().isoformat(),
            "description": "Logged after leaving the team.",
        },
    )
    assert created.status_code in {400, 403, 404}
    world.tara_tib_private.refresh_from_db()
    assert world.tara_tib_private.description != "Changed after leaving."
    assert not world.tara_case.tib_entries.filter(description__contains="after leaving").exists()
    caseload = signed_in(Client(), world.theo).get("/api/v1/cases/").json()["results"]
    assert caseload == []


def test_leaving_the_cases_team_ends_it_though_another_team_goes_on(world):
    Membership.objects.create(user=world.theo, team=world.beta, role=Role.THERAPIST)
    clinical.case_co_therapist_add(case=world.tara_case, therapist=world.theo, by=world.tara)
    _leave(world.theo, world.alpha)
    assert set(_case_record_answers(world.theo, world).values()) == {404}


def test_rejoining_the_team_brings_the_grant_back(world):
    clinical.case_co_therapist_add(case=world.tara_case, therapist=world.theo, by=world.tara)
    _leave(world.theo, world.alpha)
    _rejoin(world.theo, world.alpha)
    assert set(_case_record_answers(world.theo, world).values()) == {200}


def test_an_outside_co_therapist_keeps_the_case_while_on_a_team_of_their_own(world):
    clinical.case_co_therapist_add(case=world.tara_case, therapist=world.olga, by=world.tara)
    client = signed_in(Client(), world.olga)
    case = f"/api/v1/cases/{world.tara_case.public_id}/"
    assert client.get(case).status_code == 200

    _leave(world.olga, world.beta)  # on no team any more

    assert client.get(case).status_code == 404
    tib = f"/api/v1/tib-entries/{world.tara_tib_private.public_id}/"
    assert client.get(tib).status_code == 404


def test_an_outside_reviewer_and_a_team_grant_end_with_the_holders_last_team(world):
    assign_perm("cases.view_chainanalysis", world.olga, world.tara_chain_draft)
    team_access_grant(team=world.alpha, grantee=world.olga, by=world.lena)
    client = signed_in(Client(), world.olga)
    chain = f"/api/v1/chain-analyses/{world.tara_chain_draft.public_id}/"
    team = f"/api/v1/teams/{world.alpha.public_id}/"
    assert client.get(chain).status_code == 200
    assert client.get(team).status_code == 200

    _leave(world.olga, world.beta)

    assert client.get(chain).status_code == 404
    assert client.get(team).status_code == 404


def test_a_former_member_granted_their_old_teams_roster_sees_it_no_more(world):
    team_access_grant(team=world.alpha, grantee=world.theo, by=world.lena)
    Membership.objects.create(user=world.theo, team=world.beta, role=Role.THERAPIST)
    _leave(world.theo, world.alpha)
    client = signed_in(Client(), world.theo)
    assert client.get(f"/api/v1/teams/{world.alpha.public_id}/").status_code == 404


def test_a_deactivated_account_opens_nothing_with_its_session_or_its_token(world):
    """Deactivating an account (as the admin does) makes its sessions and tokens inert at
    once, whatever they were: the next request is a stranger's."""
    from rest_framework.test import APIClient

    from consultteam.accounts.models import User
    from consultteam.accounts.services import api_token_issue

    clinical.case_co_therapist_add(case=world.tara_case, therapist=world.theo, by=world.tara)
    _, key = api_token_issue(user=world.theo, name="Ward laptop")
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    by_session = signed_in(Client(), world.theo)
    case = f"/api/v1/cases/{world.tara_case.public_id}/"
    page = reverse("case-detail", args=[world.tara_case.public_id])
    assert by_token.get(case).status_code == 200
    assert by_session.get(page).status_code == 200

    User.objects.filter(pk=world.theo.pk).update(is_active=False)

    assert by_token.get(case).status_code in {401, 403}
    assert by_session.get(case).status_code in {401, 403}
    answer = by_session.get(page)
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))
