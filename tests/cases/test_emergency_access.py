"""Emergency (break-glass) access: someone an administrator named on call across teams reads
one case of another team for a few hours after stating why; the case's therapist and team
leader are told at once (with no clinical content); every audit event under it carries its
id; a second person reviews it; when it expires the case answers 404 again.

Bea leads Beta and is on call across teams, so Alpha's case (tara_case in the `world` of
tests/conftest.py) is not hers to see until she opens emergency access to it. Leading or
supervising another team is not enough on its own (issue 19).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cases import services as clinical
from cases.models import EmergencyAccess
from consultteam.accounts.models import User
from consultteam.audit.models import Action, AuditEvent
from consultteam.teams.models import Role
from tests.clients import client_for, send
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OPEN = "/api/v1/emergency-access/"
REASON = "Client called the crisis line; Tara is on a flight and cannot be reached."


@pytest.fixture
def bea(world: SimpleNamespace) -> User:
    user = UserFactory.create(email="bea@beta.example", display_name="Bea")
    on_call(user)
    MembershipFactory.create(team=world.beta, user=user, role=Role.TEAM_LEADER)
    return user


def on_call(user: User) -> None:
    """As an administrator names someone on call across teams, in the admin."""
    user.user_permissions.add(Permission.objects.get(codename="open_across_teams"))


def open_body(world: SimpleNamespace, reason: str = REASON) -> dict[str, Any]:
    return {"team": str(world.alpha.public_id), "code": world.tara_case.code, "reason": reason}


def test_a_leader_of_another_team_opens_it_reads_the_record_and_is_audited(
    world, bea, django_capture_on_commit_callbacks
):
    client = client_for(bea)
    case_url = f"/api/v1/cases/{world.tara_case.public_id}/"
    assert client.get(case_url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "POST", OPEN, open_body(world))
    assert response.status_code == 201, response.content
    access = EmergencyAccess.objects.get()
    assert (access.case, access.user, access.reason) == (world.tara_case, bea, REASON)
    assert access.expires_at - access.opened_at == dt.timedelta(hours=4)

    # The whole record of the case, as a co-therapist reads it, and read-only.
    assert client.get(case_url).status_code == 200
    tib_url = f"/api/v1/tib-entries/{world.tara_tib_private.public_id}/"
    chain_url = f"/api/v1/chain-analyses/{world.tara_chain_draft.public_id}/"
    assert client.get(tib_url).status_code == 200
    assert client.get(chain_url).status_code == 200
    assert client.patch(case_url, {"stage": "STAGE_2"}, "application/json").status_code == 403
    assert client.get(f"/api/v1/tib-entries/{world.olga_case_tib.public_id}/").status_code == 200
    assert client.get(f"/api/v1/tib-entries/{world.tara_own_tib.public_id}/").status_code == 404
    page = client.get(reverse("case-detail", kwargs={"case_id": world.tara_case.public_id}))
    assert page.status_code == 200
    assert "Emergency access (until" in page.content.decode()
    assert REASON in page.content.decode()

    # Every event made under it carries its id: the opening (OVERRIDE) and each read.
    under_it = AuditEvent.objects.filter(
        actor=bea,
        object_id__in=[
            str(world.tara_case.public_id),
            str(world.tara_tib_private.public_id),
            str(world.tara_chain_draft.public_id),
        ],
    )
    assert {(e.action, e.emergency_access) for e in under_it} == {
        (Action.OVERRIDE, str(access.public_id)),
        (Action.VIEW, str(access.public_id)),
    }
    assert under_it.filter(action=Action.VIEW).count() == 4  # case (API, page), TIB, chain
    assert under_it.get(action=Action.OVERRIDE).team == world.alpha

    # Tara (primary therapist) and Lena (Alpha's leader) are told, with nothing clinical.
    assert sorted(to for message in mail.outbox for to in message.to) == [
        "lena@alpha.example",
        "tara@alpha.example",
    ]
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert "Emergency access was opened on a case of your team by Bea" in text
        assert reverse("emergency-review") in text
        assert world.tara_case.code not in text
        assert REASON not in text
        assert "Diary card" not in text

    # Others' events are untouched: Lena reading her own team's case is no emergency.
    client_for(world.lena).get(case_url)
    assert (
        AuditEvent.objects.filter(actor=world.lena, action=Action.VIEW).get().emergency_access == ""
    )


def test_the_page_opens_it_by_team_and_code_and_goes_to_the_case(world, bea):
    client = client_for(bea)
    response = client.post(
        reverse("emergency-access"),
        {"team": world.alpha.public_id, "code": world.tara_case.code.lower(), "reason": REASON},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "case-detail", kwargs={"case_id": world.tara_case.public_id}
    )
    assert EmergencyAccess.objects.filter(user=bea).count() == 1


@pytest.mark.parametrize("reason", ["", "Urgent!", "Clientatriskandtherapistunreachable"])
def test_a_reason_of_less_than_a_sentence_is_refused(world, bea, reason):
    response = send(client_for(bea), "POST", OPEN, open_body(world, reason))
    assert response.status_code == 400
    assert not EmergencyAccess.objects.exists()
    page = client_for(bea).post(
        reverse("emergency-access"),
        {"team": world.alpha.public_id, "code": world.tara_case.code, "reason": reason},
    )
    assert page.status_code == 400
    assert not EmergencyAccess.objects.exists()


def test_an_unknown_code_is_a_clear_400(world, bea):
    response = send(client_for(bea), "POST", OPEN, {**open_body(world), "code": "C-ZZZZZZ"})
    assert response.status_code == 400
    assert "no case with this code" in response.json()["code"][0]


def test_a_therapist_cannot_open_it(world):
    response = send(client_for(world.olga), "POST", OPEN, open_body(world))
    assert response.status_code == 403
    assert not EmergencyAccess.objects.exists()


def test_someone_who_can_already_see_the_case_is_told_so(world):
    response = send(client_for(world.sam), "POST", OPEN, open_body(world))
    assert response.status_code == 400
    assert "already see this case" in response.json()["code"][0]
    assert not EmergencyAccess.objects.exists()


def test_when_it_expires_the_case_answers_404_again(world, bea):
    client = client_for(bea)
    assert send(client, "POST", OPEN, open_body(world)).status_code == 201
    case_url = f"/api/v1/cases/{world.tara_case.public_id}/"
    assert client.get(case_url).status_code == 200
    # Time moves on: the grant began five hours ago and ended a second ago.
    now = timezone.now()
    EmergencyAccess.objects.update(
        opened_at=now - dt.timedelta(hours=5), expires_at=now - dt.timedelta(seconds=1)
    )
    assert client.get(case_url).status_code == 404
    assert client.get(f"/api/v1/tib-entries/{world.tara_tib_private.public_id}/").status_code == 404
    page = client.get(reverse("case-detail", kwargs={"case_id": world.tara_case.public_id}))
    assert page.status_code == 404


def test_the_opener_cannot_review_it_and_the_team_leader_does(world, bea):
    access = clinical.emergency_access_open(case=world.tara_case, by=bea, reason=REASON)
    with pytest.raises(PermissionDenied):
        clinical.emergency_access_review(access=access, by=bea, note="Looked fine to me.")
    review_url = f"{OPEN}{access.public_id}/review/"
    assert send(client_for(bea), "POST", review_url, {"note": "Mine."}).status_code == 404
    # A therapist of the team does not review it either.
    assert send(client_for(world.tara), "POST", review_url, {"note": "Fine."}).status_code == 404

    lena = client_for(world.lena)
    listed = lena.get(OPEN).json()
    assert [row["id"] for row in listed] == [str(access.public_id)]
    assert str(access.public_id) in lena.get(reverse("emergency-review")).content.decode()

    response = send(lena, "POST", review_url, {"note": "Called Tara back; the access was needed."})
    assert response.status_code == 200
    access.refresh_from_db()
    assert access.reviewed_by == world.lena
    assert access.reviewed_at is not None
    # Safe to run twice: the first review stands.
    again = clinical.emergency_access_review(access=access, by=world.lena, note="Again.")
    assert again.review_note == "Called Tara back; the access was needed."
    assert lena.get(OPEN).json() == []
    assert str(access.public_id) not in lena.get(reverse("emergency-review")).content.decode()


def test_staff_who_opened_it_cannot_review_it_but_another_can(world):
    # An administrator who also supervises Beta may open access to an Alpha case; the review
    # list (all accesses, for staff) shows it to them, but the review is someone else's.
    MembershipFactory.create(team=world.beta, user=world.ada, role=Role.SUPERVISOR)
    on_call(world.ada)
    access = clinical.emergency_access_open(case=world.tara_case, by=world.ada, reason=REASON)
    review_url = f"{OPEN}{access.public_id}/review/"
    assert send(client_for(world.ada), "POST", review_url, {"note": "Mine."}).status_code == 403
    page = client_for(world.ada).post(
        reverse("emergency-review-mark", kwargs={"access_id": access.public_id}), {"note": "x"}
    )
    assert page.status_code == 403
    mark = client_for(world.lena).post(
        reverse("emergency-review-mark", kwargs={"access_id": access.public_id}),
        {"note": "Checked with Tara."},
    )
    assert mark.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == world.lena


def test_the_reason_must_not_identify_the_client(world):
    from django.core.exceptions import ValidationError

    leader = UserFactory.create(email="bea@beta.example", display_name="Bea")
    MembershipFactory.create(team=world.beta, user=leader, role=Role.TEAM_LEADER)
    on_call(leader)
    with pytest.raises(ValidationError, match="without identifying"):
        clinical.emergency_access_open(
            case=world.tara_case,
            by=leader,
            reason="Her mother phoned from 555-867-5309 in distress; primary unreachable.",
        )
    assert not EmergencyAccess.objects.exists()


def test_a_leader_of_another_team_not_on_call_cannot_open_it(world):
    """Issue 19: a Beta team leader opened emergency access to an Alpha case and read it."""
    leader = UserFactory.create(email="bo@beta.example", display_name="Bo")
    MembershipFactory.create(team=world.beta, user=leader, role=Role.TEAM_LEADER)
    client = client_for(leader)
    response = send(client, "POST", OPEN, open_body(world))
    assert response.status_code == 400
    assert "team" in response.json()
    with pytest.raises(PermissionDenied, match="on call across teams"):
        clinical.emergency_access_open(case=world.tara_case, by=leader, reason=REASON)
    page = client.post(reverse("emergency-access"), open_body(world))
    assert page.status_code == 400
    assert not EmergencyAccess.objects.exists()
    assert client.get(f"/api/v1/cases/{world.tara_case.public_id}/").status_code == 404


def test_the_form_lists_only_the_teams_one_may_open_it_on(world, bea):
    leader = UserFactory.create(email="bo@beta.example", display_name="Bo")
    MembershipFactory.create(team=world.beta, user=leader, role=Role.TEAM_LEADER)
    listed = client_for(leader).get(reverse("emergency-access")).content.decode()
    assert str(world.beta.public_id) in listed
    assert str(world.alpha.public_id) not in listed
    on_call_page = client_for(bea).get(reverse("emergency-access")).content.decode()
    assert str(world.alpha.public_id) in on_call_page


def test_on_call_through_a_group_counts_and_staff_alone_does_not(world):
    from cases.permissions import on_call_across_teams

    desk = Group.objects.create(name="Crisis desk")
    desk.permissions.add(Permission.objects.get(codename="open_across_teams"))
    world.olga.groups.add(desk)
    assert on_call_across_teams(world.olga)
    world.ada.is_superuser = True
    world.ada.save()
    assert not on_call_across_teams(world.ada)
