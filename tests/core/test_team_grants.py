"""Per-object exceptions to team membership: granted and revoked through services, audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from consultteam.audit.models import Action, AuditEvent
from consultteam.teams.models import Membership, Team, TeamUserObjectPermission
from consultteam.teams.services import team_access_grant, team_access_revoke

pytestmark = pytest.mark.django_db


def test_leader_grants_an_outside_reviewer_who_then_sees_the_team(client, alpha, lena, olga):
    assert not Team.objects.visible_to(olga).filter(pk=alpha.pk).exists()
    team_access_grant(team=alpha, grantee=olga, by=lena)
    assert Team.objects.visible_to(olga).filter(pk=alpha.pk).exists()
    client.force_login(olga)
    assert client.get(f"/api/v1/teams/{alpha.public_id}/").status_code == 200
    event = AuditEvent.objects.get(action=Action.GRANT)
    assert event.team_id == alpha.pk
    assert event.object_type == "teams.teamuserobjectpermission"


def test_revoking_returns_the_team_to_404(client, alpha, lena, olga):
    team_access_grant(team=alpha, grantee=olga, by=lena)
    assert team_access_revoke(team=alpha, grantee=olga, by=lena) == 1
    client.force_login(olga)
    assert client.get(f"/api/v1/teams/{alpha.public_id}/").status_code == 404
    assert AuditEvent.objects.filter(action=Action.REVOKE, team=alpha).count() == 1


def test_granting_twice_is_one_grant_and_one_event(alpha, lena, olga):
    team_access_grant(team=alpha, grantee=olga, by=lena)
    team_access_grant(team=alpha, grantee=olga, by=lena)
    assert TeamUserObjectPermission.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.GRANT).count() == 1


def test_a_group_grant_reaches_its_members(alpha, lena, olga):
    reviewers = Group.objects.create(name="Outside reviewers")
    olga.groups.add(reviewers)
    team_access_grant(team=alpha, grantee=reviewers, by=lena)
    assert Team.objects.visible_to(olga).filter(pk=alpha.pk).exists()
    # ... and the roster of that team, but no other team's.
    assert set(Membership.objects.visible_to(olga).values_list("team__name", flat=True)) == {
        "Alpha",
        "Beta",
    }


@pytest.mark.parametrize("who", ["tara", "sam", "olga"])
def test_only_the_leader_or_an_admin_may_grant(request, alpha, who, theo):
    with pytest.raises(PermissionDenied):
        team_access_grant(team=alpha, grantee=theo, by=request.getfixturevalue(who))
    assert TeamUserObjectPermission.objects.count() == 0
    assert not AuditEvent.objects.filter(action=Action.GRANT).exists()


def test_an_admin_may_grant(alpha, ada, olga):
    team_access_grant(team=alpha, grantee=olga, by=ada)
    assert Team.objects.visible_to(olga).filter(pk=alpha.pk).exists()


def test_a_grant_does_nothing_for_a_deactivated_account(alpha, lena, olga):
    team_access_grant(team=alpha, grantee=olga, by=lena)
    olga.is_active = False
    olga.save()
    assert not Team.objects.visible_to(olga).exists()


def test_former_members_see_nothing_of_their_old_team(alpha, fern):
    assert not Team.objects.visible_to(fern).exists()
    assert not Membership.objects.visible_to(fern).exists()


def test_visible_to_does_not_duplicate_rows(alpha, lena, tara):
    # Tara is a member and also holds a grant: still one row.
    team_access_grant(team=alpha, grantee=tara, by=lena)
    assert list(Team.objects.visible_to(tara)) == [alpha]
