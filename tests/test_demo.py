"""The demo loader: fictional teams and accounts, loaded any number of times without duplicates."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from consultteam.accounts.models import User
from consultteam.demo import DEMO_PEOPLE
from consultteam.teams.models import Membership, Role, Team

pytestmark = pytest.mark.django_db

DEMO_LOGINS = {
    "lead@alpha.example": ("Alpha Team", Role.TEAM_LEADER),
    "therapist@alpha.example": ("Alpha Team", Role.THERAPIST),
    "therapist2@alpha.example": ("Alpha Team", Role.THERAPIST),
    "supervisor@alpha.example": ("Alpha Team", Role.SUPERVISOR),
    "lead@beta.example": ("Beta Team", Role.TEAM_LEADER),
    "therapist@beta.example": ("Beta Team", Role.THERAPIST),
}


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Team.objects.count(), Membership.objects.count()


def test_demo_has_the_promised_accounts_and_roles(settings):
    call_command("load_demo", stdout=None)
    for email, (team, role) in DEMO_LOGINS.items():
        membership = Membership.objects.get(user__email=email)
        assert (membership.team.name, membership.role) == (team, role)
        assert membership.user.check_password(settings.DEMO_PASSWORD)


def test_loading_twice_duplicates_nothing():
    call_command("load_demo")
    first = _counts()
    call_command("load_demo")
    assert _counts() == first == (len(DEMO_PEOPLE), 2, len(DEMO_PEOPLE))


def test_reloading_restores_a_changed_password_and_membership(settings):
    call_command("load_demo")
    user = User.objects.get(email="therapist@alpha.example")
    user.set_password("someone-changed-it-1")
    user.save()
    Membership.objects.filter(user=user).update(is_active=False)
    call_command("load_demo")
    user.refresh_from_db()
    assert user.check_password(settings.DEMO_PASSWORD)
    assert Membership.objects.get(user=user).is_active


def test_load_demo_prints_the_logins(capsys, settings):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert settings.DEMO_PASSWORD in out
    for email in DEMO_LOGINS:
        assert email in out
