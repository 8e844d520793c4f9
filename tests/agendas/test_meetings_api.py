"""The meeting's API: what each person sees, the shapes it answers with, bad input, locked
minutes, exactly-once completion, the Markdown export and the query budgets.

Who may do what on each route is covered row by row in tests/access_rows/meetings_api.py.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from agendas import services
from agendas.models import ActionItem, AgendaItem, Meeting, RoleAssignment
from consultteam.audit.models import Action, AuditEvent
from tests.clients import send, signed_in
from tests.meeting_makers import meeting_on, submit, upcoming

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/meetings/"
ITEMS = "/api/v1/agenda-items/"


def meeting_url(meeting: Meeting, rest: str = "") -> str:
    return f"{MEETINGS}{meeting.public_id}/{rest}"


def rows(model: type[Any]) -> list[dict[str, Any]]:
    return list(model.objects.order_by("pk").values())


def test_members_list_their_teams_meetings_and_outsiders_none(client, world):
    alpha, beta = upcoming(world), meeting_on(world.beta, dt.timedelta(days=2))
    for person in (world.tara, world.sam, world.lena):
        listed = signed_in(client, person).get(MEETINGS).json()["results"]
        assert [row["id"] for row in listed] == [str(alpha.public_id)]
    olga = signed_in(client, world.olga).get(MEETINGS).json()["results"]
    assert [row["id"] for row in olga] == [str(beta.public_id)]
    for outsider in (world.fern, world.ada):
        assert signed_in(client, outsider).get(MEETINGS).json()["results"] == []
    assert signed_in(client, world.olga).get(meeting_url(alpha)).status_code == 404


def test_meeting_detail_shows_the_local_time_roles_and_agreement(client, world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    body = signed_in(client, world.theo).get(meeting_url(meeting)).json()
    assert body["time_zone"] == "America/Chicago"
    assert body["local_starts_at"].endswith(("-06:00", "-05:00"))
    assert body["agreement"] == "DIALECTICAL"
    assert {row["role"]: row["member_name"] for row in body["roles"]}["OBSERVER"] == "Tara"


def test_the_agenda_shows_case_codes_only_and_the_time_warning(client, world):
    meeting = upcoming(world)
    submit(meeting, world.tara, "Long", case=world.tara_case, minutes_requested=80)
    late = submit(meeting, world.theo, "Another", minutes_requested=20)
    body = signed_in(client, world.sam).get(meeting_url(meeting, "agenda/")).json()
    first = body["items"][0]
    assert first["case_code"] == world.tara_case.code
    assert first["position"] == 1
    assert "case" not in first
    assert str(world.tara_case.public_id) not in json.dumps(body)
    assert (body["minutes_requested"], body["meeting_minutes"], body["over_by"]) == (100, 90, 10)
    assert body["will_not_fit"] == [str(late.public_id)]
    assert "10 minutes" in body["warning"]


def test_a_discussed_item_moves_from_the_waiting_list_to_settled(client, world):
    meeting = upcoming(world)
    first = submit(meeting, world.tara, "Calls after hours", case=world.tara_case)
    second = submit(meeting, world.theo, "Skipped group twice")
    services.meeting_start(meeting=meeting, by=world.lena)
    services.agenda_item_discuss(
        item=first, by=world.lena, outcome="A coaching plan.", actual_minutes=12
    )
    body = signed_in(client, world.sam).get(meeting_url(meeting, "agenda/")).json()
    assert [(row["id"], row["position"]) for row in body["items"]] == [(str(second.public_id), 1)]
    [settled] = body["settled"]
    assert (settled["id"], settled["status"], settled["position"]) == (
        str(first.public_id),
        "DISCUSSED",
        None,
    )
    assert (settled["outcome"], settled["case_code"]) == ("A coaching plan.", world.tara_case.code)


def test_submitting_after_the_cutoff_says_where_the_item_went(client, world):
    meeting = meeting_on(world.alpha, dt.timedelta(hours=3))
    following = upcoming(world, days=7)
    response = send(
        signed_in(client, world.tara),
        "POST",
        meeting_url(meeting, "agenda/"),
        {"title": "Missed group twice", "case": str(world.tara_case.public_id)},
    )
    assert response.status_code == 201, response.content
    assert response.json()["meeting"] == str(following.public_id)
    assert "next meeting" in response.json()["notice"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "title"),
        ({"title": "x", "urgency": "SOON"}, "urgency"),
        ({"title": "x", "minutes_requested": 0}, "minutes_requested"),
        ({"title": "x", "case": "not-a-uuid"}, "case"),
        ({"title": "x", "status": "DISCUSSED"}, "status"),
        ({"title": "x", "outcome": "Decided"}, "outcome"),
    ],
)
def test_bad_agenda_input_is_400_naming_the_field(client, world, data, field):
    meeting = upcoming(world)
    before = rows(AgendaItem)
    response = send(signed_in(client, world.tara), "POST", meeting_url(meeting, "agenda/"), data)
    assert response.status_code == 400
    assert field in response.json()
    assert rows(AgendaItem) == before


def test_an_item_for_another_teams_case_is_400(client, world):
    response = send(
        signed_in(client, world.tara),
        "POST",
        meeting_url(upcoming(world), "agenda/"),
        {"title": "x", "case": str(world.olga_case.public_id)},
    )
    assert response.status_code == 400
    assert "case" in response.json()


def test_a_move_needs_a_reason(client, world):
    meeting = upcoming(world)
    item = submit(meeting, world.tara)
    client = signed_in(client, world.lena)
    url = f"{ITEMS}{item.public_id}/move/"
    assert send(client, "POST", url, {"position": 1}).status_code == 400
    assert send(client, "POST", url, {"position": 1, "reason": " "}).status_code == 400
    response = send(client, "POST", url, {"position": 1, "reason": "Risk first"})
    assert response.status_code == 200
    assert response.json()["move_reason"] == "Risk first"


def test_completing_twice_via_the_api_and_locked_minutes(client, world):
    meeting = upcoming(world)
    submit(meeting, world.tara, "Not reached")
    services.action_item_add(meeting=meeting, by=world.lena, owner=world.tara, description="X")
    client = signed_in(client, world.lena)
    url = meeting_url(meeting, "complete/")
    first = send(client, "POST", url, {"minutes_text": "Final"})
    assert first.status_code == 200
    assert first.json()["status"] == "COMPLETED"
    counts = (AgendaItem.objects.count(), ActionItem.objects.count())
    assert send(client, "POST", url, {"minutes_text": "Again"}).status_code == 200
    assert (AgendaItem.objects.count(), ActionItem.objects.count()) == counts
    version = Meeting.objects.get(pk=meeting.pk).version
    edit = send(client, "PATCH", meeting_url(meeting), {"version": version, "minutes_text": "New"})
    assert edit.status_code == 409
    assert "locked" in edit.json()["detail"]
    assert Meeting.objects.get(pk=meeting.pk).minutes_text == "Final"


def test_markdown_export_is_audited_and_has_case_codes_only(client, world):
    meeting = upcoming(world)
    submit(meeting, world.tara, "About the case", case=world.tara_case)
    response = signed_in(client, world.theo).get(meeting_url(meeting, "minutes.md/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert world.tara_case.code in text
    assert world.tara_tib_shared.description not in text
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, actor=world.theo, object_id=str(meeting.public_id)
    ).exists()


def test_the_observer_summary_counts_for_the_team_and_names_no_one(client, world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    response = send(
        signed_in(client, world.tara),
        "POST",
        meeting_url(meeting, "observer-flags/"),
        {"reason": "DEFENSIVENESS", "agreement": "FALLIBILITY"},
    )
    assert response.status_code == 201, response.content
    assert "raised_by" not in response.json()
    url = f"/api/v1/observer-summary/{world.alpha.public_id}/"
    body = signed_in(client, world.sam).get(url).json()
    assert body["by_reason"]["DEFENSIVENESS"] == 1
    assert body["by_agreement"] == {"FALLIBILITY": 1}
    for person in (world.tara, world.theo, world.lena, world.sam):
        assert person.display_name not in json.dumps(body)
    assert signed_in(client, world.olga).get(url).status_code == 404


def test_swapping_with_a_non_member_is_400(client, world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)
    response = send(
        signed_in(client, world.lena),
        "POST",
        meeting_url(meeting, "roles/swap/"),
        {"role": "OBSERVER", "with_member": str(world.olga.public_id)},
    )
    assert response.status_code == 400
    assert "with_member" in response.json()


def test_a_second_holder_for_a_role_is_409_naming_the_holder(client, world):
    meeting = upcoming(world)
    services.roles_rotate(meeting=meeting, by=world.lena)  # Tara observes
    before = rows(RoleAssignment)
    response = send(
        signed_in(client, world.lena),
        "POST",
        meeting_url(meeting, "roles/"),
        {"role": "OBSERVER", "member": str(world.theo.public_id)},
    )
    assert response.status_code == 409, response.content
    assert "Tara already holds" in response.json()["detail"]
    assert "swap" in response.json()["detail"]
    assert rows(RoleAssignment) == before


@pytest.mark.parametrize(
    ("who", "words"),
    [
        ("olga", "no current member of this team"),  # another team's
        ("fern", "no current member of this team"),  # left the team
        ("sam", "not a current clinician"),  # the supervisor takes no role
    ],
)
def test_a_role_for_a_non_member_or_former_member_is_400(client, world, who, words):
    meeting = upcoming(world)
    response = send(
        signed_in(client, world.lena),
        "POST",
        meeting_url(meeting, "roles/"),
        {"role": "TIMEKEEPER", "member": str(getattr(world, who).public_id)},
    )
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()["member"])
    assert not RoleAssignment.objects.filter(meeting=meeting).exists()


# --- Query budgets -------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30], ids=["few-rows", "many-rows"])
def test_meeting_list_query_budget(client, world, django_assert_num_queries, extra):
    for days in range(extra):
        upcoming(world, days + 1)
    client = signed_in(client, world.tara)
    with django_assert_num_queries(3):
        # 1. the session
        # 2. the signed-in person
        # 3. one page of meetings with their team and agreement (visibility is a subquery)
        response = client.get(MEETINGS, {"page_size": 20})
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [1, 25], ids=["few-items", "many-items"])
def test_agenda_query_budget(client, world, django_assert_num_queries, extra):
    meeting = upcoming(world)
    for number in range(extra):
        submit(meeting, world.tara, f"Item {number}", case=world.tara_case)
    client = signed_in(client, world.theo)
    assert client.get(meeting_url(meeting, "agenda/")).status_code == 200  # compiles its read
    with django_assert_num_queries(5):
        # 1. the session
        # 2. the signed-in person
        # 3. the meeting (visible_to, with its team and agreement), which also answers the
        #    rule (seen_through_lookup)
        # 4. the items with submitter, case, linked records and carried-from meeting, one
        #    compiled statement (agendas/agenda_read.py)
        # 5. the read's audit event
        response = client.get(meeting_url(meeting, "agenda/"))
    assert response.status_code == 200
    assert len(response.json()["items"]) == extra


@pytest.mark.parametrize("extra", [1, 25], ids=["few-rows", "many-rows"])
def test_action_item_list_query_budget(client, world, django_assert_num_queries, extra):
    meeting = upcoming(world)
    for number in range(extra):
        services.action_item_add(
            meeting=meeting, by=world.lena, owner=world.tara, description=f"Action {number}"
        )
    client = signed_in(client, world.tara)
    with django_assert_num_queries(4):
        # 1. the session  2. the signed-in person  3. one page with meeting, owner, links
        # 4. the read's audit event, naming the actions shown
        response = client.get("/api/v1/action-items/", {"mine": "true"})
    assert len(response.json()["results"]) == extra


def test_a_flag_naming_an_unknown_agreement_is_400(client, world):
    meeting = upcoming(world)
    response = send(
        signed_in(client, world.lena),
        "POST",
        meeting_url(meeting, "observer-flags/"),
        {"reason": "OTHER", "agreement": "PATIENCE"},
    )
    assert response.status_code == 400
    assert "agreement" in response.json()


def test_minutes_in_the_api_are_checked_for_identifiers(client, world):
    meeting = upcoming(world)
    lena = signed_in(client, world.lena)
    phone = "Call back on 555-010-0199 after group."
    stopped = send(lena, "PATCH", meeting_url(meeting), {"version": 1, "minutes_text": phone})
    assert stopped.status_code == 400
    assert Meeting.objects.get(pk=meeting.pk).minutes_text == ""
    kept = send(
        lena,
        "PATCH",
        meeting_url(meeting),
        {"version": 1, "minutes_text": phone, "identifier_override": "The clinic's own line."},
    )
    assert kept.status_code == 200
    finished = send(
        lena,
        "POST",
        meeting_url(meeting, "complete/"),
        {"minutes_text": "Reach the client at 555-010-0123."},
    )
    assert finished.status_code == 400
    assert Meeting.objects.get(pk=meeting.pk).status == "SCHEDULED", "nothing half-done"
