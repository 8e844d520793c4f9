"""Every write of the teams app. Services re-check their rule, so the admin, commands and tasks
cannot slip past it. Changes are audited by the registry in apps.py (GRANT / REVOKE here)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction

from consultteam.accounts.models import User
from consultteam.teams.models import Team, TeamGroupObjectPermission, TeamUserObjectPermission
from consultteam.teams.permissions import can_manage_team_access

Grant = TeamUserObjectPermission | TeamGroupObjectPermission


def _view_team() -> Permission:
    return Permission.objects.get(content_type__app_label="teams", codename="view_team")


@transaction.atomic
def team_access_grant(*, team: Team, grantee: User | Group, by: User) -> Grant:
    """Let ``grantee`` (a person or a group outside the team) see ``team`` and its roster.

    Audited as GRANT. Safe to run twice: a second call finds the grant and records nothing.
    """
    if not can_manage_team_access(by, team):
        raise PermissionDenied("Only the team's leader or an administrator can grant access.")
    grant: Grant
    if isinstance(grantee, Group):
        grant, _ = TeamGroupObjectPermission.objects.get_or_create(
            group=grantee, permission=_view_team(), content_object=team
        )
    else:
        grant, _ = TeamUserObjectPermission.objects.get_or_create(
            user=grantee, permission=_view_team(), content_object=team
        )
    return grant


@transaction.atomic
def team_access_revoke(*, team: Team, grantee: User | Group, by: User) -> int:
    """Withdraw a grant. Audited as REVOKE per row removed. Safe to run twice (removes 0)."""
    if not can_manage_team_access(by, team):
        raise PermissionDenied("Only the team's leader or an administrator can revoke access.")
    grants = (
        TeamGroupObjectPermission.objects.filter(group=grantee, content_object=team)
        if isinstance(grantee, Group)
        else TeamUserObjectPermission.objects.filter(user=grantee, content_object=team)
    )
    removed = 0
    for grant in grants:  # one by one, so each removal is audited
        grant.delete()
        removed += 1
    return removed
