"""No clinical content in any reminder: every free-text field and case code of the clinical
record is replaced by a unique canary, every kind of reminder is sent through the real broker
and a real SMTP server, and no canary turns up in a sent message (any part, decoded), in the
broker's messages, in a log line or in the in-app notifications."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from consultteam.celery import app as celery_app
from reminders.choices import ReminderKind, ReminderStatus
from reminders.delivery import claim_due, deliver, sweep
from reminders.models import Reminder
from reminders.tasks import reminders_deliver
from tests.reminder_scenario import a_week_of_reminders, make_all_due
from tests.smtp_capture import SmtpServer, smtp_server_running

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with smtp_server_running() as server:
        yield server


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


def texts_of(message) -> list[str]:
    texts = [message.as_string()]
    for part in message.walk():
        if not part.is_multipart():
            content = part.get_content()
            texts.append(
                content.decode("utf-8", "replace") if isinstance(content, bytes) else content
            )
    return texts


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

    queue = f"canary-{uuid.uuid4().hex[:10]}"
    handed = sweep(
        enqueue=lambda ids, token: reminders_deliver.apply_async((ids, str(token)), queue=queue)
    )
    broker = drain(queue)
    assert sum(len(args[0]) for _body, args in broker) == handed
    for _body, (ids, token) in broker:
        deliver(ids, uuid.UUID(token))

    sent = Reminder.objects.filter(status=ReminderStatus.SENT)
    assert set(sent.values_list("kind", flat=True)) == set(ReminderKind.values)
    assert not Reminder.objects.filter(status=ReminderStatus.PENDING).exists()
    assert len(smtp_server.recorder.accepted) == sent.count()

    places: dict[str, list[str]] = {
        "email": [text for a in smtp_server.recorder.accepted for text in texts_of(a.message)],
        "broker": [body for body, _args in broker],
        "log": [record.getMessage() for record in caplog.records],
    }
    for who in (world.tara, world.sam, world.lena):
        client = Client()
        client.force_login(who)
        places.setdefault("in-app", []).append(
            client.get(reverse("api-notification-list")).content.decode()
        )
        places["in-app"].append(client.get(reverse("notification-list")).content.decode())
    assert all(places.values()), "every place was looked at and had something in it"
    found = {
        (place, canary)
        for place, texts in places.items()
        for text in texts
        for canary in canaries
        if canary in text
    }
    assert not found, f"clinical content leaked into reminders: {sorted(found)[:10]}"


def test_the_demo_record_reaches_no_reminder_either(settings, smtp_server):
    """The same check over the demo loader's record (its past meetings, the coming one with
    its agenda): every reminder the demo gives rise to goes out, and none carries a canary
    planted in the demo's texts."""
    from django.core.management import call_command
    from django.utils import timezone

    from agendas import services
    from agendas.choices import MeetingStatus
    from agendas.models import Meeting
    from consultteam.teams.models import Membership, Role

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
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
    canaries = plant_canaries()
    assert len(canaries) > 40
    assert make_all_due() > 0
    while True:
        token, ids = claim_due(limit=100)
        if not ids:
            break
        deliver(ids, token)
    kinds = set(Reminder.objects.filter(status=ReminderStatus.SENT).values_list("kind", flat=True))
    assert {ReminderKind.MEETING_UPCOMING, ReminderKind.ROLE_ASSIGNED} <= kinds
    texts = [text for a in smtp_server.recorder.accepted for text in texts_of(a.message)]
    assert texts
    leaked = {canary for text in texts for canary in canaries if canary in text}
    assert not leaked, f"demo content leaked into reminders: {sorted(leaked)[:10]}"
