"""factory_boy factories. All names are fictional."""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from consultteam.accounts.models import User
from consultteam.teams.models import Membership, Role, Team

PASSWORD = "correct-horse-battery-9"


@functools.cache
def _hashed_password() -> str:
    return make_password(PASSWORD)


def _weekday_three_days_ahead(team: Team) -> int:
    """The team meets three days from today (in its zone), so its next meeting is always two to
    three days away: clear of the 24-hour agenda cutoff and of every reminder's lead time,
    whatever day the suite runs on. A fixed weekday made tests fail on the day before it."""
    today = timezone.now().astimezone(ZoneInfo(team.time_zone)).date()
    return (today + dt.timedelta(days=3)).weekday()


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@clinic.example")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    # Hashed once per run: Argon2 is slow on purpose, and the cast is built for every test.
    password = factory.LazyFunction(lambda: _hashed_password())


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")
    time_zone = "America/Chicago"
    meeting_weekday = factory.LazyAttribute(_weekday_three_days_ahead)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.THERAPIST
