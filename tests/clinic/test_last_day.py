"""A member's last day (issue 21, point 6): the handover, then access ending at once.

Tara leaves Alpha with a case, an action she owes, an item for the coming meeting and its
observer's role, a review she
asked for and a co-therapy on Theo's case; each is handed over or closed in one transaction,
then her grants, sessions and token end (Alpha was her only team). Theo leaves Alpha but stays
on Beta: he gets 404 on every route of Alpha the access matrix knows, and keeps Beta and his
session. A bad decision, or a failure after the writes, changes nothing.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from agendas import services as meetings
from agendas.choices import ActionStatus
from agendas.models import ActionItem, AgendaItem, RoleAssignment
from cases import services as clinical
from cases.models import Case, CaseUserObjectPermission, ReviewRequest
from clinic.handover import HandoverKind, handover_of, membership_handover
from clinic.last_day import Decision, membership_end
from consultteam import events
from consultteam.audit.models import Action, AuditEvent
from consultteam.events import MeetingsChanged
from consultteam.teams.models import Membership, Role
from tests.access_rows import all_rows
from tests.clients import client_for, is_signed_in, send
from tests.factories import MembershipFactory, TeamFactory
from tests.meeting_makers import meeting_on, submit, upcoming
from tests.page_html import asks_first, parse

pytestmark = pytest.mark.django_db

# The day the cast joined (a membership's default). Where Alpha meets (Chicago) it may still
# be yesterday: the service takes the later of the team's today and the server's.
TODAY = dt.date.today()


def membership(person: Any, team: Any) -> Membership:
    return Membership.objects.select_related("team", "user").get(user=person, team=team)


@pytest.fixture
def taras_work(world: SimpleNamespace) -> SimpleNamespace:
    """Everything Tara holds on Alpha that someone must take over."""
    held = meeting_on(world.alpha, dt.timedelta(days=-1), status="IN_PROGRESS")
    action = meetings.action_item_add(
        meeting=held, by=world.lena, owner=world.tara, description="Send the new diary card."
    )
    coming = upcoming(world)
    item = submit(coming, world.tara, "Consultation on a stuck pattern")
    role = meetings.role_assign(meeting=coming, role="OBSERVER", member=world.tara, by=world.lena)
    review = clinical.review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.sam)
    theos_case = clinical.case_open(team=world.alpha, by=world.theo, opened=TODAY)
    clinical.case_co_therapist_add(case=theos_case, therapist=world.tara, by=world.theo)
    return SimpleNamespace(
        action=action, item=item, role=role, review=review, theos_case=theos_case
    )


def _decisions(world: SimpleNamespace, work: SimpleNamespace) -> list[dict[str, Any]]:
    theo = str(membership(world.theo, world.alpha).public_id)
    return [
        {"kind": "CASE", "id": str(world.tara_case.public_id), "outcome": "REASSIGN", "to": theo},
        {"kind": "ACTION_ITEM", "id": str(work.action.public_id), "outcome": "CLOSE"},
        {"kind": "AGENDA_ITEM", "id": str(work.item.public_id), "outcome": "REASSIGN", "to": theo},
        {"kind": "MEETING_ROLE", "id": str(work.role.public_id), "outcome": "REASSIGN", "to": theo},
        {
            "kind": "REVIEW_ASKED",
            "id": str(work.review.public_id),
            "outcome": "REASSIGN",
            "to": theo,
        },
        {"kind": "CO_THERAPY", "id": str(work.theos_case.public_id), "outcome": "CLOSE"},
    ]


def _end_url(world: SimpleNamespace, person: Any, what: str = "end") -> str:
    member = membership(person, world.alpha)
    return f"/api/v1/teams/{world.alpha.public_id}/members/{member.public_id}/{what}/"


def _state(world: SimpleNamespace, work: SimpleNamespace) -> dict[str, Any]:
    """What the handover would change, to prove a refusal changed none of it."""
    return {
        "membership": Membership.objects.filter(user=world.tara).values_list(
            "is_active", "left_on"
        )[0],
        "case": Case.objects.filter(pk=world.tara_case.pk).values_list(
            "primary_therapist", "status"
        )[0],
        "action": ActionItem.objects.filter(pk=work.action.pk).values_list("owner", "status")[0],
        "item": AgendaItem.objects.filter(pk=work.item.pk).values_list("submitter", "status")[0],
        "role": RoleAssignment.objects.filter(pk=work.role.pk).values_list("member")[0],
        "review": ReviewRequest.objects.filter(pk=work.review.pk).values_list("requested_by")[0],
        "grants": CaseUserObjectPermission.objects.filter(user=world.tara).count(),
        "events": AuditEvent.objects.filter(action=Action.REVOKE).count(),
    }


def test_the_handover_lists_each_piece_of_work_with_who_may_take_it(world, taras_work):
    answer = client_for(world.lena).get(_end_url(world, world.tara, "handover"))

    assert answer.status_code == 200
    items = {item["kind"]: item for item in answer.json()["items"]}
    assert set(items) == {
        "CASE",
        "ACTION_ITEM",
        "AGENDA_ITEM",
        "MEETING_ROLE",
        "REVIEW_ASKED",
        "CO_THERAPY",
    }
    assert items["MEETING_ROLE"]["label"].startswith("Observer at the meeting of ")
    assert items["CASE"]["label"] == f"Case {world.tara_case.code} (active)"
    # A case goes to a clinician: Theo and Lena, never Sam the supervisor.
    assert {c["display_name"] for c in items["CASE"]["candidates"]} == {"Lena", "Theo"}
    assert {c["display_name"] for c in items["ACTION_ITEM"]["candidates"]} == {
        "Lena",
        "Sam",
        "Theo",
    }
    # Theo is the primary therapist of the case Tara co-treats: not a co-therapist of it.
    assert {c["display_name"] for c in items["CO_THERAPY"]["candidates"]} == {"Lena"}
    # No clinical text in the list: the action's words and the item's title stay out.
    assert "diary card" not in answer.content.decode()
    assert "stuck pattern" not in answer.content.decode()


def test_a_supervisors_reviews_go_to_another_overseer(world, taras_work):
    handover = membership_handover(membership(world.sam, world.alpha), by=world.ada)

    [review] = handover.items
    assert review.kind == HandoverKind.REVIEW_TO_GIVE
    assert [m.user for m in review.candidates] == [world.lena]


def test_ending_hands_over_closes_and_ends_every_access_at_once(world, taras_work):
    tara_page = client_for(world.tara)
    token = "Token " + _tara_token_key(world)
    assert (
        tara_page.get(reverse("case-detail", args=[world.tara_case.public_id])).status_code == 200
    )

    answer = send(
        client_for(world.lena),
        "post",
        _end_url(world, world.tara),
        {"left_on": TODAY.isoformat(), "decisions": _decisions(world, taras_work)},
    )

    assert answer.status_code == 200, answer.content
    assert answer.json()["reassigned"] == {
        "CASE": 1,
        "AGENDA_ITEM": 1,
        "MEETING_ROLE": 1,
        "REVIEW_ASKED": 1,
    }
    assert answer.json()["closed"] == {"ACTION_ITEM": 1, "CO_THERAPY": 1}
    assert answer.json()["sessions_ended"] >= 1
    assert answer.json()["tokens_ended"] == 1
    left = membership(world.tara, world.alpha)
    assert (left.is_active, left.left_on) == (False, TODAY)
    world.tara_case.refresh_from_db()
    assert world.tara_case.primary_therapist == world.theo
    assert ActionItem.objects.get(pk=taras_work.action.pk).status == ActionStatus.DROPPED
    assert AgendaItem.objects.get(pk=taras_work.item.pk).submitter == world.theo
    assert RoleAssignment.objects.get(pk=taras_work.role.pk).member == world.theo
    assert ReviewRequest.objects.get(pk=taras_work.review.pk).requested_by == world.theo
    assert not CaseUserObjectPermission.objects.filter(user=world.tara).exists()
    # Alpha was her only team: her session and her token open nothing any more.
    assert not is_signed_in(tara_page)
    assert Client().get("/api/v1/cases/", HTTP_AUTHORIZATION=token).status_code == 401
    # Audited with counts, never text.
    event = AuditEvent.objects.get(action=Action.REVOKE, object_id=str(left.public_id))
    assert "case.reassigned=1" in event.fields
    assert "action_item.closed=1" in event.fields
    assert "tokens.ended=1" in event.fields


def _tara_token_key(world: SimpleNamespace) -> str:
    from consultteam.accounts.services import api_token_issue

    _token, key = api_token_issue(user=world.tara, name="Tara's other laptop")
    world.tara_token.delete()  # one token, so the count is exact
    return key


def test_a_bad_decision_in_the_middle_changes_nothing(world, taras_work):
    decisions = _decisions(world, taras_work)
    # The agenda item (third) to Sam, a supervisor, who brings no items.
    decisions[2]["to"] = str(membership(world.sam, world.alpha).public_id)
    before = _state(world, taras_work)

    answer = send(
        client_for(world.lena),
        "post",
        _end_url(world, world.tara),
        {"left_on": TODAY.isoformat(), "decisions": decisions},
    )

    assert answer.status_code == 400
    [problem] = answer.json()["decisions"]
    assert "choose one of the current members who may take it over" in problem
    assert _state(world, taras_work) == before


def test_an_item_left_undecided_is_named_and_nothing_changes(world, taras_work):
    before = _state(world, taras_work)

    answer = send(
        client_for(world.ada),
        "post",
        _end_url(world, world.tara),
        {"left_on": TODAY.isoformat(), "decisions": _decisions(world, taras_work)[1:]},
    )

    assert answer.status_code == 400
    assert answer.json()["decisions"] == [
        f"Case {world.tara_case.code} (active): choose who takes it over, or close it."
    ]
    assert _state(world, taras_work) == before


def test_a_failure_after_every_write_rolls_all_of_it_back(world, taras_work, monkeypatch):
    def failing(event: MeetingsChanged) -> None:
        raise RuntimeError("a listener failed")

    listeners = [*events._subscribers[MeetingsChanged], failing]
    monkeypatch.setitem(events._subscribers, MeetingsChanged, listeners)
    before = _state(world, taras_work)

    with pytest.raises(RuntimeError):
        membership_end(
            membership=membership(world.tara, world.alpha),
            by=world.lena,
            left_on=TODAY,
            decisions=[Decision(**d) for d in _decisions(world, taras_work)],
        )

    assert _state(world, taras_work) == before


def test_a_former_member_gets_404_on_every_route_of_the_team_and_keeps_the_others(world):
    MembershipFactory.create(team=world.beta, user=world.theo, role=Role.THERAPIST)
    theo = client_for(world.theo)
    rows = [
        row
        for row in all_rows()
        if row.method == "GET" and row.expect["theo"] == 200 and row.expect["fern"] == 404
    ]
    urls = [reverse(row.route, kwargs=row.kwargs(world)) for row in rows]
    assert len(urls) > 20  # the matrix's routes of Alpha, pages and API
    assert {theo.get(url).status_code for url in urls} == {200}

    # Reading the meetings rotated their roles to him: whatever he holds is closed.
    leaving = membership(world.theo, world.alpha)
    closing = [Decision(kind=i.kind, id=i.id, outcome="CLOSE") for i in handover_of(leaving).items]
    membership_end(membership=leaving, by=world.lena, left_on=TODAY, decisions=closing)

    answers = {url: theo.get(url).status_code for url in urls}
    assert {url for url, status in answers.items() if status != 404} == set()
    # Beta is still his, with the same session.
    assert is_signed_in(theo)
    assert theo.get(reverse("team-detail", args=[world.beta.public_id])).status_code == 200
    assert theo.get(f"/api/v1/cases/{world.olga_case.public_id}/").status_code == 200


def test_the_team_page_lists_former_members_with_their_dates(world):
    joined = TODAY - dt.timedelta(days=400)
    Membership.objects.filter(user=world.theo).update(joined_on=joined)
    membership_end(
        membership=membership(world.theo, world.alpha), by=world.lena, left_on=TODAY, decisions=[]
    )

    page = client_for(world.tara).get(reverse("team-detail", args=[world.alpha.public_id]))

    html = page.content.decode()
    former = html[html.index("Former members") :]
    assert "Theo" in former
    assert "Fern" in former
    assert f"{joined:%-d %b %Y}" in former
    assert f"{TODAY:%-d %b %Y}" in former
    roster = html[: html.index("Former members")]
    assert "Theo" not in roster


def test_the_leader_hands_over_on_the_page(world, taras_work):
    lena = client_for(world.lena)
    url = reverse("member-handover", args=[world.alpha.public_id, _tara_member(world)])
    page = lena.get(url)
    assert page.status_code == 200
    assert f"Case {world.tara_case.code}" in page.content.decode()
    asks_first(parse(page), opens="End Tara's membership", does="Yes, hand over and end it")

    theo = str(membership(world.theo, world.alpha).public_id)
    form = {"left_on": TODAY.isoformat()}
    for decision in _decisions(world, taras_work):
        name = f"decide-{decision['kind']}-{decision['id']}"
        form[name] = decision.get("to") or "close"
    form[f"decide-CASE-{world.tara_case.public_id}"] = ""  # forgot one
    refused = lena.post(url, form)
    assert refused.status_code == 400
    assert membership(world.tara, world.alpha).is_active

    form[f"decide-CASE-{world.tara_case.public_id}"] = theo
    done = lena.post(url, form)

    assert done.status_code == 302
    assert not membership(world.tara, world.alpha).is_active
    team_page = lena.get(done["Location"]).content.decode()
    # Counts only, as in the trail: the case, the item, the role and the review she asked for
    # handed to Theo; the action and her co-therapy of Theo's case closed.
    assert "membership has ended: 4 records handed over, 2 closed, 1 grant ended." in team_page
    assert lena.get(url).status_code == 200  # says she has left, offers nothing to send


def _tara_member(world: SimpleNamespace) -> str:
    return str(membership(world.tara, world.alpha).public_id)


def test_the_last_leader_cannot_leave_and_a_second_end_is_refused(world):
    lena = client_for(world.lena)
    body = {"left_on": TODAY.isoformat(), "decisions": []}
    refused = send(lena, "post", _end_url(world, world.lena), body)
    assert refused.status_code == 409
    assert "only leader" in refused.json()["detail"]

    assert send(lena, "post", _end_url(world, world.theo), body).status_code == 200
    again = send(lena, "post", _end_url(world, world.theo), body)
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("left_on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "today or earlier"),
        (TODAY - dt.timedelta(days=9000), "joined"),
    ],
)
def test_the_last_day_is_today_or_earlier_and_not_before_joining(world, left_on, message):
    answer = send(
        client_for(world.lena),
        "post",
        _end_url(world, world.theo),
        {"left_on": left_on.isoformat(), "decisions": []},
    )

    assert answer.status_code == 400
    assert message in answer.json()["left_on"][0]
    assert membership(world.theo, world.alpha).is_active


def test_deactivating_an_account_ends_everything(world):
    """However it is done (here as the admin's form saves it), a deactivated account's session
    and token open nothing, and its memberships show it no team."""
    page = client_for(world.tara)
    key = _tara_token_key(world)
    assert page.get(reverse("team-detail", args=[world.alpha.public_id])).status_code == 200

    world.tara.is_active = False
    world.tara.save()

    assert page.get(reverse("team-detail", args=[world.alpha.public_id])).status_code == 302
    assert page.get(f"/api/v1/cases/{world.tara_case.public_id}/").status_code in {401, 403}
    assert Client().get("/api/v1/teams/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    world.tara.is_active = True
    world.tara.save()
    # Turned on again, the old token does not come back.
    assert Client().get("/api/v1/teams/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_review_handed_over_waits_on_its_new_reviewer_who_is_told(world, taras_work):
    from reminders.choices import ReminderKind
    from reminders.models import Reminder

    sam = membership(world.sam, world.alpha)
    to_lena = Decision(
        kind="REVIEW_TO_GIVE",
        id=taras_work.review.public_id,
        outcome="REASSIGN",
        to=membership(world.lena, world.alpha).public_id,
    )

    membership_end(membership=sam, by=world.ada, left_on=TODAY, decisions=[to_lena])

    assert ReviewRequest.objects.get(pk=taras_work.review.pk).reviewer == world.lena
    assert Reminder.objects.filter(
        recipient=world.lena, kind=ReminderKind.REVIEW_REQUESTED
    ).exists()


def test_an_administrator_who_steps_down_as_leader_stays_signed_in(world):
    """On a new install the administrator leads the first team until its leader joins, then
    steps down: their last team, yet they still administer the service."""
    gamma = TeamFactory.create(name="Gamma")
    MembershipFactory(team=gamma, user=world.ada, role=Role.TEAM_LEADER)
    MembershipFactory(team=gamma, user=world.lena, role=Role.TEAM_LEADER)
    ada = client_for(world.ada)

    answer = send(
        client_for(world.lena),
        "post",
        f"/api/v1/teams/{gamma.public_id}/members/{membership(world.ada, gamma).public_id}/end/",
        {"left_on": TODAY.isoformat(), "decisions": []},
    )

    assert answer.status_code == 200, answer.content
    assert (answer.json()["sessions_ended"], answer.json()["tokens_ended"]) == (0, 0)
    assert is_signed_in(ada)
