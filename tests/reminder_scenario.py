"""A week of the world's team that gives rise to every kind of reminder, made through the
services as the team would: two meetings planned, roles rotated, an item brought with a case,
an action recorded, the first meeting completed (its item and action carried to the second),
a review requested, and imminent risk brought to an extra meeting after its cutoff."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from agendas import services
from agendas.choices import Urgency
from agendas.models import Meeting
from cases.services import review_request
from reminders.choices import ReminderStatus
from reminders.models import Reminder


def a_week_of_reminders(world: SimpleNamespace) -> tuple[Meeting, Meeting]:
    """Returns the completed meeting and the next one."""
    first, following = services.meetings_plan(team=world.alpha, by=world.lena, weeks=2)
    services.roles_rotate(meeting=following, by=world.lena)
    services.agenda_item_submit(
        meeting=first,
        by=world.tara,
        title="Help with a stuck exposure plan",
        case=world.tara_case,
        question="What would help me keep the plan going?",
    )
    services.action_item_add(
        meeting=first, by=world.lena, owner=world.tara, description="Bring the diary cards"
    )
    services.meeting_complete(meeting=first, by=world.lena, minutes_text="We met.")
    review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.sam)
    # An extra meeting in two hours (off the cadence, so no slot), past its 24-hour cutoff.
    extra = Meeting.objects.create(
        team=world.alpha, starts_at=timezone.now() + dt.timedelta(hours=2), minutes=60
    )
    services.agenda_item_submit(
        meeting=extra, by=world.tara, title="A safety plan to go over", urgency=Urgency.IMMINENT
    )
    return first, following


def make_all_due() -> int:
    """Bring every waiting reminder's time forward to now; returns how many."""
    return Reminder.objects.filter(status=ReminderStatus.PENDING).update(
        send_at=timezone.now() - dt.timedelta(seconds=1)
    )
