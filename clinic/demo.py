"""Fictional demo data: two teams and their people. Safe to load any number of times.

Every name here is invented; the `.example` domain is reserved and never delivers mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from clinic.demo_clinical import load_clinical_demo
from clinic.demo_meetings import load_meeting_demo
from consultteam.accounts.models import User
from consultteam.teams.models import Membership, Role, Team


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    team: str
    role: Role


DEMO_TEAMS = {
    "Alpha Team": {"time_zone": "America/Chicago", "meeting_weekday": 2},
    "Beta Team": {"time_zone": "Europe/Dublin", "meeting_weekday": 3},
}

DEMO_PEOPLE = [
    DemoPerson("lead@alpha.example", "Lena Marsh", "Alpha Team", Role.TEAM_LEADER),
    DemoPerson("therapist@alpha.example", "Tara Quill", "Alpha Team", Role.THERAPIST),
    DemoPerson("therapist2@alpha.example", "Theo Brandt", "Alpha Team", Role.THERAPIST),
    DemoPerson("supervisor@alpha.example", "Sam Okafor", "Alpha Team", Role.SUPERVISOR),
    DemoPerson("lead@beta.example", "Bea Lindqvist", "Beta Team", Role.TEAM_LEADER),
    DemoPerson("therapist@beta.example", "Olga Petrov", "Beta Team", Role.THERAPIST),
]


@transaction.atomic
def load_demo(*, password: str) -> list[DemoPerson]:
    """Create the demo teams, people and memberships, or bring them back to the demo state,
    then the demo therapists' fictional clinical record (see clinic/demo_clinical.py) and
    the teams' past and coming meetings (clinic/demo_meetings.py).

    Idempotent: rows are found by their natural keys (team name, email), never duplicated; the
    demo accounts' password is reset to ``password`` so the printed login always works. The
    clinical record is written once per therapist and left alone afterwards.
    """
    teams = {}
    users = {}
    for name, defaults in DEMO_TEAMS.items():
        teams[name], _ = Team.objects.get_or_create(name=name, defaults=defaults)
    for person in DEMO_PEOPLE:
        # Each person starts in their team's zone, so the pages show the meeting's own clock;
        # a zone they chose since is theirs to keep.
        user, created = User.objects.get_or_create(
            email=person.email,
            defaults={
                "display_name": person.display_name,
                "time_zone": DEMO_TEAMS[person.team]["time_zone"],
            },
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        users[person.email] = user
        Membership.objects.update_or_create(
            team=teams[person.team],
            user=user,
            defaults={"role": person.role, "is_active": True, "left_on": None},
        )
    load_clinical_demo(people=users)
    load_meeting_demo(people=users)
    return DEMO_PEOPLE
