"""factory_boy factories. All names are fictional."""

from __future__ import annotations

import functools

import factory
from django.contrib.auth.hashers import make_password

from consultteam.accounts.models import User
from consultteam.teams.models import Membership, Role, Team

PASSWORD = "correct-horse-battery-9"


@functools.cache
def _hashed_password() -> str:
    return make_password(PASSWORD)


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


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.THERAPIST
