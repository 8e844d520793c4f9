"""No clinical content in any reminder: every free-text field and case code of the clinical
record is replaced by a unique canary, every kind of reminder is sent through the real broker
and a real SMTP server, and no canary turns up in a sent message (any part, decoded, and the
calendar entry unfolded), in the broker's messages, in a log line (with its exception text and
stack) or in the in-app notifications. Once over the test cast's week, once over the demo."""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from consultteam.celery import app as celery_app
from reminders.choices import ReminderKind, ReminderStatus
from reminders.delivery import deliver, sweep
from reminders.models import Reminder
from reminders.tasks import reminders_deliver
from tests.reminder_scenario import a_week_of_reminders, make_all_due

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


# Every app that holds what clinicians wrote or what identifies a case.
CLINICAL_APPS = {"cases", "agendas", "textcheck"}
# Logistics a reminder may carry (DOMAIN.md section 6: "a link"); not clinical.
ALLOWED = (models.URLField, models.EmailField)


def plant_canaries() -> set[str]:
    """Overwrite every free-text field (no choices) of every clinical row with its own
    canary. Queryset updates: the point is what the rows hold, not how it got there."""
    canaries: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in CLINICAL_APPS:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, ALLOWED)
            and not field.choices
            and (field.max_length is None or field.max_length >= 8)
        ]
        for pk in model._default_manager.values_list("pk", flat=True):
            values = {field.name: f"Q{secrets.token_hex(4).upper()}"[:8] for field in fields}
            model._default_manager.filter(pk=pk).update(**values)
            canaries |= set(values.values())
    return canaries


def drain(queue: str) -> list[tuple[str, list[Any]]]:
    """Take every message off ``queue``: its raw body and the task arguments."""
    taken = []
    with celery_app.connection_for_read() as connection:
        simple = connection.SimpleQueue(queue)
        try:
            while True:
                try:
                    message = simple.get(timeout=3)
                except simple.Empty:
                    break
                args, _kwargs, _embed = message.decode()
                taken.append((str(message.body), args))
                message.ack()
        finally:
            simple.close()
    return taken


def unfold(text: str) -> str:
    """RFC 5545 (and RFC 5322) unfolding: a line break followed by one space or tab continues
    the line. A calendar entry folds its lines at 75 octets, which can split a canary in two."""
    return re.sub(r"\r?\n[ \t]", "", text)


def texts_of(message) -> list[str]:
    """The whole message as sent, and each part decoded; each of them also unfolded."""
    texts = [message.as_string()]
    for part in message.walk():
        if not part.is_multipart():
            content = part.get_content()
            texts.append(
                content.decode("utf-8", "replace") if isinstance(content, bytes) else content
            )
    return [form for text in texts for form in (text, unfold(text))]


def log_texts(caplog) -> list[str]:
    """Every captured record as a handler writes it: the message with its arguments, then the
    formatted traceback (exc_text) and stack of those that carry one; and the captured output
    as a whole."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    texts = [caplog.text]
    for record in caplog.records:
        texts.append(formatter.format(record))  # fills record.exc_text from exc_info
        texts.extend(text for text in (record.exc_text, record.stack_info) if text)
    return texts


def sweep_through_the_broker() -> list[tuple[str, list[Any]]]:
    """A sweep as beat runs it, its batches put on a queue of the test's own on the real
    broker, taken off it and delivered. Returns the broker messages."""
    queue = f"canary-{uuid.uuid4().hex[:10]}"
    handed = sweep(
        enqueue=lambda ids, token: reminders_deliver.apply_async((ids, str(token)), queue=queue)
    )
    broker = drain(queue)
    assert handed > 0
    assert sum(len(args[0]) for _body, args in broker) == handed
    for _body, (ids, token) in broker:
        deliver(ids, uuid.UUID(token))
    return broker


def found_in(places: dict[str, list[str]], canaries: set[str]) -> set[tuple[str, str]]:
    assert all(places.values()), "every place was looked at and had something in it"
    return {
        (place, canary)
        for place, texts in places.items()
        for text in texts
        for canary in canaries
        if canary in text
    }


def test_the_checks_find_a_canary_folded_or_in_a_traceback(caplog):
    """The checks can fail: a canary split by the calendar's line folding, or only in the
    traceback of a logged exception, is found."""
    from email.message import EmailMessage

    message = EmailMessage()
    message.set_content("nothing here")
    folded = "DESCRIPTION:" + "x" * 60 + "QAB\r\n CD1234"
    message.add_attachment(
        f"BEGIN:VCALENDAR\r\n{folded}\r\nEND:VCALENDAR\r\n",
        subtype="calendar",
        filename="meeting.ics",
    )
    assert found_in({"email": texts_of(message)}, {"QABCD1234"})
    try:
        raise ValueError("QFEDC4321")
    except ValueError:
        logging.getLogger("reminders.delivery").exception("sending failed")
    assert all("QFEDC4321" not in record.getMessage() for record in caplog.records)
    assert found_in({"log": log_texts(caplog)}, {"QFEDC4321"})


def test_no_canary_reaches_a_message_a_log_line_or_the_broker(
    world,
    settings,
    smtp_server,
    caplog,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    caplog.set_level(logging.DEBUG)
    a_week_of_reminders(world)
    canaries = plant_canaries()
    assert len(canaries) > 40  # the record really was covered
    assert make_all_due() > 0
    broker = sweep_through_the_broker()

    sent = Reminder.objects.filter(status=ReminderStatus.SENT)
    assert set(sent.values_list("kind", flat=True)) == set(ReminderKind.values)
    assert not Reminder.objects.filter(status=ReminderStatus.PENDING).exists()
    assert len(smtp_server.recorder.accepted) == sent.count()

    places: dict[str, list[str]] = {
        "email": [text for a in smtp_server.recorder.accepted for text in texts_of(a.message)],
        "broker": [body for body, _args in broker],
        "log": log_texts(caplog),
    }
    for who in (world.tara, world.sam, world.lena):
        client = Client()
        client.force_login(who)
        places.setdefault("in-app", []).append(
            client.get(reverse("api-notification-list")).content.decode()
        )
        places["in-app"].append(client.get(reverse("notification-list")).content.decode())
    found = found_in(places, canaries)
    assert not found, f"clinical content leaked into reminders: {sorted(found)[:10]}"


def test_the_demo_record_reaches_no_reminder_either(settings, smtp_server, caplog):
    """The same check over the demo loader's record (its past meetings, the coming one with
    its agenda, what the last week carried into it), with roles rotated, a review asked for on
    one of its analyses and imminent risk brought late to an extra meeting: every kind of
    reminder goes out through the real broker, and no canary planted in the demo's texts is in
    an email, a broker message or the log."""
    from django.core.management import call_command
    from django.utils import timezone

    from agendas import services
    from agendas.choices import MeetingStatus, Urgency
    from agendas.models import Meeting
    from cases.choices import ChainStatus
    from cases.models import ChainAnalysis
    from cases.permissions import is_eligible_reviewer
    from cases.services.review import review_request
    from consultteam.teams.models import Membership, Role

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    caplog.set_level(logging.DEBUG)
    call_command("load_demo")
    for leader in Membership.objects.filter(role=Role.TEAM_LEADER).select_related("team", "user"):
        # The demo's coming meeting (planned here if the demo has none), its roles in turn.
        coming = (
            Meeting.objects.filter(
                team=leader.team, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
            ).first()
            or services.meetings_plan(team=leader.team, by=leader.user, weeks=1)[0]
        )
        services.roles_rotate(meeting=coming, by=leader.user)
    # The two kinds the demo itself gives rise to none of: a review asked for, and imminent
    # risk brought after a meeting's cutoff (to an extra meeting in two hours).
    chain = ChainAnalysis.objects.filter(status=ChainStatus.READY_FOR_TEAM).first()
    assert chain is not None
    reviewer = next(
        m.user
        for m in Membership.objects.filter(team=chain.team).select_related("user")
        if m.user_id != chain.author_id and is_eligible_reviewer(m.user, chain)
    )
    review_request(by=chain.author, item=chain, reviewer=reviewer)
    extra = Meeting.objects.create(
        team=chain.team, starts_at=timezone.now() + dt.timedelta(hours=2), minutes=60
    )
    services.agenda_item_submit(
        meeting=extra, by=chain.author, title="Urges since this morning", urgency=Urgency.IMMINENT
    )
    canaries = plant_canaries()
    assert len(canaries) > 40
    assert make_all_due() > 0
    broker = sweep_through_the_broker()

    sent = Reminder.objects.filter(status=ReminderStatus.SENT)
    assert set(sent.values_list("kind", flat=True)) == set(ReminderKind.values)
    assert not Reminder.objects.filter(status=ReminderStatus.PENDING).exists()
    assert len(smtp_server.recorder.accepted) == sent.count()
    places = {
        "email": [text for a in smtp_server.recorder.accepted for text in texts_of(a.message)],
        "broker": [body for body, _args in broker],
        "log": log_texts(caplog),
    }
    found = found_in(places, canaries)
    assert not found, f"demo content leaked into reminders: {sorted(found)[:10]}"
