"""The team leader's meeting settings page: which roles rotate and where the team meets. Only
the team's leader may change them; a refused change is a 400 that says what to fix and saves
nothing; a saved change is audited and used by the next rotation and planning."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agendas import services
from agendas.choices import LocationKind, MeetingRole
from agendas.models import Meeting, TeamMeetingSettings
from consultteam.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def _url(team) -> str:
    return reverse("team-meeting-settings", args=[team.public_id])


def test_the_leader_sees_the_current_settings_and_others_may_not(client, world):
    client.force_login(world.lena)
    page = client.get(_url(world.alpha))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="rotating_roles" value="OBSERVER"' in html
    assert "Where the team meets" in html
    listing = client.get(reverse("meeting-list")).content.decode()
    assert _url(world.alpha) in listing

    client.force_login(world.tara)  # a therapist of the team
    assert client.get(_url(world.alpha)).status_code == 403
    assert client.post(_url(world.alpha), {"location_kind": "VIDEO"}).status_code == 403
    client.force_login(world.olga)  # another team's member
    assert client.get(_url(world.alpha)).status_code == 404


def test_a_saved_change_is_audited_and_used_by_the_next_rotation(client, world):
    client.force_login(world.lena)
    response = client.post(
        _url(world.alpha),
        {
            "rotating_roles": [MeetingRole.OBSERVER, MeetingRole.NOTE_TAKER],
            "location_kind": LocationKind.VIDEO,
            "join_link": "https://video.example.org/alpha-team",
        },
    )
    assert response.status_code == 302
    saved = TeamMeetingSettings.objects.get(team=world.alpha)
    # In the roles' own order, whatever order they were sent in.
    assert saved.rotating_roles == [
        role for role in MeetingRole.values if role in {"OBSERVER", "NOTE_TAKER"}
    ]
    assert (saved.location_kind, saved.join_link) == (
        LocationKind.VIDEO,
        "https://video.example.org/alpha-team",
    )
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="agendas.teammeetingsettings", team=world.alpha
    ).exists()

    planned = services.meetings_plan(team=world.alpha, by=world.lena, weeks=2)
    assert planned
    assert {m.location_kind for m in planned} == {LocationKind.VIDEO}
    services.roles_rotate(meeting=planned[0], by=world.lena)
    rotated = set(planned[0].roles.values_list("role", flat=True))
    assert rotated <= {MeetingRole.OBSERVER, MeetingRole.NOTE_TAKER}
    assert rotated


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"location_kind": "VIDEO", "join_link": ""}, "join_link", "video link"),
        ({"location_kind": "IN_PERSON", "join_link": "not a link"}, "join_link", "valid URL"),
        # Issue 19: a link goes into calendar files and emails as typed.
        (
            {"location_kind": "VIDEO", "join_link": "http://video.example.org/a"},
            "join_link",
            "https",
        ),
        (
            {"location_kind": "VIDEO", "join_link": 'https://video.example.org/"><script>'},
            "join_link",
            "no quotes, angle brackets",
        ),
        ({"location_kind": "ON_THE_MOON"}, "location_kind", "valid choice"),
        ({"location_kind": "IN_PERSON", "rotating_roles": ["CHAIR"]}, "rotating_roles", "CHAIR"),
    ],
)
def test_a_refused_change_says_what_to_fix_and_saves_nothing(client, world, data, field, words):
    before = list(TeamMeetingSettings.objects.values())
    client.force_login(world.lena)
    response = client.post(_url(world.alpha), data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert "The settings were not saved" in response.content.decode()
    assert list(TeamMeetingSettings.objects.values()) == before


def test_the_service_refuses_anyone_but_the_leader(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.meeting_settings_update(
            team=world.alpha, by=world.tara, rotating_roles=[], location_kind="IN_PERSON"
        )


# --- The API ------------------------------------------------------------------------------------


def _api(team) -> str:
    return f"/api/v1/teams/{team.public_id}/meeting-settings/"


def test_the_api_reads_the_defaults_without_writing_and_the_leader_changes_them(client, world):
    client.force_login(world.tara)
    read = client.get(_api(world.alpha))
    assert read.status_code == 200
    assert read.json()["location_kind"] == "IN_PERSON"
    assert "OBSERVER" in read.json()["rotating_roles"]
    assert not TeamMeetingSettings.objects.filter(team=world.alpha).exists()
    refused = client.patch(_api(world.alpha), {"join_link": ""}, content_type="application/json")
    assert refused.status_code == 403

    client.force_login(world.lena)
    changed = client.patch(
        _api(world.alpha),
        {"location_kind": "HYBRID", "join_link": "https://video.example.org/alpha"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["location_kind"] == "HYBRID"
    assert changed.json()["rotating_roles"] == read.json()["rotating_roles"]  # left as it was

    client.force_login(world.olga)
    assert client.get(_api(world.alpha)).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"location_kind": "VIDEO", "join_link": ""}, "join_link"),
        ({"rotating_roles": ["CHAIR"]}, "rotating_roles"),
        ({"join_link": "not a link"}, "join_link"),
        ({"join_link": "http://video.example.org/alpha"}, "join_link"),
        ({"join_link": 'https://video.example.org/"><script>alert(1)</script>'}, "join_link"),
    ],
)
def test_the_api_refuses_bad_settings_with_a_400_naming_the_field(client, world, data, field):
    client.force_login(world.lena)
    response = client.patch(_api(world.alpha), data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not TeamMeetingSettings.objects.filter(team=world.alpha).exists()


def test_the_api_refuses_a_name_it_does_not_know(client, world):
    client.force_login(world.lena)
    response = client.patch(
        _api(world.alpha), {"meets_on_the_moon": True}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "meets_on_the_moon" in response.json()


# --- The meetings already planned ----------------------------------------------------------------

LINK = "https://video.example.org/alpha-new"


def test_unticked_the_planned_meetings_keep_their_place_ticked_they_move_and_calendars_follow(
    client, world
):
    planned = services.meetings_plan(team=world.alpha, by=world.lena, weeks=3)
    started, *waiting = planned
    services.meeting_start(meeting=started, by=world.lena)  # under way: its place is history
    client.force_login(world.lena)
    video = {"location_kind": LocationKind.VIDEO, "join_link": LINK}

    assert client.post(_url(world.alpha), video).status_code == 302
    for meeting in planned:
        meeting.refresh_from_db()
        assert meeting.location_kind == LocationKind.IN_PERSON

    before = {m.pk: (m.version, m.sequence) for m in waiting}
    response = client.post(_url(world.alpha), {**video, "planned_too": "on"}, follow=True)
    assert "the ones already planned among them" in response.content.decode()
    for meeting in waiting:
        meeting.refresh_from_db()
        assert (meeting.location_kind, meeting.join_link) == (LocationKind.VIDEO, LINK)
        version, sequence = before[meeting.pk]
        assert (meeting.version, meeting.sequence) == (version + 1, sequence + 1)
        assert AuditEvent.objects.filter(
            action=Action.UPDATE, object_type="agendas.meeting", object_id=meeting.public_id
        ).exists()
    started.refresh_from_db()
    assert started.location_kind == LocationKind.IN_PERSON
    # Again: nothing differs, so no meeting takes a new version.
    client.post(_url(world.alpha), {**video, "planned_too": "on"})
    assert [m.version for m in waiting] == [Meeting.objects.get(pk=m.pk).version for m in waiting]


def test_the_api_moves_the_planned_meetings_only_when_asked_and_a_bad_change_moves_none(
    client, world
):
    planned = services.meetings_plan(team=world.alpha, by=world.lena, weeks=2)
    client.force_login(world.lena)
    refused = client.patch(
        _api(world.alpha),
        {"location_kind": "VIDEO", "join_link": "", "planned_too": True},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert not Meeting.objects.exclude(location_kind=LocationKind.IN_PERSON).exists()
    changed = client.patch(
        _api(world.alpha),
        {"location_kind": "HYBRID", "join_link": LINK, "planned_too": True},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert "planned_too" not in changed.json()
    for meeting in planned:
        meeting.refresh_from_db()
        assert (meeting.location_kind, meeting.join_link) == (LocationKind.HYBRID, LINK)


def test_a_team_may_rotate_no_role_and_rotating_then_says_so(client, world):
    client.force_login(world.lena)
    response = client.post(_url(world.alpha), {"location_kind": LocationKind.IN_PERSON})
    assert response.status_code == 302
    assert TeamMeetingSettings.objects.get(team=world.alpha).rotating_roles == []
    meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
    rotated = client.post(
        reverse("meeting-roles-rotate", args=[meeting.public_id]), follow=True
    ).content.decode()
    assert "No roles go round in this team" in rotated
    assert not meeting.roles.exists()
