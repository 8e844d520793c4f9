"""Imminent risk brought after a meeting's cutoff stays on that meeting, and whoever runs it (the
team's leaders and the meeting's leader) is told at once, by a reminder that says only that
there is an item to take first: never its title, its case or why it stayed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from agendas import services
from agendas.choices import ItemStatus, MeetingRole, Urgency
from agendas.models import Meeting
from consultteam.teams.models import Membership
from reminders.choices import ReminderKind, ReminderStatus
from reminders.delivery import claim_due, deliver
from reminders.models import Reminder

pytestmark = pytest.mark.django_db

TITLE = "Safety plan after a call"


def _tonight(world) -> Meeting:
    """An extra meeting in two hours: inside the team's 24-hour cutoff."""
    starts_at = timezone.now() + dt.timedelta(hours=2)
    return Meeting.objects.create(team=world.alpha, starts_at=starts_at, minutes=90)


def _told(meeting: Meeting, status: str = ReminderStatus.PENDING) -> dict[int, Reminder]:
    rows = Reminder.objects.filter(
        meeting=meeting, kind=ReminderKind.LATE_ITEM_FLAGGED, status=status
    )
    return {row.recipient_id: row for row in rows}


def _bring(meeting: Meeting, by, **fields):
    return services.agenda_item_submit(
        meeting=meeting, by=by, title=TITLE, urgency=Urgency.IMMINENT, **fields
    ).item


def test_the_team_leader_and_the_meeting_leader_are_told_at_once_and_nothing_clinical(world):
    meeting = _tonight(world)
    services.role_assign(
        meeting=meeting, role=MeetingRole.MEETING_LEADER, member=world.theo, by=world.lena
    )
    item = _bring(meeting, world.tara, question="What do I do before Friday?")
    assert item.flagged_for_leader
    assert item.meeting == meeting

    told = _told(meeting)
    assert set(told) == {world.lena.pk, world.theo.pk}  # not Tara, who brought it
    assert all(row.send_at <= timezone.now() for row in told.values())

    token, ids = claim_due(limit=100)
    deliver(ids, token)
    assert set(_told(meeting, ReminderStatus.SENT)) == {world.lena.pk, world.theo.pk}
    sent = {message.to[0]: message for message in mail.outbox}
    for person in (world.lena, world.theo):
        message = sent[person.email]
        assert isinstance(message, EmailMultiAlternatives)
        texts = [message.subject, message.body, *(str(body) for body, _ in message.alternatives)]
        assert "Alpha" in message.subject
        for text in texts:
            for secret in (TITLE, "before Friday", "imminent", "Imminent", "risk"):
                assert secret not in text
        assert str(meeting.public_id) in message.body  # the link to the meeting


def test_a_leader_who_brings_it_is_not_told_and_running_it_twice_tells_once(world):
    meeting = _tonight(world)
    _bring(meeting, world.lena)
    assert _told(meeting) == {}
    item = _bring(meeting, world.tara)
    services.roles_rotate(meeting=meeting, by=world.lena)  # syncs the meeting's reminders again
    assert list(_told(meeting)) == [world.lena.pk]
    assert Reminder.objects.filter(key__startswith=f"flagged:{item.pk}:").count() == 1


def test_withdrawn_before_it_went_out_the_reminder_is_cancelled(world):
    meeting = _tonight(world)
    item = _bring(meeting, world.tara)
    assert world.lena.pk in _told(meeting)
    services.agenda_item_update(item=item, by=world.tara, changes={"status": ItemStatus.WITHDRAWN})
    assert _told(meeting) == {}
    assert world.lena.pk in _told(meeting, ReminderStatus.CANCELLED)


@pytest.mark.parametrize(
    ("hours_ahead", "urgency"),
    [
        (2, Urgency.SINCE_LAST_MEETING),  # late, not imminent: goes to the next meeting
        (72, Urgency.IMMINENT),  # imminent, before the cutoff: on the agenda like any other
    ],
)
def test_only_imminent_risk_after_the_cutoff_tells_the_leader(world, hours_ahead, urgency):
    starts_at = timezone.now() + dt.timedelta(hours=hours_ahead)
    meeting = Meeting.objects.create(team=world.alpha, starts_at=starts_at, minutes=90)
    services.agenda_item_submit(meeting=meeting, by=world.tara, title=TITLE, urgency=urgency)
    assert not Reminder.objects.filter(kind=ReminderKind.LATE_ITEM_FLAGGED).exists()


EDIT = {
    "title": TITLE,
    "section": "CONSULTATION",
    "item_type": "CLIENT_TIB",
    "target_level": "LIFE_THREATENING",
    "help_wanted": "SOLUTIONS",
    "question": "",
    "minutes_requested": "20",
}


def test_lowered_from_imminent_it_goes_to_the_next_meeting_and_the_leader_is_not_told(
    client, world
):
    """It stayed past the cutoff only as imminent risk: no longer that, it is a late item like
    any other. The page says where it went; the reminder that had not gone out is cancelled."""
    meeting = _tonight(world)
    item = _bring(meeting, world.tara)
    client.force_login(world.tara)
    kept = client.post(
        reverse("agenda-item-edit", args=[item.public_id]),
        {**EDIT, "urgency": Urgency.IMMINENT},
        follow=True,
    )
    assert kept.status_code == 200
    item.refresh_from_db()
    assert (item.meeting, item.flagged_for_leader) == (meeting, True)

    moved = client.post(
        reverse("agenda-item-edit", args=[item.public_id]),
        {**EDIT, "urgency": Urgency.ONGOING_PATTERN},
        follow=True,
    )
    item.refresh_from_db()
    assert item.meeting != meeting
    assert item.meeting.starts_at > meeting.starts_at
    assert not item.flagged_for_leader
    assert "it goes to the next meeting" in moved.content.decode()
    assert moved.request["PATH_INFO"] == reverse("meeting-detail", args=[item.meeting.public_id])
    assert _told(meeting) == {}
    assert world.lena.pk in _told(meeting, ReminderStatus.CANCELLED)
    assert not Reminder.objects.filter(
        meeting=item.meeting, kind=ReminderKind.LATE_ITEM_FLAGGED
    ).exists()


def test_lowered_after_its_meeting_moved_later_it_stays_and_is_only_unmarked(world):
    meeting = _tonight(world)
    item = _bring(meeting, world.tara)
    services.meeting_reschedule(
        meeting=meeting, by=world.lena, starts_at=timezone.now() + dt.timedelta(days=3)
    )
    services.agenda_item_update(
        item=item, by=world.tara, changes={"urgency": Urgency.ONGOING_PATTERN}
    )
    item.refresh_from_db()
    assert (item.meeting, item.flagged_for_leader) == (meeting, False)


def test_moved_on_by_a_cancellation_it_is_no_longer_marked_late(world):
    meeting = _tonight(world)
    item = _bring(meeting, world.tara)
    services.meeting_cancel(meeting=meeting, by=world.lena)
    item.refresh_from_db()
    assert item.meeting != meeting
    assert not item.flagged_for_leader
    assert item.urgency == Urgency.IMMINENT  # still first on the agenda it went to


def test_a_meeting_leader_who_has_left_the_team_is_not_told(world):
    """Told are those `can_run_meeting` lets run it: a role held by someone who left gives no
    right to run the meeting, and no message about it."""
    meeting = _tonight(world)
    services.role_assign(
        meeting=meeting, role=MeetingRole.MEETING_LEADER, member=world.theo, by=world.lena
    )
    Membership.objects.filter(user=world.theo, team=world.alpha).update(is_active=False)
    _bring(meeting, world.tara)
    assert set(_told(meeting)) == {world.lena.pk}
