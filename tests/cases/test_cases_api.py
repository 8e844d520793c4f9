"""The clinical record's API: cases, the TIB log and chain analyses.

Uses the `world` of tests/conftest.py (read its docstring). Who may do what on each route is
also covered row by row in tests/access_rows/cases_api.py; here are the behaviours behind it:
what a list shows each person, what a write answers and changes, bad input, stale versions,
the missed-sessions warning, the audit of reads and the query budget of every list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from cases import services as clinical
from cases.choices import Actor, ChainStatus, ChainSubject, Setting
from cases.models import Case, ChainAnalysis, ChainConsequence, ChainLink, MissedSessions, TIBEntry
from consultteam.audit.models import Action, AuditEvent
from consultteam.reference.models import Agreement, Assumption
from tests.clients import send, signed_in
from tests.dates import resolved, today, tomorrow, yesterday

pytestmark = pytest.mark.django_db


def tomorrow_iso() -> str:
    """Tomorrow as the API writes it, worked out when the test runs (tests/dates.py)."""
    return tomorrow().isoformat()


CASES = "/api/v1/cases/"
TIBS = "/api/v1/tib-entries/"
CHAINS = "/api/v1/chain-analyses/"


def case_url(case: Case, rest: str = "") -> str:
    return f"{CASES}{case.public_id}/{rest}"


def tib_url(entry: TIBEntry, rest: str = "") -> str:
    return f"{TIBS}{entry.public_id}/{rest}"


def chain_url(chain: ChainAnalysis, rest: str = "") -> str:
    return f"{CHAINS}{chain.public_id}/{rest}"


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def uid(obj: Any) -> str:
    return str(obj.public_id)


def rows(model: type[Any]) -> list[dict[str, Any]]:
    """Every row of a table, to show that a refused request changed nothing."""
    return list(model.objects.order_by("pk").values())


def viewed(person: Any, obj: Any) -> bool:
    return AuditEvent.objects.filter(
        action=Action.VIEW, actor=person, object_id=str(obj.public_id)
    ).exists()


# --- Cases --------------------------------------------------------------------------------------


def test_case_list_shows_each_person_their_teams_cases(client, world):
    for person in (world.tara, world.theo, world.lena, world.sam):
        listed = ids(signed_in(client, person).get(CASES))
        assert listed == {uid(world.tara_case)}
    assert ids(signed_in(client, world.olga).get(CASES)) == {uid(world.olga_case)}
    for outsider in (world.fern, world.ada):
        assert ids(signed_in(client, outsider).get(CASES)) == set()


def test_case_list_renders_public_ids_and_months(client, world):
    row = signed_in(client, world.tara).get(CASES).json()["results"][0]
    assert row == {
        "id": uid(world.tara_case),
        "code": world.tara_case.code,
        "team": uid(world.alpha),
        "primary_therapist": uid(world.tara),
        "primary_therapist_name": "Tara",
        "stage": "STAGE_1",
        "status": "ACTIVE",
        "opened": world.tara_case.opened.strftime("%Y-%m"),
        "closed": None,
    }


def test_case_list_filters(client, world):
    theos = clinical.case_open(team=world.alpha, by=world.theo, opened=today(), stage="STAGE_2")
    clinical.case_update(case=theos, by=world.theo, changes={"status": "ON_HOLD"})
    client = signed_in(client, world.lena)
    assert ids(client.get(CASES, {"status": "ON_HOLD"})) == {uid(theos)}
    assert ids(client.get(CASES, {"stage": "STAGE_1"})) == {uid(world.tara_case)}
    assert ids(client.get(CASES, {"team": uid(world.alpha)})) == {uid(theos), uid(world.tara_case)}
    assert ids(client.get(CASES, {"team": uid(world.beta)})) == set()
    client = signed_in(client, world.theo)
    assert ids(client.get(CASES, {"mine": "true"})) == {uid(theos)}
    assert ids(client.get(CASES, {"mine": "false"})) == {uid(world.tara_case)}


@pytest.mark.parametrize(
    ("param", "value"),
    [("status", "CLOSED"), ("stage", "STAGE_9"), ("team", "alpha"), ("mine", "perhaps")],
)
def test_case_list_refuses_a_bad_filter_naming_it(client, world, param, value):
    response = signed_in(client, world.tara).get(CASES, {param: value})
    assert response.status_code == 400
    assert param in response.json()


def test_open_a_case_as_month_and_year(client, world):
    response = send(
        signed_in(client, world.tara),
        "POST",
        CASES,
        {"team": uid(world.alpha), "opened": "2025-03-17", "stage": "STAGE_1"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(public_id=body["id"])
    assert case.opened == dt.date(2025, 3, 1)
    assert case.primary_therapist == world.tara
    assert body["opened"] == "2025-03"
    assert body["primary_therapist"] == uid(world.tara)
    assert body["missed_in_a_row"] == {"INDIVIDUAL_SESSION": 0, "SKILLS_GROUP": 0}
    assert body["code"].startswith("C-")


def test_the_team_leader_opens_a_case_for_a_therapist(client, world):
    data = {"team": uid(world.alpha), "opened": "2025-03", "primary_therapist": uid(world.theo)}
    response = send(signed_in(client, world.lena), "POST", CASES, data)
    assert response.status_code == 201, response.content
    assert response.json()["primary_therapist"] == uid(world.theo)
    before = rows(Case)
    response = send(signed_in(client, world.tara), "POST", CASES, data)
    assert response.status_code == 403
    assert rows(Case) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"opened": "March 2025"}, "opened"),
        ({"opened": "2025-13"}, "opened"),
        ({"opened": "2025-02-30"}, "opened"),
        ({"stage": "STAGE_9"}, "stage"),
        ({"team": str(uuid.uuid4())}, "team"),
        ({"primary_therapist": str(uuid.uuid4())}, "primary_therapist"),
        ({"code": "C-AAAAAA"}, "code"),
    ],
)
def test_opening_a_case_with_bad_input_is_400_and_writes_nothing(client, world, data, field):
    before = rows(Case)
    body = {"team": uid(world.alpha), "opened": "2025-03", **data}
    response = send(signed_in(client, world.tara), "POST", CASES, body)
    assert response.status_code == 400
    assert field in response.json()
    assert rows(Case) == before


def test_opening_a_case_for_a_team_one_cannot_see_is_400(client, world):
    response = send(
        signed_in(client, world.olga),
        "POST",
        CASES,
        {"team": uid(world.alpha), "opened": "2025-03"},
    )
    assert response.status_code == 400
    assert "team" in response.json()


def test_case_detail_is_audited_and_shows_missed_sessions(client, world):
    clinical.tib_log(
        by=world.tara,
        team=world.alpha,
        actor=Actor.CLIENT,
        case=world.tara_case,
        category="NON_ATTENDING",
        setting=Setting.SKILLS_GROUP,
        occurred_on=today(),
        description="Did not come to group.",
    )
    response = signed_in(client, world.lena).get(case_url(world.tara_case))
    assert response.status_code == 200
    assert response.json()["missed_in_a_row"] == {"INDIVIDUAL_SESSION": 0, "SKILLS_GROUP": 1}
    assert response.json()["co_therapists"] == []
    assert viewed(world.lena, world.tara_case)
    # A teammate reads the case but not the unshared entry the count came from (issue 19).
    response = signed_in(Client(), world.theo).get(case_url(world.tara_case))
    assert response.status_code == 200
    assert response.json()["missed_in_a_row"] is None
    assert viewed(world.theo, world.tara_case)


def test_change_a_case(client, world):
    response = send(
        signed_in(client, world.tara),
        "PATCH",
        case_url(world.tara_case),
        {"stage": "STAGE_2", "status": "DISCHARGED", "closed": today().strftime("%Y-%m")},
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "STAGE_2"
    assert response.json()["closed"] == today().strftime("%Y-%m")
    world.tara_case.refresh_from_db()
    assert world.tara_case.status == "DISCHARGED"
    assert world.tara_case.closed == today().replace(day=1)


def test_the_supervisor_reads_a_case_but_cannot_change_it(client, world):
    client = signed_in(client, world.sam)
    assert client.get(case_url(world.tara_case)).status_code == 200
    before = rows(Case)
    response = send(client, "PATCH", case_url(world.tara_case), {"stage": "STAGE_2"})
    assert response.status_code == 403
    assert rows(Case) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [({"status": "CLOSED"}, "status"), ({"closed": "soon"}, "closed"), ({"code": "C-X"}, "code")],
)
def test_changing_a_case_with_bad_input_is_400(client, world, data, field):
    before = rows(Case)
    response = send(signed_in(client, world.tara), "PATCH", case_url(world.tara_case), data)
    assert response.status_code == 400
    assert field in response.json()
    assert rows(Case) == before


def test_a_co_therapist_from_another_team_reads_and_writes_the_record(client, world):
    tara = signed_in(Client(), world.tara)
    olga = signed_in(client, world.olga)
    assert olga.get(case_url(world.tara_case)).status_code == 404
    assert olga.get(tib_url(world.tara_tib_private)).status_code == 404

    response = send(
        tara, "POST", case_url(world.tara_case, "co-therapists/"), {"user": uid(world.olga)}
    )
    assert response.status_code == 200, response.content
    assert response.json()["co_therapists"] == [{"id": uid(world.olga), "display_name": "Olga"}]
    assert olga.get(case_url(world.tara_case)).status_code == 200
    assert olga.get(tib_url(world.tara_tib_private)).status_code == 200
    assert uid(world.tara_case) in ids(olga.get(CASES))
    response = send(
        olga,
        "PATCH",
        tib_url(world.tara_tib_private),
        {"status": "TARGETED"},
    )
    assert response.status_code == 200, response.content

    url = case_url(world.tara_case, f"co-therapists/{world.olga.public_id}/")
    response = send(tara, "DELETE", url)
    assert response.status_code == 200
    assert response.json()["co_therapists"] == []
    assert olga.get(case_url(world.tara_case)).status_code == 404


def test_adding_an_unknown_co_therapist_is_400(client, world):
    response = send(
        signed_in(client, world.tara),
        "POST",
        case_url(world.tara_case, "co-therapists/"),
        {"user": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert "user" in response.json()


def test_olga_finds_nothing_of_alpha(client, world):
    client = signed_in(client, world.olga)
    details = [
        case_url(world.tara_case),
        *(
            tib_url(entry)
            for entry in (
                world.tara_tib_private,
                world.tara_tib_shared,
                world.tara_own_tib,
                world.team_tib,
            )
        ),
        *(
            chain_url(chain)
            for chain in (world.tara_chain_draft, world.tara_chain_ready, world.tara_self_chain)
        ),
    ]
    for url in details:
        assert client.get(url).status_code == 404, url
        assert send(client, "PATCH", url, {"version": 1}).status_code == 404, url
    assert ids(client.get(CASES)) == {uid(world.olga_case)}
    assert ids(client.get(TIBS)) == {uid(world.olga_case_tib)}
    assert ids(client.get(CHAINS)) == {uid(world.olga_chain)}
    # Naming Alpha in a filter shows nothing either.
    assert ids(client.get(TIBS, {"case": uid(world.tara_case)})) == set()
    assert ids(client.get(CHAINS, {"team": uid(world.alpha)})) == set()
    # Her reads of her own lists are audited; none of them names anything of Alpha's.
    alpha = {url.rstrip("/").rsplit("/", 1)[-1] for url in details}
    seen = AuditEvent.objects.filter(action=Action.VIEW, actor=world.olga)
    assert seen.exists()
    assert not any({event.object_id, *event.read_ids} & alpha for event in seen)


def test_a_malformed_id_in_the_path_is_404(client, world):
    client = signed_in(client, world.tara)
    assert client.get(f"{CASES}not-a-uuid/").status_code == 404
    assert client.get(f"{CHAINS}{world.tara_chain_draft.public_id}/links/nope/").status_code == 404


# --- The TIB log --------------------------------------------------------------------------------


def test_tib_list_shows_what_each_person_may_read(client, world):
    alpha_all = {
        uid(world.tara_tib_private),
        uid(world.tara_tib_shared),
        uid(world.tara_own_tib),
        uid(world.team_tib),
    }
    assert ids(signed_in(client, world.tara).get(TIBS)) == alpha_all
    assert ids(signed_in(client, world.lena).get(TIBS)) == alpha_all
    assert ids(signed_in(client, world.sam).get(TIBS)) == alpha_all
    # Theo: what was brought to team, and the team's own.
    assert ids(signed_in(client, world.theo).get(TIBS)) == {
        uid(world.tara_tib_shared),
        uid(world.team_tib),
    }
    theo = signed_in(client, world.theo)
    assert theo.get(tib_url(world.tara_tib_shared)).status_code == 200
    assert theo.get(tib_url(world.tara_tib_private)).status_code == 404
    assert theo.get(tib_url(world.tara_own_tib)).status_code == 404


def test_tib_list_filters(client, world):
    client = signed_in(client, world.tara)
    case_tibs = {uid(world.tara_tib_private), uid(world.tara_tib_shared)}
    assert ids(client.get(TIBS, {"case": uid(world.tara_case)})) == case_tibs
    assert ids(client.get(TIBS, {"actor": "TEAM"})) == {uid(world.team_tib)}
    assert ids(client.get(TIBS, {"category": "DISRESPECTFUL"})) == {uid(world.tara_own_tib)}
    assert ids(client.get(TIBS, {"shared": "true"})) == {uid(world.tara_tib_shared)}
    assert uid(world.tara_tib_shared) not in ids(client.get(TIBS, {"shared": "false"}))
    assert len(ids(client.get(TIBS, {"team": uid(world.alpha), "status": "OPEN"}))) == 4
    assert ids(client.get(TIBS, {"status": "RESOLVED"})) == set()
    day_before = yesterday().isoformat()
    assert len(ids(client.get(TIBS, {"since": day_before}))) == 0  # the world's are 3 days old
    assert len(ids(client.get(TIBS, {"until": day_before}))) == 4
    response = client.get(TIBS, {"since": day_before, "until": "2020-01-01"})
    assert response.status_code == 400
    assert "until" in response.json()
    response = client.get(TIBS, {"since": "yesterday"})
    assert response.status_code == 400
    assert "since" in response.json()


def client_tib(world: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    return {
        "case": uid(world.tara_case),
        "actor": "CLIENT",
        "category": "NON_COLLABORATIVE",
        "setting": "INDIVIDUAL_SESSION",
        "description": "Answered every question in the session with 'I don't know'.",
        "occurred_on": yesterday().isoformat(),
        **overrides,
    }


def test_log_a_client_tib(client, world):
    response = send(signed_in(client, world.tara), "POST", TIBS, client_tib(world))
    assert response.status_code == 201, response.content
    body = response.json()
    entry = TIBEntry.objects.get(public_id=body["id"])
    assert entry.team == world.alpha  # from the case
    assert entry.author == world.tara
    assert body["case"] == uid(world.tara_case)
    assert body["author"] == uid(world.tara)
    assert body["warning"] is None
    assert body["shared_with_team"] is False


def test_log_ones_own_tib(client, world):
    data = {
        "team": uid(world.alpha),
        "actor": "THERAPIST",
        "category": "TARGETING_ERROR",
        "setting": "INDIVIDUAL_SESSION",
        "description": "Spent the session on the job search while self-harm urges were at 4.",
        "occurred_on": yesterday().isoformat(),
    }
    response = send(signed_in(client, world.theo), "POST", TIBS, data)
    assert response.status_code == 201, response.content
    assert response.json()["case"] is None
    # Theo may not log a TIB on Tara's client.
    response = send(client, "POST", TIBS, client_tib(world))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "LATE_TO_SESSION"}, "category"),  # no such category
        ({"category": "DEFENSIVE"}, "category"),  # the team's, not the client's
        ({"occurred_on": tomorrow_iso}, "occurred_on"),
        ({"occurred_on": "last week"}, "occurred_on"),
        ({"description": "x" * 2001}, "description"),
        ({"setting": "WAITING_ROOM"}, "setting"),
        ({"count": 0}, "count"),
        ({"case": str(uuid.uuid4())}, "case"),
        ({"team": None, "case": None}, "team"),
        ({"team": "00000000-0000-0000-0000-000000000000"}, "team"),
        ({"severity": "HIGH"}, "severity"),
    ],
)
def test_logging_a_tib_with_bad_input_is_400_and_writes_nothing(client, world, overrides, field):
    before = rows(TIBEntry)
    data = {
        key: value
        for key, value in client_tib(world, **resolved(overrides)).items()
        if value is not None
    }
    response = send(signed_in(client, world.tara), "POST", TIBS, data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert rows(TIBEntry) == before


def test_a_tib_for_a_case_of_another_team_is_refused(client, world):
    data = client_tib(world, team=uid(world.beta))
    response = send(signed_in(client, world.tara), "POST", TIBS, data)
    assert response.status_code == 400
    assert "team" in response.json()


def test_the_third_missed_session_in_a_row_warns_and_attending_resets(client, world):
    client = signed_in(client, world.tara)
    missed = client_tib(world, category="NON_ATTENDING", description="Did not come.")
    warnings = [send(client, "POST", TIBS, missed).json()["warning"] for _ in range(3)]
    assert warnings[:2] == [None, None]
    assert "missed 3 individual sessions in a row" in warnings[2]
    detail = client.get(case_url(world.tara_case)).json()
    assert detail["missed_in_a_row"]["INDIVIDUAL_SESSION"] == 3
    # Missed group sessions count apart.
    group = send(client, "POST", TIBS, {**missed, "setting": "SKILLS_GROUP"}).json()
    assert group["warning"] is None

    response = send(
        client, "POST", case_url(world.tara_case, "attended/"), {"mode": "INDIVIDUAL_SESSION"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["missed_in_a_row"] == {"INDIVIDUAL_SESSION": 0, "SKILLS_GROUP": 1}
    assert send(client, "POST", TIBS, missed).json()["warning"] is None


def test_attendance_is_counted_for_session_modes_only(client, world):
    response = send(
        signed_in(client, world.tara),
        "POST",
        case_url(world.tara_case, "attended/"),
        {"mode": "PHONE_COACHING"},
    )
    assert response.status_code == 400
    assert "mode" in response.json()
    assert not MissedSessions.objects.exists()


def test_tib_detail_is_audited(client, world):
    response = signed_in(client, world.sam).get(tib_url(world.tara_tib_private))
    assert response.status_code == 200
    assert response.json()["description"] == world.tara_tib_private.description
    assert viewed(world.sam, world.tara_tib_private)


def test_change_a_tib(client, world):
    response = send(
        signed_in(client, world.tara),
        "PATCH",
        tib_url(world.tara_tib_shared),
        {"status": "IMPROVING", "count": 2},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "IMPROVING"
    world.tara_tib_shared.refresh_from_db()
    assert world.tara_tib_shared.count == 2


def test_the_supervisor_reads_a_tib_but_cannot_change_it(client, world):
    before = rows(TIBEntry)
    response = send(
        signed_in(client, world.sam),
        "PATCH",
        tib_url(world.tara_tib_shared),
        {"status": "RESOLVED"},
    )
    assert response.status_code == 403
    assert rows(TIBEntry) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"category": "POLARIZING"}, "category"),
        ({"occurred_on": tomorrow_iso}, "occurred_on"),
        ({"description": "y" * 2001}, "description"),
        ({"actor": "TEAM"}, "actor"),
    ],
)
def test_changing_a_tib_with_bad_input_is_400(client, world, data, field):
    before = rows(TIBEntry)
    response = send(
        signed_in(client, world.tara), "PATCH", tib_url(world.tara_tib_shared), resolved(data)
    )
    assert response.status_code == 400
    assert field in response.json()
    assert rows(TIBEntry) == before


def test_bring_a_tib_to_team(client, world):
    theo = signed_in(Client(), world.theo)
    assert theo.get(tib_url(world.tara_tib_private)).status_code == 404
    response = send(
        signed_in(client, world.tara), "POST", tib_url(world.tara_tib_private, "share/")
    )
    assert response.status_code == 200
    assert response.json()["shared_with_team"] is True
    assert theo.get(tib_url(world.tara_tib_private)).status_code == 200


# --- Chain analyses -----------------------------------------------------------------------------


def test_chain_list_shows_what_each_person_may_read(client, world):
    alpha_all = {
        uid(world.tara_chain_draft),
        uid(world.tara_chain_ready),
        uid(world.tara_self_chain),
    }
    for person in (world.tara, world.lena, world.sam):
        assert ids(signed_in(client, person).get(CHAINS)) == alpha_all
    theo = signed_in(client, world.theo)
    assert ids(theo.get(CHAINS)) == {uid(world.tara_chain_ready)}
    assert theo.get(chain_url(world.tara_chain_ready)).status_code == 200
    assert theo.get(chain_url(world.tara_chain_draft)).status_code == 404
    assert theo.get(chain_url(world.tara_self_chain)).status_code == 404
    for outsider in (world.fern, world.ada):
        assert ids(signed_in(client, outsider).get(CHAINS)) == set()


def test_chain_list_is_lean_and_filters(client, world):
    client = signed_in(client, world.tara)
    response = client.get(CHAINS, {"status": "DRAFT", "subject": "CLIENT_BEHAVIOR"})
    [row] = response.json()["results"]
    assert row["id"] == uid(world.tara_chain_draft)
    assert row["link_count"] == 3
    assert "links" not in row
    assert ids(client.get(CHAINS, {"kind": "MISSING_LINKS"})) == {uid(world.tara_chain_ready)}
    assert ids(client.get(CHAINS, {"case": uid(world.tara_case)})) == {
        uid(world.tara_chain_draft),
        uid(world.tara_chain_ready),
    }
    day_before = yesterday().isoformat()
    assert len(ids(client.get(CHAINS, {"team": uid(world.alpha), "until": day_before}))) == 3
    assert ids(client.get(CHAINS, {"since": today().isoformat()})) == set()
    response = client.get(CHAINS, {"kind": "LOOSE_ENDS"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_start_a_chain_analysis(client, world):
    data = {
        "case": uid(world.tara_case),
        "subject": "CLIENT_BEHAVIOR",
        "kind": "MISSING_LINKS",
        "problem_behavior": "Did not fill in the diary card for the week.",
        "behavior_on": yesterday().isoformat(),
        "vulnerabilities": ["SLEEP", "STRESSFUL_EVENT"],
        "knew_what_was_needed": True,
        "was_willing": False,
        "willingness_barrier": "Filling it in felt pointless after a bad day.",
    }
    response = send(signed_in(client, world.tara), "POST", CHAINS, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert body["status"] == "DRAFT"
    assert body["links"] == []
    assert body["vulnerabilities"] == ["SLEEP", "STRESSFUL_EVENT"]
    assert body["team"] == uid(world.alpha)
    assert ChainAnalysis.objects.get(public_id=body["id"]).was_willing is False


def test_start_an_analysis_of_ones_own_behaviour(client, world):
    data = {
        "team": uid(world.alpha),
        "subject": "THERAPIST_BEHAVIOR",
        "problem_behavior": "Ended the phone call after four minutes, mid-sentence.",
        "behavior_on": yesterday().isoformat(),
    }
    response = send(signed_in(client, world.theo), "POST", CHAINS, data)
    assert response.status_code == 201, response.content
    assert response.json()["case"] is None
    assert response.json()["kind"] == "BEHAVIOR_CHAIN"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "TEAM_BEHAVIOR"}, "subject"),
        ({"behavior_on": tomorrow_iso}, "behavior_on"),
        ({"problem_behavior": "z" * 2001}, "problem_behavior"),
        ({"vulnerabilities": ["BAD_LUCK"]}, "vulnerabilities"),
        ({"intensity": 11}, "intensity"),
        ({"status": "REVIEWED"}, "status"),
    ],
)
def test_starting_a_chain_with_bad_input_is_400_and_writes_nothing(client, world, overrides, field):
    before = rows(ChainAnalysis)
    data = {
        "case": uid(world.tara_case),
        "subject": "CLIENT_BEHAVIOR",
        "problem_behavior": "Left the session early.",
        "behavior_on": yesterday().isoformat(),
        **resolved(overrides),
    }
    response = send(signed_in(client, world.tara), "POST", CHAINS, data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert rows(ChainAnalysis) == before


def test_chain_detail_has_ordered_links_and_is_audited(client, world):
    clinical.chain_consequence_add(
        chain=world.tara_chain_draft,
        by=world.tara,
        expected_version=world.tara_chain_draft.version,
        description="Relief as soon as she was outside.",
        timing="IMMEDIATE",
        locus="SELF",
    )
    response = signed_in(client, world.lena).get(chain_url(world.tara_chain_draft))
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == world.tara_chain_draft.version + 1
    assert [link["kind"] for link in body["links"]] == ["EVENT", "EMOTION", "URGE"]
    assert [link["position"] for link in body["links"]] == [1, 2, 3]
    assert body["consequences"][0]["locus"] == "SELF"
    assert viewed(world.lena, world.tara_chain_draft)


def test_change_a_chain_analysis_with_its_version(client, world):
    chain = world.tara_chain_draft
    response = send(
        signed_in(client, world.tara),
        "PATCH",
        chain_url(chain),
        {"version": chain.version, "prompting_event": "A member raised her voice.", "intensity": 6},
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == chain.version + 1
    assert response.json()["prompting_event"] == "A member raised her voice."


def test_a_stale_version_is_409_and_changes_nothing(client, world):
    chain = world.tara_chain_draft
    client = signed_in(client, world.tara)
    before = rows(ChainAnalysis), rows(ChainLink)
    stale = chain.version - 1
    for method, url, data in [
        ("PATCH", chain_url(chain), {"version": stale, "repair": "Apologise to the group."}),
        ("POST", chain_url(chain, "status/"), {"version": stale, "status": "READY_FOR_TEAM"}),
        (
            "POST",
            chain_url(chain, "links/"),
            {"version": stale, "kind": "URGE", "description": "."},
        ),
        (
            "DELETE",
            chain_url(chain, f"links/{chain.links.first().public_id}/?version={stale}"),
            None,
        ),
    ]:
        response = send(client, method, url, data)
        assert response.status_code == 409, (method, url)
        message = response.json()["detail"]
        assert f"now at version {chain.version}" in message
        assert f"you were editing version {stale}" in message
    assert (rows(ChainAnalysis), rows(ChainLink)) == before


def test_a_chain_change_without_a_version_is_400(client, world):
    chain = world.tara_chain_draft
    client = signed_in(client, world.tara)
    response = send(client, "PATCH", chain_url(chain), {"repair": "Apologise."})
    assert response.status_code == 400
    assert "version" in response.json()
    link = chain.links.first()
    response = send(client, "DELETE", chain_url(chain, f"links/{link.public_id}/"))
    assert response.status_code == 400
    assert "version" in response.json()
    assert ChainLink.objects.filter(pk=link.pk).exists()


def test_the_supervisor_reads_a_chain_but_cannot_change_it(client, world):
    chain = world.tara_chain_draft
    before = rows(ChainAnalysis)
    response = send(
        signed_in(client, world.sam),
        "PATCH",
        chain_url(chain),
        {"version": chain.version, "repair": "."},
    )
    assert response.status_code == 403
    assert rows(ChainAnalysis) == before


def test_a_chain_moves_through_its_statuses(client, world):
    chain = world.tara_chain_draft
    version = chain.version
    for person, status in [
        (world.tara, ChainStatus.READY_FOR_TEAM),
        (world.lena, ChainStatus.PRESENTED),
        (world.sam, ChainStatus.REVIEWED),
    ]:
        response = send(
            signed_in(client, person),
            "POST",
            chain_url(chain, "status/"),
            {"version": version, "status": status},
        )
        assert response.status_code == 200, (person, response.content)
        assert response.json()["status"] == status
        version = response.json()["version"]
    # Reviewed is for overseers only; the author cannot skip to it.
    response = send(
        signed_in(client, world.tara),
        "POST",
        chain_url(world.tara_chain_ready, "status/"),
        {"version": world.tara_chain_ready.version, "status": "REVIEWED"},
    )
    assert response.status_code == 403


def link_ids(chain: ChainAnalysis) -> list[str]:
    return [
        str(public_id)
        for public_id in chain.links.order_by("position").values_list("public_id", flat=True)
    ]


def test_add_a_link_at_a_position(client, world):
    chain = world.tara_chain_draft
    response = send(
        signed_in(client, world.tara),
        "POST",
        chain_url(chain, "links/"),
        {
            "version": chain.version,
            "kind": "THOUGHT",
            "description": "'Something terrible is about to happen.'",
            "position": 2,
            "intensity": 8,
            "solution_type": "SKILL",
            "skill_module": "DISTRESS_TOLERANCE",
            "replacement_behavior": "TIP: cold water on the face, paced breathing.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == chain.version + 1
    assert [link["kind"] for link in body["links"]] == ["EVENT", "THOUGHT", "EMOTION", "URGE"]
    assert [link["position"] for link in body["links"]] == [1, 2, 3, 4]
    assert body["links"][1]["skill_module"] == "DISTRESS_TOLERANCE"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"position": 5}, "position"),  # three links: 1 to 4 only
        ({"position": 0}, "position"),
        ({"kind": "MEMORY"}, "kind"),
        ({"description": "w" * 1001}, "description"),
        ({"solution_type": "SKILL"}, "skill_module"),
        ({"skill_module": "MINDFULNESS"}, "skill_module"),
        ({"intensity": -1}, "intensity"),
    ],
)
def test_adding_a_link_with_bad_input_is_400_and_writes_nothing(client, world, overrides, field):
    chain = world.tara_chain_draft
    before = rows(ChainAnalysis), rows(ChainLink)
    data = {"version": chain.version, "kind": "THOUGHT", "description": "A thought.", **overrides}
    response = send(signed_in(client, world.tara), "POST", chain_url(chain, "links/"), data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert (rows(ChainAnalysis), rows(ChainLink)) == before


def test_edit_and_remove_a_link(client, world):
    chain = world.tara_chain_draft
    client = signed_in(client, world.tara)
    first, second, third = link_ids(chain)
    response = send(
        client,
        "PATCH",
        chain_url(chain, f"links/{second}/"),
        {"version": chain.version, "intensity": 9, "solution_type": "EXPOSURE"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["links"][1]["intensity"] == 9
    version = response.json()["version"]

    response = send(client, "DELETE", chain_url(chain, f"links/{first}/?version={version}"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert [link["id"] for link in body["links"]] == [second, third]
    assert [link["position"] for link in body["links"]] == [1, 2]
    assert body["version"] == version + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"skill_module": "MINDFULNESS"}, "skill_module"),  # the link's solution is no skill
        ({"solution_type": "SKILL"}, "skill_module"),  # a skill without its module
        ({"kind": "DAYDREAM"}, "kind"),
        ({"description": "v" * 1001}, "description"),
    ],
)
def test_editing_a_link_with_bad_input_is_400_and_changes_nothing(client, world, change, field):
    chain = world.tara_chain_draft
    link = chain.links.first()
    before = rows(ChainAnalysis), rows(ChainLink)
    response = send(
        signed_in(client, world.tara),
        "PATCH",
        chain_url(chain, f"links/{link.public_id}/"),
        {"version": chain.version, **change},
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert (rows(ChainAnalysis), rows(ChainLink)) == before


def test_a_link_of_another_analysis_is_404(client, world):
    other = world.tara_chain_ready
    link = world.tara_chain_draft.links.first()
    response = send(
        signed_in(client, world.tara),
        "PATCH",
        chain_url(other, f"links/{link.public_id}/"),
        {"version": other.version, "intensity": 1},
    )
    assert response.status_code == 404


def test_reorder_links(client, world):
    chain = world.tara_chain_draft
    order = list(reversed(link_ids(chain)))
    response = send(
        signed_in(client, world.tara),
        "POST",
        chain_url(chain, "links/reorder/"),
        {"version": chain.version, "order": order},
    )
    assert response.status_code == 200, response.content
    assert [link["id"] for link in response.json()["links"]] == order
    assert link_ids(chain) == order


@pytest.mark.parametrize("change", ["missing", "repeated", "stranger"])
def test_a_reorder_must_name_every_link_once(client, world, change):
    chain = world.tara_chain_draft
    first, second, _third = link_ids(chain)
    order = {
        "missing": [second, first],
        "repeated": [second, first, first],
        "stranger": [second, first, str(uuid.uuid4())],
    }[change]
    before = rows(ChainAnalysis), rows(ChainLink)
    response = send(
        signed_in(client, world.tara),
        "POST",
        chain_url(chain, "links/reorder/"),
        {"version": chain.version, "order": order},
    )
    assert response.status_code == 400
    assert "order" in response.json()
    assert (rows(ChainAnalysis), rows(ChainLink)) == before


def test_add_and_remove_a_consequence(client, world):
    chain = world.tara_chain_ready
    client = signed_in(client, world.tara)
    response = send(
        client,
        "POST",
        chain_url(chain, "consequences/"),
        {
            "version": chain.version,
            "description": "Her therapist phoned to check in.",
            "timing": "DELAYED",
            "locus": "ENVIRONMENT",
        },
    )
    assert response.status_code == 201, response.content
    [consequence] = response.json()["consequences"]
    version = response.json()["version"]
    url = chain_url(chain, f"consequences/{consequence['id']}/?version={version}")
    response = send(client, "DELETE", url)
    assert response.status_code == 200, response.content
    assert response.json()["consequences"] == []
    assert not ChainConsequence.objects.exists()


def test_adding_a_consequence_with_bad_input_is_400(client, world):
    chain = world.tara_chain_ready
    data = {"version": chain.version, "description": ".", "timing": "SOON", "locus": "SELF"}
    response = send(signed_in(client, world.tara), "POST", chain_url(chain, "consequences/"), data)
    assert response.status_code == 400
    assert "timing" in response.json()
    assert not ChainConsequence.objects.exists()


# --- Lists: stable pages and a query budget that does not grow ---------------------------------


MODELS: dict[str, Any] = {CASES: Case, TIBS: TIBEntry, CHAINS: ChainAnalysis}


def more_rows(world: SimpleNamespace, n: int) -> None:
    """``n`` more cases, TIB entries and chain analyses (with links and citations) on Alpha,
    all Tara's."""
    day = yesterday()
    for i in range(n):
        clinical.case_open(team=world.alpha, by=world.tara, opened=day)
        clinical.tib_log(
            by=world.tara,
            team=world.alpha,
            actor=Actor.TEAM,
            category="UNPREPARED",
            setting=Setting.TEAM_MEETING,
            occurred_on=day,
            description=f"Item {i} came without the diary card data.",
            assumptions=["DOING_BEST_THEY_CAN", "ALL_BEHAVIOR_IS_CAUSED"],
            agreements=["FALLIBILITY"],
        )
        chain = clinical.chain_start(
            by=world.tara,
            team=world.alpha,
            subject=ChainSubject.THERAPIST_BEHAVIOR,
            kind="BEHAVIOR_CHAIN",
            behavior_on=day,
            problem_behavior=f"Cut session {i} short by ten minutes.",
            assumptions=["THERAPISTS_NEED_SUPPORT"],
            agreements=["FALLIBILITY", "OBSERVING_LIMITS"],
        )
        clinical.chain_link_add(
            chain=chain, by=world.tara, expected_version=1, kind="URGE", description="To leave."
        )


# Cases cite nothing; TIB entries and chain analyses render the codes of what they cite (TIB
# entries as JSON columns of their page's statement, chain analyses in two prefetches). A page
# of TIB entries or analyses is clinical text: one more, the read's audit event.
BUDGET = {CASES: 3, TIBS: 4, CHAINS: 6}


@pytest.mark.parametrize("extra", [0, 120], ids=["few-rows", "many-rows"])
@pytest.mark.parametrize("page_size", [10, 100])
@pytest.mark.parametrize("url", [CASES, TIBS, CHAINS])
def test_list_query_budget(client, world, django_assert_num_queries, url, page_size, extra):
    more_rows(world, extra)
    client = signed_in(client, world.tara)
    # Warm-up: a read's first use compiles it, and on SQLite asks once whether JSON is there.
    assert client.get(url, {"page_size": page_size}).status_code == 200
    with django_assert_num_queries(BUDGET[url]):
        # 1. the session
        # 2. the signed-in person
        # 3. one page of rows with their team, case, people (select_related) and, for chain
        #    analyses, the number of links (a subquery); visibility is subqueries in the same
        #    statement
        #    and, for TIB entries, their citations (JSON columns: cases/tib_list.py)
        # 4. (chain analyses) the page's cited assumptions (prefetch, one IN)
        # 5. (chain analyses) the page's cited agreements (prefetch, one IN)
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    visible = MODELS[url].objects.visible_to(world.tara).count()
    assert len(response.json()["results"]) == min(page_size, visible)


@pytest.mark.parametrize("url", [CASES, TIBS, CHAINS])
def test_pages_are_newest_first_and_never_repeat(client, world, url):
    more_rows(world, 25)
    model = MODELS[url]
    at_start = [
        str(public_id)
        for public_id in model.objects.visible_to(world.tara)
        .order_by("-id")
        .values_list("public_id", flat=True)
    ]
    client = signed_in(client, world.tara)
    seen: list[str] = []
    page = client.get(url, {"page_size": 10}).json()
    while True:
        seen += [row["id"] for row in page["results"]]
        if not page["next"]:
            break
        # Someone adds a row meanwhile: it goes on top, and the later pages neither repeat
        # a row nor skip one.
        more_rows(world, 1)
        page = client.get(page["next"]).json()
    assert seen == at_start


# --- Citations: what an entry or an analysis draws on, as codes -----------------------------------


def test_a_tib_is_logged_and_changed_with_its_citations(client, world):
    client = signed_in(client, world.tara)
    data = client_tib(world, assumptions=["DOING_BEST_THEY_CAN"], agreements=["FALLIBILITY"])
    response = send(client, "POST", TIBS, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assumptions"] == ["DOING_BEST_THEY_CAN"]
    assert body["agreements"] == ["FALLIBILITY"]
    entry = TIBEntry.objects.get(public_id=body["id"])
    assert list(entry.assumptions.values_list("code", flat=True)) == ["DOING_BEST_THEY_CAN"]

    changed = send(client, "PATCH", tib_url(entry), {"agreements": [], "assumptions": []})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["assumptions"], changed.json()["agreements"]) == ([], [])
    assert send(client, "GET", tib_url(entry)).json()["agreements"] == []
    listed = {row["id"]: row for row in client.get(TIBS).json()["results"]}
    assert listed[str(entry.public_id)]["assumptions"] == []


def test_a_chain_is_started_and_changed_with_its_citations(client, world):
    client = signed_in(client, world.tara)
    data = {
        "case": uid(world.tara_case),
        "subject": "CLIENT_BEHAVIOR",
        "problem_behavior": "Did not fill in the diary card for the week.",
        "behavior_on": yesterday().isoformat(),
        "assumptions": ["ALL_BEHAVIOR_IS_CAUSED"],
    }
    response = send(client, "POST", CHAINS, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["assumptions"], body["agreements"]) == (["ALL_BEHAVIOR_IS_CAUSED"], [])
    chain = ChainAnalysis.objects.get(public_id=body["id"])

    changed = send(
        client,
        "PATCH",
        chain_url(chain),
        {"version": chain.version, "agreements": ["PHENOMENOLOGICAL_EMPATHY"]},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["assumptions"] == ["ALL_BEHAVIOR_IS_CAUSED"]  # left as it was
    assert changed.json()["agreements"] == ["PHENOMENOLOGICAL_EMPATHY"]
    listed = {row["id"]: row for row in client.get(CHAINS).json()["results"]}
    assert listed[str(chain.public_id)]["agreements"] == ["PHENOMENOLOGICAL_EMPATHY"]


def test_several_citations_read_alike_in_the_list_and_the_detail_in_reference_order(client, world):
    """The list reads the citations from a prefetched list (cases.serializers.with_citations),
    the relation gives them in the reference's order: both must agree."""
    client = signed_in(client, world.tara)
    assumptions = list(Assumption.objects.values_list("code", flat=True))
    agreements = list(Agreement.objects.values_list("code", flat=True))
    data = client_tib(
        world, assumptions=list(reversed(assumptions)), agreements=list(reversed(agreements))
    )
    response = send(client, "POST", TIBS, data)
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    listed = {row["id"]: row for row in client.get(TIBS).json()["results"]}[entry_id]
    detail = client.get(f"{TIBS}{entry_id}/").json()
    for body in (response.json(), listed, detail):
        assert (body["assumptions"], body["agreements"]) == (assumptions, agreements)
    assert len(assumptions) > 1
    assert len(agreements) > 1


@pytest.mark.parametrize("field", ["assumptions", "agreements"])
def test_an_unknown_code_is_400_naming_it_and_writes_nothing(client, world, field):
    client = signed_in(client, world.tara)
    before = rows(TIBEntry), rows(ChainAnalysis)
    response = send(client, "POST", TIBS, client_tib(world, **{field: ["NOT_A_CODE"]}))
    assert response.status_code == 400, response.content
    assert "NOT_A_CODE" in str(response.json()[field])
    chain = world.tara_chain_draft
    response = send(
        client, "PATCH", chain_url(chain), {"version": chain.version, field: ["NOT_A_CODE"]}
    )
    assert response.status_code == 400, response.content
    assert "NOT_A_CODE" in str(response.json()[field])
    assert (rows(TIBEntry), rows(ChainAnalysis)) == before
