"""A person's calendar subscription: issue a secret address, revoke it, and find the meetings
an address shows."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet

from agendas.models import CalendarFeed, Meeting
from agendas.services.common import now
from consultteam import access
from consultteam.accounts.models import User

# From a few weeks back (so last week's entry does not vanish at once) to half a year ahead.
FEED_PAST_DAYS = 28
FEED_FUTURE_DAYS = 183


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def calendar_feed_issue(*, user: User) -> tuple[CalendarFeed, str]:
    """A new secret address for ``user``; the one they had stops working. Returns the feed and
    its key: the key is shown once, only its hash is kept. Audited as CREATE (and UPDATE of the
    revoked one) by the registry."""
    calendar_feed_revoke(user=user)
    key = secrets.token_urlsafe(32)
    return CalendarFeed.objects.create(user=user, key_hash=_hash(key)), key


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> bool:
    """Stop ``user``'s address from working. Safe to run twice: False when none was live."""
    live = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    feed = live.first()
    if feed is None:
        return False
    feed.revoked_at = now()
    feed.save(update_fields=["revoked_at"])
    return True


def calendar_feed_live(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_feed_meetings(key: str) -> QuerySet[Meeting] | None:
    """The meetings the address ``key`` shows: its owner's current teams' meetings, cancelled
    ones included (marked so) for calendars to drop them. None for an unknown or revoked key
    or an account that is no longer active, so a leaked address dies with the account."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not access.is_active_person(feed.user):
        return None
    today = now()
    return (
        Meeting.objects.visible_to(feed.user)
        .filter(
            starts_at__gte=today - dt.timedelta(days=FEED_PAST_DAYS),
            starts_at__lte=today + dt.timedelta(days=FEED_FUTURE_DAYS),
        )
        .select_related("team")
        .order_by("starts_at", "id")
    )
