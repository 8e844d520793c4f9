from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from consultteam.accounts.models import User

pytestmark = pytest.mark.django_db


def test_email_is_stored_folded_and_is_the_login():
    user = User.objects.create_user(
        "Tara.Quill@Clinic.Example", "a-long-password-1", display_name="T"
    )
    assert user.email == "tara.quill@clinic.example"
    assert User.USERNAME_FIELD == "email"
    assert User.objects.get_by_natural_key("TARA.QUILL@clinic.example") == user


def test_same_email_in_another_case_is_the_same_person():
    User.objects.create_user("sam@clinic.example", "a-long-password-1", display_name="S")
    with pytest.raises(IntegrityError):
        User.objects.create_user("SAM@clinic.example", "a-long-password-1", display_name="S2")


def test_time_zone_must_be_real():
    user = User(email="t@clinic.example", display_name="T", time_zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="time zone"):
        user.full_clean()
    user.time_zone = "Europe/Dublin"
    user.set_password("a-long-password-1")
    user.full_clean()


def test_public_id_is_a_uuid_distinct_from_the_key():
    user = User.objects.create_user("p@clinic.example", "a-long-password-1", display_name="P")
    assert str(user.public_id) != str(user.pk)
    assert len(str(user.public_id)) == 36
