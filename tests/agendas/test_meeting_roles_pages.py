"""The team leader's role controls on the meeting's page: rotating the roles and giving a role
nobody holds, with what the leader is told when it is refused. Who may reach each route is in
the access matrix (tests/access_rows/meetings_pages.py).

Alpha's meetings come from the `meetings` fixture (tests/meeting_pages.py): at the first, Lena
leads, Tara observes, Theo takes notes; nobody is timekeeper. The second is not rotated yet.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from agendas.choices import MeetingRole, RoleSource
from agendas.models import RoleAssignment
from tests.clients import signed_in
from tests.meeting_pages import _flash, _holder, _url, meetings
from tests.page_html import page_text

pytestmark = pytest.mark.django_db

__all__ = ["meetings"]  # the fixture, imported for pytest to find


def _roles(meeting):
    return list(RoleAssignment.objects.filter(meeting=meeting).order_by("pk").values())


def test_the_team_leader_sees_the_role_controls_and_others_do_not(client, world, meetings):
    page = page_text(signed_in(client, world.lena).get(_url("meeting-detail", meetings.first)))
    assert reverse("meeting-roles-rotate", kwargs={"meeting_id": meetings.first.public_id}) in page
    assert "Rotate roles" in page
    assert "Give the role" in page
    assert 'value="TIMEKEEPER"' in page  # nobody holds it
    for who in (world.tara, world.theo, world.sam):
        page = page_text(signed_in(client, who).get(_url("meeting-detail", meetings.first)))
        assert "Rotate roles" not in page
        assert "Give the role" not in page


def test_rotating_from_the_page_hands_the_roles_out(client, world, meetings):
    assert not RoleAssignment.objects.filter(meeting=meetings.second).exists()
    response = signed_in(client, world.lena).post(_url("meeting-roles-rotate", meetings.second))
    assert response.status_code == 302
    assert response["Location"].endswith("#roles-heading")
    assert "Roles handed out in turn" in " ".join(_flash(response))
    held = RoleAssignment.objects.filter(meeting=meetings.second)
    assert held.count() == 4
    assert set(held.values_list("source", flat=True)) == {RoleSource.ROTATION}
    again = _roles(meetings.second)
    signed_in(client, world.lena).post(_url("meeting-roles-rotate", meetings.second))
    assert _roles(meetings.second) == again  # safe to press twice


def test_giving_an_unheld_role_from_the_page(client, world, meetings):
    response = signed_in(client, world.lena).post(
        _url("meeting-role-assign", meetings.first),
        {"role": MeetingRole.TIMEKEEPER, "member": str(world.tara.public_id)},
    )
    assert response.status_code == 302
    assert "Tara is timekeeper at this meeting" in " ".join(_flash(response))
    given = RoleAssignment.objects.get(meeting=meetings.first, role=MeetingRole.TIMEKEEPER)
    assert (given.member, given.source) == (world.tara, RoleSource.MANUAL)


def test_giving_a_held_role_is_409_naming_its_holder_and_the_swap(client, world, meetings):
    before = _roles(meetings.first)
    response = signed_in(client, world.lena).post(
        _url("meeting-role-assign", meetings.first),
        {"role": MeetingRole.OBSERVER, "member": str(world.theo.public_id)},
    )
    assert response.status_code == 409
    page = page_text(response)
    assert "Tara already holds the role of observer" in page
    assert "swap it instead" in page
    assert _roles(meetings.first) == before
    assert _holder(meetings.first, MeetingRole.OBSERVER) == world.tara


@pytest.mark.parametrize(
    ("who", "words"),
    [("sam", "not a current clinician"), ("olga", "Select a valid choice")],
)
def test_a_role_for_a_supervisor_or_an_outsider_is_400(client, world, meetings, who, words):
    response = signed_in(client, world.lena).post(
        _url("meeting-role-assign", meetings.first),
        {"role": MeetingRole.TIMEKEEPER, "member": str(getattr(world, who).public_id)},
    )
    assert response.status_code == 400
    assert words in page_text(response)
    assert not RoleAssignment.objects.filter(
        meeting=meetings.first, role=MeetingRole.TIMEKEEPER
    ).exists()


def test_a_member_who_is_not_the_team_leader_is_refused(client, world, meetings):
    before = _roles(meetings.first)
    client = signed_in(client, world.tara)
    assert client.post(_url("meeting-roles-rotate", meetings.second)).status_code == 403
    response = client.post(
        _url("meeting-role-assign", meetings.first),
        {"role": MeetingRole.TIMEKEEPER, "member": str(world.tara.public_id)},
    )
    assert response.status_code == 403
    assert _roles(meetings.first) == before
    assert not RoleAssignment.objects.filter(meeting=meetings.second).exists()
