"""Reminder rows follow the meetings and reviews they remind of; preferences move them; the
sweep claims them exclusively; delivery sends through a real SMTP server on loopback, retries
what may pass and fails what will not, and an operator can retry a failed one."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agendas import services
from agendas.choices import MeetingRole
from agendas.models import ActionItem, Meeting, RoleAssignment
from consultteam.audit.models import Action, AuditEvent
from consultteam.errors import Conflict
from consultteam.events import meetings_changed
from reminders.choices import Channel, ReminderKind, ReminderStatus
from reminders.delivery import backoff, claim_due, deliver, is_transient, sweep
from reminders.models import Reminder
from reminders.services import preference_set, reminder_retry
from tests.conftest import requires_postgres
from tests.factories import UserFactory
from tests.reminder_scenario import a_week_of_reminders, make_all_due
from tests.smtp_capture import free_port

pytestmark = pytest.mark.django_db


def kinds_of(meeting: Meeting, status: str = ReminderStatus.PENDING) -> dict[str, int]:
    rows = Reminder.objects.filter(meeting=meeting, status=status)
    counts: dict[str, int] = {}
    for kind in rows.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.fixture
def smtp_mail(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    return smtp_server


def _claim_all() -> tuple[uuid.UUID, list[int]]:
    make_all_due()
    return claim_due(limit=1000)


# --- Rows follow what they remind of -------------------------------------------------------------


def test_planning_reminds_members_of_the_meeting_and_clinicians_of_the_cutoff(world):
    meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
    # Alpha's current members: Tara, Theo, Lena (clinicians) and Sam (supervises).
    assert kinds_of(meeting) == {ReminderKind.MEETING_UPCOMING: 4, ReminderKind.AGENDA_CUTOFF: 3}
    recipients = set(
        Reminder.objects.filter(kind=ReminderKind.AGENDA_CUTOFF).values_list(
            "recipient__display_name", flat=True
        )
    )
    assert world.sam.display_name not in recipients
    upcoming = Reminder.objects.get(kind=ReminderKind.MEETING_UPCOMING, recipient=world.tara)
    assert upcoming.send_at == meeting.starts_at - dt.timedelta(hours=24)


def test_running_a_service_again_never_duplicates(world):
    meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
    services.roles_rotate(meeting=meeting, by=world.lena)
    before = Reminder.objects.count()
    services.roles_rotate(meeting=meeting, by=world.lena)
    meetings_changed(meeting)
    meetings_changed(meeting)
    assert Reminder.objects.count() == before


def test_rescheduling_replaces_the_reminders_of_the_old_time(world):
    meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
    old = set(Reminder.objects.values_list("pk", flat=True))
    moved = services.meeting_reschedule(
        meeting=meeting, by=world.lena, starts_at=meeting.starts_at + dt.timedelta(days=2)
    )
    assert set(Reminder.objects.filter(pk__in=old).values_list("status", flat=True)) == {
        ReminderStatus.CANCELLED
    }
    fresh = Reminder.objects.filter(status=ReminderStatus.PENDING)
    assert fresh.count() == len(old)
    assert {row.due_at for row in fresh.filter(kind=ReminderKind.MEETING_UPCOMING)} == {
        moved.starts_at
    }


def test_cancelling_a_meeting_cancels_what_had_not_gone_out(world):
    meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
    sent = Reminder.objects.filter(meeting=meeting).first()
    assert sent is not None
    Reminder.objects.filter(pk=sent.pk).update(status=ReminderStatus.SENT, sent_at=timezone.now())
    services.meeting_cancel(meeting=meeting, by=world.lena)
    assert kinds_of(meeting) == {}
    sent.refresh_from_db()
    assert sent.status == ReminderStatus.SENT  # what went out stays on record


def test_a_swap_moves_the_role_reminder_to_the_new_holder(world):
    meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
    services.roles_rotate(meeting=meeting, by=world.lena)
    observer = RoleAssignment.objects.get(meeting=meeting, role=MeetingRole.OBSERVER)
    other = next(u for u in (world.tara, world.theo, world.lena) if u.pk != observer.member_id)
    services.role_swap(meeting=meeting, role=MeetingRole.OBSERVER, with_member=other, by=world.lena)
    role_rows = Reminder.objects.filter(kind=ReminderKind.ROLE_ASSIGNED, role="OBSERVER")
    assert set(
        role_rows.filter(status=ReminderStatus.PENDING).values_list("recipient", flat=True)
    ) == {other.pk}
    assert role_rows.filter(
        recipient_id=observer.member_id, status=ReminderStatus.CANCELLED
    ).exists()


def test_completion_reminds_of_carried_items_and_of_actions_due(world):
    first, following = a_week_of_reminders(world)
    assert kinds_of(first) == {}
    pending = kinds_of(following)
    assert pending[ReminderKind.ITEM_CARRIED_OVER] == 1
    assert pending[ReminderKind.ACTION_DUE] == 1
    carried = Reminder.objects.get(kind=ReminderKind.ITEM_CARRIED_OVER)
    assert (carried.recipient, carried.count) == (world.tara, 1)
    review = Reminder.objects.get(kind=ReminderKind.REVIEW_REQUESTED)
    assert review.recipient == world.sam
    assert review.send_at <= timezone.now()


# --- Preferences -----------------------------------------------------------------------------


def test_a_lead_time_moves_waiting_reminders_and_turning_off_cancels_them(world):
    meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
    preference_set(user=world.tara, kind=ReminderKind.MEETING_UPCOMING, lead_minutes=90)
    row = Reminder.objects.get(kind=ReminderKind.MEETING_UPCOMING, recipient=world.tara)
    assert row.send_at == meeting.starts_at - dt.timedelta(minutes=90)
    preference_set(user=world.tara, kind=ReminderKind.MEETING_UPCOMING, enabled=False)
    row.refresh_from_db()
    assert row.status == ReminderStatus.CANCELLED
    meetings_changed(meeting)  # and it stays off
    row.refresh_from_db()
    assert row.status == ReminderStatus.CANCELLED


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "MEETING_UPCOMING", "lead_minutes": -5}, "lead_minutes", "from 0"),
        ({"kind": "BIRTHDAY", "enabled": False}, "kind", "not a kind of reminder"),
        ({"kind": "MEETING_UPCOMING", "lead_minutes": 10**6}, "lead_minutes", "14 days"),
    ],
)
def test_bad_preferences_are_refused_with_a_clear_400(world, body, field, words):
    client = Client()
    client.force_login(world.tara)
    response = client.post(
        reverse("api-reminder-preferences"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert words in str(response.json()[field])
    assert not world.tara.reminder_preferences.exists()


def test_preferences_list_every_kind_with_defaults(world):
    client = Client()
    client.force_login(world.tara)
    client.post(
        reverse("api-reminder-preferences"),
        {"kind": "ACTION_DUE", "lead_minutes": 120, "channel": "IN_APP"},
        content_type="application/json",
    )
    listed = {row["kind"]: row for row in client.get(reverse("api-reminder-preferences")).json()}
    assert set(listed) == set(ReminderKind.values)
    assert listed["ACTION_DUE"] == {
        "kind": "ACTION_DUE",
        "enabled": True,
        "lead_minutes": 120,
        "channel": "IN_APP",
    }
    assert listed["MEETING_UPCOMING"]["lead_minutes"] == 24 * 60


# --- Claiming ------------------------------------------------------------------------------


def test_two_claims_never_share_a_row_and_an_expired_claim_is_taken_again(world):
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    make_all_due()
    first_token, first = claim_due(limit=3)
    _second_token, second = claim_due(limit=100)
    assert len(first) == 3
    assert set(first).isdisjoint(second)
    assert claim_due(limit=100)[1] == []
    # The worker holding the first claim died: once its lease runs out, the rows come back.
    Reminder.objects.filter(lease_token=first_token).update(
        leased_until=timezone.now() - dt.timedelta(seconds=1)
    )
    _third_token, third = claim_due(limit=100)
    assert sorted(third) == sorted(first)
    assert deliver(first, first_token).skipped == 3  # the dead claim no longer counts


# --- Delivering ----------------------------------------------------------------------------


def test_delivery_sends_text_html_and_calendar_and_marks_sent(world, smtp_mail):
    a_week_of_reminders(world)
    token, ids = _claim_all()
    outcome = deliver(ids, token)
    assert outcome.sent == len(ids) > 0
    assert set(Reminder.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        ReminderStatus.SENT
    }
    counts = smtp_mail.recorder.counts()
    assert len(counts) == len(ids)
    assert set(counts.values()) == {1}
    role = Reminder.objects.filter(kind=ReminderKind.ROLE_ASSIGNED).first()
    assert role is not None
    received = next(
        a.message
        for a in smtp_mail.recorder.accepted
        if a.message_id == f"<reminder-{role.public_id}@consultteam>"
    )
    types = [part.get_content_type() for part in received.walk()]
    assert {"text/plain", "text/html", "text/calendar"} <= set(types)
    ics = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
    assert "BEGIN:VEVENT" in ics.get_content()
    # A second delivery of the same broker message does nothing.
    assert deliver(ids, token).skipped == len(ids)
    assert len(smtp_mail.recorder.accepted) == len(ids)


def test_in_app_reminders_are_not_emailed(world, smtp_mail):
    preference_set(user=world.tara, kind=ReminderKind.MEETING_UPCOMING, channel=Channel.IN_APP)
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    token, ids = _claim_all()
    deliver(ids, token)
    row = Reminder.objects.get(kind=ReminderKind.MEETING_UPCOMING, recipient=world.tara)
    assert row.status == ReminderStatus.SENT
    assert f"<reminder-{row.public_id}@consultteam>" not in smtp_mail.recorder.counts()


def test_an_unreachable_mail_server_means_a_later_retry_then_failed(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.REMINDER_MAX_ATTEMPTS = 2
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    token, ids = _claim_all()
    outcome = deliver(ids, token)
    assert outcome.retrying == len(ids)
    rows = Reminder.objects.filter(pk__in=ids)
    assert {row.status for row in rows} == {ReminderStatus.PENDING}
    assert {row.attempts for row in rows} == {1}
    assert all(row.send_at > timezone.now() + dt.timedelta(seconds=50) for row in rows)
    assert all("ConnectionRefusedError" in row.last_error for row in rows)
    token, ids = _claim_all()
    deliver(ids, token)
    assert {row.status for row in rows.all()} == {ReminderStatus.FAILED}


def test_a_refusal_fails_at_once_and_a_temporary_error_retries(world, smtp_mail):
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    smtp_mail.recorder.reply_with = "550 5.1.1 no such mailbox"
    token, ids = _claim_all()
    assert deliver(ids, token).failed == len(ids)
    failed = Reminder.objects.filter(pk__in=ids)
    assert {row.status for row in failed} == {ReminderStatus.FAILED}
    assert "no such mailbox" in failed[0].last_error
    assert is_transient(smtplib.SMTPDataError(451, b"try later"))
    assert not is_transient(smtplib.SMTPDataError(554, b"rejected"))
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 9)] == [60, 120, 240, 3600]


def test_an_operator_retries_a_failed_reminder_and_it_is_audited(world):
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    row = Reminder.objects.first()
    assert row is not None
    Reminder.objects.filter(pk=row.pk).update(
        status=ReminderStatus.FAILED, attempts=5, last_error="SMTPDataError: 554"
    )
    client = Client()
    client.force_login(world.ada)
    page = client.get(reverse("reminder-operations")).content.decode()
    assert "SMTPDataError: 554" in page
    response = client.post(reverse("reminder-retry", kwargs={"reminder_id": row.public_id}))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (ReminderStatus.PENDING, 0)
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_id=str(row.public_id), actor=world.ada
    ).exists()
    with pytest.raises(Conflict):
        reminder_retry(reminder=row, by=world.ada)


# --- Notifications -------------------------------------------------------------------------


def test_notifications_list_only_ones_own_and_mark_read(world, django_assert_num_queries):
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    token, ids = _claim_all()
    deliver(ids, token)
    client = Client()
    client.force_login(world.tara)
    # session, user, the page of reminders with their meetings and teams
    with django_assert_num_queries(3):
        listed = client.get(reverse("api-notification-list")).json()["results"]
    assert {row["kind"] for row in listed} == {"MEETING_UPCOMING", "AGENDA_CUTOFF"}
    mine = Reminder.objects.filter(recipient=world.tara).first()
    theirs = Reminder.objects.filter(recipient=world.theo).first()
    assert mine is not None
    assert theirs is not None
    url = "api-notification-read"
    assert (
        client.post(reverse(url, kwargs={"notification_id": theirs.public_id})).status_code == 404
    )
    assert client.post(reverse(url, kwargs={"notification_id": mine.public_id})).status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is not None
    page = client.get(reverse("notification-list")).content.decode()
    assert "Alpha meets" in page


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_a_claim_passes_over_rows_another_sweep_holds():
    """SKIP LOCKED: a sweep does not wait for rows another sweep has locked, it takes others."""
    user = UserFactory.create(email="sweep@example.org")
    now = timezone.now()
    rows = Reminder.objects.bulk_create(
        Reminder(
            key=f"skip:{n}",
            recipient=user,
            kind=ReminderKind.REVIEW_REQUESTED,
            due_at=now,
            send_at=now,
        )
        for n in range(10)
    )
    held = [row.pk for row in rows[:3]]
    locked, release = threading.Event(), threading.Event()

    def other_sweep() -> None:
        try:
            with transaction.atomic():
                list(Reminder.objects.select_for_update().filter(pk__in=held))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_sweep)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        _token, claimed = claim_due(limit=100)
    finally:
        release.set()
        thread.join()
    assert sorted(claimed) == sorted(row.pk for row in rows[3:])


def test_notice_of_absence_cancels_that_persons_reminders_of_the_meeting(world):
    meeting = services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)[0]
    services.attendance_notify_absence(meeting=meeting, member=world.theo, by=world.theo)
    theirs = Reminder.objects.filter(meeting=meeting, recipient=world.theo)
    assert set(theirs.values_list("status", flat=True)) == {ReminderStatus.CANCELLED}
    assert Reminder.objects.filter(
        meeting=meeting, recipient=world.tara, status=ReminderStatus.PENDING
    ).exists()


def test_an_action_done_is_no_longer_reminded(world):
    _first, following = a_week_of_reminders(world)
    due = Reminder.objects.get(kind=ReminderKind.ACTION_DUE, status=ReminderStatus.PENDING)
    action = ActionItem.objects.get(meeting=following, owner=world.tara)
    services.action_item_update(action=action, by=world.tara, changes={"status": "DONE"})
    due.refresh_from_db()
    assert due.status == ReminderStatus.CANCELLED


def test_the_choices_page_saves_all_or_nothing(world):
    client = Client()
    client.force_login(world.tara)
    form = {}
    for kind in ReminderKind.values:
        form[f"{kind}-enabled"] = "on"
        form[f"{kind}-lead_minutes"] = "30"
        form[f"{kind}-channel"] = "EMAIL"
    bad = {**form, "ROLE_ASSIGNED-lead_minutes": "-10"}
    response = client.post(reverse("reminder-preferences"), bad)
    assert response.status_code == 400
    assert "from 0 to" in response.content.decode()
    assert not world.tara.reminder_preferences.exists()
    del form["AGENDA_CUTOFF-enabled"]
    response = client.post(reverse("reminder-preferences"), form)
    assert response.status_code == 302
    saved = {p.kind: (p.enabled, p.lead_minutes) for p in world.tara.reminder_preferences.all()}
    assert saved["AGENDA_CUTOFF"] == (False, 30)
    assert saved["MEETING_UPCOMING"] == (True, 30)


def test_the_choices_page_asks_minutes_only_of_reminders_that_come_before_something(world):
    from reminders.services import NEWS

    client = Client()
    client.force_login(world.tara)
    page = client.get(reverse("reminder-preferences")).content.decode()
    for kind in ReminderKind.values:
        asked = f'type="number" min="0" id="{kind}-lead_minutes"' in page
        assert asked == (kind not in NEWS), kind
    assert page.count("At once") == len(NEWS)


# --- Mail server replies, through the real path ------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "transient"),
    [
        ("451 4.3.0 Mailbox busy, try again later", True),
        ("554 5.7.1 Message refused by policy", False),
    ],
)
def test_a_reply_of_the_real_server_sets_the_row_back_or_fails_it(
    world, settings, smtp_mail, reply, transient
):
    """A 4xx to the message puts the row back, PENDING, one attempt spent, the reply recorded
    and due again after the first backoff; a 5xx fails it at once, keeping its time. Either way
    the claim is given up. A row set back goes out once the server takes mail again."""
    settings.REMINDER_RETRY_SECONDS = 60
    settings.REMINDER_MAX_ATTEMPTS = 5
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    smtp_mail.recorder.reply_with = reply
    token, ids = _claim_all()
    due_before = dict(Reminder.objects.filter(pk__in=ids).values_list("pk", "send_at"))
    started = timezone.now()
    outcome = deliver(ids, token)
    assert (outcome.retrying, outcome.failed) == ((len(ids), 0) if transient else (0, len(ids)))
    assert not smtp_mail.recorder.accepted
    for row in Reminder.objects.filter(pk__in=ids):
        assert row.status == (ReminderStatus.PENDING if transient else ReminderStatus.FAILED)
        assert row.attempts == 1
        assert reply[4:] in row.last_error
        assert row.lease_token is None
        if transient:
            assert row.send_at >= started + dt.timedelta(seconds=60)
        else:
            assert row.send_at == due_before[row.pk]
    smtp_mail.recorder.reply_with = None
    token, again = _claim_all()
    deliver(again, token)
    if transient:
        assert sorted(again) == sorted(ids)
        assert {
            (r.status, r.attempts, r.last_error) for r in Reminder.objects.filter(pk__in=ids)
        } == {(ReminderStatus.SENT, 2, "")}
        assert len(smtp_mail.recorder.accepted) == len(ids)
    else:
        assert again == []  # what failed stays failed until an operator retries it
        assert not smtp_mail.recorder.accepted


def test_a_failing_enqueue_releases_its_claim_for_the_next_sweep(world, settings):
    """The broker refuses a batch: that batch's claim is given back at once (not left to run
    out) and the error raised; batches handed over before it stay claimed. The next sweep
    takes every released row."""
    from kombu.exceptions import OperationalError

    settings.REMINDER_BATCH_SIZE = 3
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    assert make_all_due() > 6
    handed: list[list[int]] = []

    def enqueue(ids: list[int], token: uuid.UUID) -> None:
        if handed:
            raise OperationalError("the broker is down")
        handed.append(ids)

    with pytest.raises(OperationalError):
        sweep(enqueue=enqueue)
    claimed = set(Reminder.objects.filter(lease_token__isnull=False).values_list("pk", flat=True))
    assert claimed == set(handed[0])
    assert not Reminder.objects.filter(
        lease_token__isnull=True, leased_until__isnull=False
    ).exists()
    taken: list[int] = []
    rest = sweep(enqueue=lambda ids, token: taken.extend(ids))
    pending = set(
        Reminder.objects.filter(status=ReminderStatus.PENDING).values_list("pk", flat=True)
    )
    assert set(taken) == pending - claimed
    assert rest == len(pending) - 3


# --- When and in whose time ----------------------------------------------------------------------

# +05:30 all year: its clock differs by half an hour from UTC (a person's default zone) and
# from America/Chicago (the factory teams' zone), so a time shown in the wrong zone never
# matches by chance.
KOLKATA = ZoneInfo("Asia/Kolkata")
WRONG_ZONES = (ZoneInfo("UTC"), ZoneInfo("America/Chicago"))


@pytest.mark.parametrize(
    ("kind", "about", "lead"),
    [
        (ReminderKind.MEETING_UPCOMING, "starts", dt.timedelta(hours=24)),
        (ReminderKind.AGENDA_CUTOFF, "cutoff", dt.timedelta(hours=6)),
        (ReminderKind.ROLE_ASSIGNED, "starts", dt.timedelta(hours=48)),
        (ReminderKind.ACTION_DUE, "starts", dt.timedelta(hours=24)),  # due at the meeting
        (ReminderKind.ITEM_CARRIED_OVER, "completed", None),  # news: at once
    ],
)
def test_each_kind_goes_out_its_default_lead_before_in_the_recipients_time(
    world, smtp_mail, kind, about, lead
):
    """Defaults: the meeting 24 h before, the agenda cutoff 6 h before the cutoff, a role
    48 h before the meeting, an action 24 h before it is due, a carried item at once. The
    message, as the real server received it, gives the meeting's time (and the cutoff's) in
    the recipient's own zone, and in no other."""
    from agendas.services.agenda import cutoff_of

    first, following = a_week_of_reminders(world)
    first.refresh_from_db()
    row = (
        Reminder.objects.filter(kind=kind, meeting=following, status=ReminderStatus.PENDING)
        .select_related("recipient")
        .order_by("pk")
        .first()
    )
    assert row is not None
    moments = {
        "starts": following.starts_at,
        "cutoff": cutoff_of(following),
        "completed": first.completed_at,
    }
    assert row.due_at == moments[about]
    if lead is None:
        assert row.due_at <= row.send_at <= timezone.now()
    else:
        assert row.send_at == row.due_at - lead

    person = row.recipient
    person.time_zone = KOLKATA.key
    person.save(update_fields=["time_zone"])
    Reminder.objects.filter(pk=row.pk).update(send_at=timezone.now() - dt.timedelta(seconds=1))
    token, ids = claim_due(limit=1000)
    deliver(ids, token)
    received = next(
        a.message
        for a in smtp_mail.recorder.accepted
        if a.message_id == f"<reminder-{row.public_id}@consultteam>"
    )
    texts = {
        part.get_content_type(): part.get_content()
        for part in received.walk()
        if part.get_content_type() in {"text/plain", "text/html"}
    }
    assert set(texts) == {"text/plain", "text/html"}
    texts["subject"] = str(received["Subject"])
    shown = [following.starts_at] + ([cutoff_of(following)] if about == "cutoff" else [])
    for name, text in texts.items():
        named = [zone.key for zone in (KOLKATA, *WRONG_ZONES) if zone.key in text]
        assert named in ([], [KOLKATA.key]), f"{name} names the zones {named}"
        if name == "subject":
            continue  # short: not every subject has a time
        assert named == [KOLKATA.key], name
        for moment in shown:
            assert f"{moment.astimezone(KOLKATA):%H:%M}" in text, name
            for zone in WRONG_ZONES:
                assert f"{moment.astimezone(zone):%H:%M}" not in text, (name, zone.key)


# --- The admin -----------------------------------------------------------------------------------


@pytest.fixture
def operator(db):
    """Staff with the one admin right an operator of reminders needs: seeing them."""
    from django.contrib.auth.models import Permission

    user = UserFactory.create(email="operator@clinic.example", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_reminder"))
    return user


def _failed_and_pending(world) -> tuple[Reminder, Reminder]:
    services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    failed, pending = Reminder.objects.order_by("pk")[:2]
    Reminder.objects.filter(pk=failed.pk).update(
        status=ReminderStatus.FAILED, attempts=5, last_error="SMTPDataError: 554 refused"
    )
    return failed, pending


def test_the_admin_shows_the_error_and_its_retry_action_requeues_failed_ones(world, operator):
    failed, pending = _failed_and_pending(world)
    url = reverse("admin:reminders_reminder_changelist")
    client = Client()
    client.force_login(operator)
    page = client.get(url, {"status__exact": "FAILED"})
    assert page.status_code == 200
    assert "SMTPDataError: 554 refused" in page.content.decode()
    response = client.post(
        url,
        {"action": "retry", "index": "0", "_selected_action": [failed.pk, pending.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 failed reminder queued again." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (ReminderStatus.PENDING, 0)
    assert failed.send_at <= timezone.now()
    state = (pending.status, pending.attempts, pending.send_at)
    pending.refresh_from_db()
    assert (pending.status, pending.attempts, pending.send_at) == state  # not failed: untouched
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_id=str(failed.public_id), actor=operator
    ).exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("tara", 302),  # not staff: to the admin's sign-in
        ("ada", 403),  # staff without the right to see reminders
    ],
)
def test_the_admin_retry_is_refused_without_the_right(world, who, expected):
    failed, _pending = _failed_and_pending(world)
    client = Client()
    client.force_login(getattr(world, who))
    response = client.post(
        reverse("admin:reminders_reminder_changelist"),
        {"action": "retry", "index": "0", "_selected_action": [failed.pk]},
    )
    assert response.status_code == expected
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.FAILED
    assert not AuditEvent.objects.filter(object_id=str(failed.public_id)).exists()
