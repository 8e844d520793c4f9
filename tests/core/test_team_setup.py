"""Starting a team (administrators) and changing its settings (its leader, or an
administrator), on the pages and in the API, through consultteam/teams/setup.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from consultteam.audit.models import Action, AuditEvent
from consultteam.teams.models import Membership, Role, Team
from consultteam.teams.setup import team_change, team_create
from tests.clients import client_for, send

pytestmark = pytest.mark.django_db

NEW_TEAM = {
    "name": "Thursday adolescent team",
    "leader_email": "Lena@Alpha.example",
    "time_zone": "Europe/Berlin",
    "cadence": "BIWEEKLY",
    "meeting_weekday": 3,
    "meeting_start": "13:30",
    "meeting_minutes": 75,
    "agenda_cutoff_hours": 48,
}


def _events(obj: Team | Membership) -> list[tuple[str, list[str]]]:
    rows = AuditEvent.objects.filter(object_id=str(obj.public_id)).order_by("id")
    return [(event.action, event.fields) for event in rows]


# --- The API ------------------------------------------------------------------------------------


def test_an_administrator_starts_a_team_with_its_leader(ada, lena):
    response = send(client_for(ada), "POST", reverse("api-team-list"), NEW_TEAM)
    assert response.status_code == 201, response.content
    body = response.json()
    team = Team.objects.get(public_id=body["id"])
    assert body["name"] == "Thursday adolescent team"
    assert (team.time_zone, team.cadence, team.meeting_weekday) == ("Europe/Berlin", "BIWEEKLY", 3)
    assert (team.meeting_start, team.meeting_minutes, team.agenda_cutoff_hours) == (
        dt.time(13, 30),
        75,
        48,
    )
    leader = Membership.objects.get(team=team)
    assert (leader.user, leader.role, leader.is_active) == (lena, Role.TEAM_LEADER, True)
    # Audited: who, what, which record; never the values.
    assert _events(team) == [(Action.CREATE, [])]
    assert _events(leader) == [(Action.CREATE, [])]
    created = AuditEvent.objects.get(object_id=str(team.public_id))
    assert (created.actor_id, created.team_id) == (ada.pk, team.pk)
    # The new leader sees the team at once; its settings page is theirs.
    assert client_for(lena).get(reverse("team-edit", args=[team.public_id])).status_code == 200


def test_settings_left_out_take_their_defaults(ada, lena):
    body = {"name": "Small team", "leader_email": "lena@alpha.example"}
    response = send(client_for(ada), "POST", reverse("api-team-list"), body)
    assert response.status_code == 201, response.content
    team = Team.objects.get(name="Small team")
    assert (team.time_zone, team.meeting_minutes, team.agenda_cutoff_hours) == ("UTC", 90, 24)


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a time zone we know"),
        ({"name": "alpha"}, "name", "There is already a team called 'alpha'"),
        ({"meeting_minutes": 5}, "meeting_minutes", "between 15 and 240 minutes"),
        ({"meeting_minutes": 600}, "meeting_minutes", "between 15 and 240 minutes"),
        ({"agenda_cutoff_hours": 999}, "agenda_cutoff_hours", "two weeks"),
        ({"name": "   "}, "name", "Give the team a name"),
        ({"leader_email": "nobody@example.org"}, "leader_email", "No active account"),
        ({"leader_email": "ivan@alpha.example"}, "leader_email", "No active account"),
        ({"colour": "blue"}, "colour", "cannot be set here"),
    ],
    ids=lambda value: str(value)[:24],
)
def test_a_new_team_is_refused_with_what_to_fix(world, change, field, said):
    before = Team.objects.count()
    body = {**NEW_TEAM, **change}
    response = send(client_for(world.ada), "POST", reverse("api-team-list"), body)
    assert response.status_code == 400, response.content
    assert said in " ".join(response.json()[field])
    assert Team.objects.count() == before
    assert not Membership.objects.filter(team__name=body["name"]).exists()


@pytest.mark.parametrize("who", ["lena", "tara", "sam", "olga", "fern"])
def test_only_administrators_start_teams(world, who):
    response = send(client_for(getattr(world, who)), "POST", reverse("api-team-list"), NEW_TEAM)
    assert response.status_code == 403
    assert not Team.objects.filter(name=NEW_TEAM["name"]).exists()


@pytest.mark.parametrize("who", ["lena", "ada"])
def test_the_leader_or_an_administrator_changes_the_settings(world, who):
    url = reverse("api-team-detail", args=[world.alpha.public_id])
    change = {"meeting_start": "10:15", "meeting_minutes": 120, "time_zone": "Asia/Tokyo"}
    response = send(client_for(getattr(world, who)), "PATCH", url, change)
    assert response.status_code == 200, response.content
    assert response.json()["meeting_minutes"] == 120
    world.alpha.refresh_from_db()
    assert (world.alpha.meeting_start, world.alpha.time_zone) == (
        dt.time(10, 15),
        "Asia/Tokyo",
    )
    updates = [fields for action, fields in _events(world.alpha) if action == Action.UPDATE]
    assert updates == [["meeting_minutes", "meeting_start", "time_zone"]]


def test_a_change_to_the_same_values_records_nothing(world):
    url = reverse("api-team-detail", args=[world.alpha.public_id])
    same = {"name": world.alpha.name, "meeting_minutes": world.alpha.meeting_minutes}
    assert send(client_for(world.lena), "PATCH", url, same).status_code == 200
    assert not [action for action, _ in _events(world.alpha) if action == Action.UPDATE]


@pytest.mark.parametrize(
    ("who", "status"), [("tara", 403), ("sam", 403), ("olga", 404), ("fern", 404)]
)
def test_others_may_not_change_the_team(world, who, status):
    url = reverse("api-team-detail", args=[world.alpha.public_id])
    response = send(client_for(getattr(world, who)), "PATCH", url, {"meeting_minutes": 60})
    assert response.status_code == status
    world.alpha.refresh_from_db()
    assert world.alpha.meeting_minutes == 90


def test_a_bad_change_writes_nothing(world):
    url = reverse("api-team-detail", args=[world.alpha.public_id])
    change = {"meeting_minutes": 60, "time_zone": "Nowhere/Special"}
    response = send(client_for(world.lena), "PATCH", url, change)
    assert response.status_code == 400
    assert "time_zone" in response.json()
    world.alpha.refresh_from_db()
    assert (world.alpha.meeting_minutes, world.alpha.time_zone) == (90, "America/Chicago")


def test_there_is_no_put(world):
    url = reverse("api-team-detail", args=[world.alpha.public_id])
    assert send(client_for(world.lena), "PUT", url, {"name": "Alpha"}).status_code == 405


# --- The services re-check their rule -------------------------------------------------------------


def test_the_services_refuse_whoever_may_not(world):
    with pytest.raises(PermissionDenied):
        team_create(by=world.lena, leader=world.lena, name="Sideline")
    with pytest.raises(PermissionDenied):
        team_change(team=world.alpha, by=world.tara, changes={"meeting_minutes": 60})
    with pytest.raises(ValidationError):
        team_change(team=world.alpha, by=world.lena, changes={"created_at": None})


# --- The pages ----------------------------------------------------------------------------------


def test_new_team_page_for_administrators(world):
    admin = client_for(world.ada)
    listing = admin.get(reverse("team-list")).content.decode()
    assert reverse("team-create") in listing
    assert (
        reverse("team-create")
        not in client_for(world.lena).get(reverse("team-list")).content.decode()
    )

    form = {**NEW_TEAM, "leader_email": "sam@alpha.example"}
    response = admin.post(reverse("team-create"), form)
    assert response.status_code == 302
    team = Team.objects.get(name=NEW_TEAM["name"])
    assert response["Location"] == reverse("team-detail", args=[team.public_id])
    assert Membership.objects.get(team=team).user == world.sam


def test_new_team_page_keeps_what_was_typed_and_says_why(world):
    form = {**NEW_TEAM, "name": "Beta", "meeting_minutes": "500"}
    response = client_for(world.ada).post(reverse("team-create"), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is already a team called" in html
    assert "between 15 and 240 minutes" in html
    assert 'value="Lena@Alpha.example"' in html
    assert Team.objects.count() == 2


def test_edit_team_page_for_the_leader(world):
    lena = client_for(world.lena)
    detail = lena.get(reverse("team-detail", args=[world.alpha.public_id])).content.decode()
    assert reverse("team-edit", args=[world.alpha.public_id]) in detail
    assert reverse("team-meeting-settings", args=[world.alpha.public_id]) in detail
    form = {**NEW_TEAM, "name": "Alpha (adults)"}
    del form["leader_email"]
    response = lena.post(reverse("team-edit", args=[world.alpha.public_id]), form)
    assert response.status_code == 302
    world.alpha.refresh_from_db()
    assert (world.alpha.name, world.alpha.meeting_minutes) == ("Alpha (adults)", 75)


def test_edit_team_page_refuses_others(world):
    url = reverse("team-edit", args=[world.alpha.public_id])
    assert client_for(world.tara).get(url).status_code == 403
    assert client_for(world.olga).get(url).status_code == 404
    detail = client_for(world.tara).get(reverse("team-detail", args=[world.alpha.public_id]))
    assert url not in detail.content.decode()
