"""A person's own time zone: "today" is theirs when they record what happened, their pages are
shown in it, the API keeps UTC, and no request hands its zone to the next.

At any moment one of the two zones below is on another date than UTC (Kiritimati is 14 hours
ahead, Pago Pago 11 behind), so each test checks a real difference whatever the hour."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services as clinical
from cases.choices import Actor, Setting
from consultteam.accounts.time_zones import person_today, zone_of

pytestmark = pytest.mark.django_db

FAR_AHEAD, FAR_BEHIND = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def _in_zone(person, zone: str):
    person.time_zone = zone
    person.save(update_fields=["time_zone"])
    return person


def _log(world, day: dt.date):
    return clinical.tib_log(
        by=world.tara,
        team=world.alpha,
        actor=Actor.CLIENT,
        case=world.tara_case,
        category="NON_COMPLIANT",
        setting=Setting.INDIVIDUAL_SESSION,
        occurred_on=day,
        description="Diary card left blank for the week.",
    )


def test_one_of_the_two_zones_is_always_on_another_date_than_utc():
    utc_today = timezone.now().astimezone(dt.UTC).date()
    dates = {timezone.localdate(timezone=ZoneInfo(zone)) for zone in (FAR_AHEAD, FAR_BEHIND)}
    assert dates - {utc_today}


@pytest.mark.parametrize("zone", [FAR_AHEAD, FAR_BEHIND])
def test_today_where_the_person_is_can_be_recorded_and_tomorrow_cannot(world, zone):
    _in_zone(world.tara, zone)
    their_today = person_today(world.tara)
    assert their_today == timezone.now().astimezone(ZoneInfo(zone)).date()
    assert _log(world, their_today).entry.occurred_on == their_today
    with pytest.raises(ValidationError) as refused:
        _log(world, their_today + dt.timedelta(days=1))
    assert "in the future" in str(refused.value)


@pytest.mark.parametrize("zone", [FAR_AHEAD, FAR_BEHIND])
def test_a_page_is_in_the_persons_zone_and_the_next_request_is_not(client, world, zone):
    _in_zone(world.tara, zone)
    client.force_login(world.tara)
    page = client.get(reverse("tib-new", args=[world.tara_case.public_id]))
    assert page.status_code == 200
    # The date picker stops at the person's today, and the form starts on it.
    assert f'max="{person_today(world.tara).isoformat()}"' in page.content.decode()
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_api_keeps_utc_whatever_the_persons_zone(client, world):
    _in_zone(world.tara, FAR_AHEAD)
    client.force_login(world.tara)
    entry = _log(world, person_today(world.tara) - dt.timedelta(days=1)).entry
    body = client.get(f"/api/v1/tib-entries/{entry.public_id}/").json()
    assert body["created_at"].endswith("Z")


def test_a_zone_the_database_no_longer_knows_falls_back_to_utc(world):
    world.tara.time_zone = "Mars/Olympus_Mons"  # as if removed from the zone database
    assert zone_of(world.tara) == dt.UTC
