"""A member's role on their team: changed by its leader or an administrator, on the team page
and in the API (consultteam/teams/roles.py). A team always keeps a leader."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from consultteam.audit.models import Action, AuditEvent
from consultteam.errors import Conflict
from consultteam.teams.models import Membership, Role
from consultteam.teams.roles import membership_role_change
from tests.clients import client_for, send

pytestmark = pytest.mark.django_db


def _membership(world, who: str) -> Membership:
    return Membership.objects.get(team=world.alpha, user=getattr(world, who))


def _api_url(world, membership: Membership) -> str:
    return reverse(
        "api-team-member-detail",
        kwargs={"team_id": world.alpha.public_id, "member_id": membership.public_id},
    )


def _page_url(world, membership: Membership) -> str:
    return reverse(
        "team-member-role",
        kwargs={"team_id": world.alpha.public_id, "member_id": membership.public_id},
    )


def _role_updates(membership: Membership) -> list[list[str]]:
    events = AuditEvent.objects.filter(object_id=str(membership.public_id), action=Action.UPDATE)
    return [event.fields for event in events.order_by("id")]


@pytest.mark.parametrize("who", ["lena", "ada"])
def test_the_leader_or_an_administrator_changes_a_role(world, who):
    tara = _membership(world, "tara")
    response = send(
        client_for(getattr(world, who)), "PATCH", _api_url(world, tara), {"role": "TRAINEE"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "TRAINEE"
    tara.refresh_from_db()
    assert tara.role == Role.TRAINEE
    assert _role_updates(tara) == [["role"]]
    event = AuditEvent.objects.get(object_id=str(tara.public_id), action=Action.UPDATE)
    assert (event.actor_id, event.team_id) == (getattr(world, who).pk, world.alpha.pk)


def test_the_same_role_again_records_nothing(world):
    tara = _membership(world, "tara")
    assert (
        membership_role_change(membership=tara, by=world.lena, role="THERAPIST").role == "THERAPIST"
    )
    assert _role_updates(tara) == []


@pytest.mark.parametrize(
    ("who", "status"), [("tara", 403), ("theo", 403), ("sam", 403), ("olga", 404), ("fern", 404)]
)
def test_others_may_not_change_roles(world, who, status):
    theo = _membership(world, "theo")
    response = send(
        client_for(getattr(world, who)), "PATCH", _api_url(world, theo), {"role": "SUPERVISOR"}
    )
    assert response.status_code == status
    theo.refresh_from_db()
    assert theo.role == Role.THERAPIST


def test_a_member_of_another_team_is_not_found_here(world):
    olga = Membership.objects.get(user=world.olga)
    url = reverse(
        "api-team-member-detail",
        kwargs={"team_id": world.alpha.public_id, "member_id": olga.public_id},
    )
    assert send(client_for(world.lena), "PATCH", url, {"role": "SUPERVISOR"}).status_code == 404


def test_an_unknown_role_is_refused(world):
    tara = _membership(world, "tara")
    response = send(client_for(world.lena), "PATCH", _api_url(world, tara), {"role": "CHIEF"})
    assert response.status_code == 400
    assert "role" in response.json()


def test_the_last_leader_cannot_be_demoted(world):
    lena = _membership(world, "lena")
    response = send(client_for(world.lena), "PATCH", _api_url(world, lena), {"role": "THERAPIST"})
    assert response.status_code == 409
    message = response.json()["detail"]
    assert "Lena is the team's only leader" in message
    assert "Make another member team leader first" in message
    lena.refresh_from_db()
    assert lena.role == Role.TEAM_LEADER
    assert _role_updates(lena) == []


def test_with_a_second_leader_the_first_may_step_down(world):
    sam, lena = _membership(world, "sam"), _membership(world, "lena")
    membership_role_change(membership=sam, by=world.lena, role=Role.TEAM_LEADER)
    membership_role_change(membership=lena, by=world.lena, role=Role.THERAPIST)
    lena.refresh_from_db()
    assert lena.role == Role.THERAPIST
    # Now Sam is the only one: refused, whoever asks.
    with pytest.raises(Conflict):
        membership_role_change(membership=sam, by=world.ada, role=Role.SUPERVISOR)


def test_a_leader_whose_account_is_deactivated_does_not_count(world):
    ivan = _membership(world, "ivan")
    ivan.role = Role.TEAM_LEADER
    ivan.save()
    with pytest.raises(Conflict):
        membership_role_change(
            membership=_membership(world, "lena"), by=world.lena, role="THERAPIST"
        )


def test_a_former_member_has_no_role_to_change(world):
    fern = _membership(world, "fern")
    with pytest.raises(Conflict, match="has left the team"):
        membership_role_change(membership=fern, by=world.lena, role=Role.SUPERVISOR)
    response = send(client_for(world.lena), "PATCH", _api_url(world, fern), {"role": "SUPERVISOR"})
    assert response.status_code == 409


def test_the_service_re_checks_its_rule(world):
    with pytest.raises(PermissionDenied):
        membership_role_change(membership=_membership(world, "theo"), by=world.tara, role="TRAINEE")


# --- The team page ------------------------------------------------------------------------------


def test_the_leader_changes_a_role_from_the_team_page(world):
    lena = client_for(world.lena)
    theo = _membership(world, "theo")
    page = lena.get(reverse("team-detail", args=[world.alpha.public_id])).content.decode()
    assert _page_url(world, theo) in page
    response = lena.post(_page_url(world, theo), {"role": "SUPERVISOR"}, follow=True)
    assert response.redirect_chain == [(reverse("team-detail", args=[world.alpha.public_id]), 302)]
    assert "Theo is now supervisor on Alpha." in response.content.decode()
    theo.refresh_from_db()
    assert theo.role == Role.SUPERVISOR


def test_the_page_says_why_the_last_leader_stays(world):
    response = client_for(world.lena).post(
        _page_url(world, _membership(world, "lena")), {"role": "THERAPIST"}
    )
    assert response.status_code == 409
    assert "Lena is the team&#x27;s only leader" in response.content.decode()


def test_members_see_roles_but_no_way_to_change_them(world):
    tara = client_for(world.tara)
    theo = _membership(world, "theo")
    page = tara.get(reverse("team-detail", args=[world.alpha.public_id])).content.decode()
    assert _page_url(world, theo) not in page
    assert tara.post(_page_url(world, theo), {"role": "SUPERVISOR"}).status_code == 403
    assert client_for(world.olga).get(_page_url(world, theo)).status_code == 404


# --- The roster in the API ----------------------------------------------------------------------


def test_the_roster_lists_former_members_with_their_dates_on_request(world):
    tara = client_for(world.tara)
    url = reverse("api-team-members", args=[world.alpha.public_id])

    def names(query: str) -> list[str]:
        response = tara.get(url + query)
        assert response.status_code == 200, response.content
        return [member["display_name"] for member in response.json()]

    assert names("") == ["Lena", "Sam", "Tara", "Theo"]  # Ivan's account is deactivated
    assert names("?members=current") == names("")
    assert names("?members=former") == ["Fern"]
    assert names("?members=all") == ["Fern", "Ivan", "Lena", "Sam", "Tara", "Theo"]
    fern = tara.get(url + "?members=former").json()[0]
    assert (fern["is_active"], fern["left_on"]) == (False, str(_membership(world, "fern").left_on))
    assert tara.get(url + "?members=everyone").status_code == 400
