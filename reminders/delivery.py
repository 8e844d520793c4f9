"""Claiming due reminders and delivering them.

The sweep (beat, every minute) claims due rows with a lease and enqueues their ids; a worker
delivers each claimed row and marks it sent only while its lease is still the one it was given.
A worker that dies leaves its lease to run out, and the next sweep claims the rows again.

Delivery is at least once: a message the mail server accepted just before the worker died, and
before the row was marked sent, goes out again after the lease (docs/reminders.md measures that
window). Every copy carries the same Message-ID, so mail clients can fold a repeat.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from reminders.choices import Channel, ReminderStatus
from reminders.messages import message_for
from reminders.models import ERROR_TEXT, Reminder

log = logging.getLogger(__name__)

# A row is not sent when less than this is left of its lease: another sweep may take it soon.
LEASE_MARGIN = dt.timedelta(seconds=2)


@dataclass
class Outcome:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


# --- Claiming ---------------------------------------------------------------------------------


def claim_due(*, limit: int, lease_seconds: int | None = None) -> tuple[uuid.UUID, list[int]]:
    """Claim up to ``limit`` due rows for one delivery, returning the lease token and their ids.
    Two sweeps at once never claim the same row. Commits before returning, so the claim is
    visible to the worker that delivers it."""
    token = uuid.uuid4()
    now = timezone.now()
    until = now + dt.timedelta(seconds=lease_seconds or settings.REMINDER_LEASE_SECONDS)
    due = Reminder.objects.due(now).order_by("send_at", "id")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Rows another sweep holds locked are passed over, not waited for.
            ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
            Reminder.objects.filter(pk__in=ids).update(
                lease_token=token, leased_until=until, updated_at=now
            )
        else:
            # No row locks here: the UPDATE re-checks "due and free" itself, so of two sweeps
            # racing for a row exactly one changes it; read back what we got.
            candidates = list(due.values_list("id", flat=True)[:limit])
            Reminder.objects.due(now).filter(pk__in=candidates).update(
                lease_token=token, leased_until=until, updated_at=now
            )
            ids = list(Reminder.objects.filter(lease_token=token).values_list("id", flat=True))
    return token, ids


def release(ids: list[int], token: uuid.UUID) -> None:
    """Give back a claim that could not be handed to a worker (the broker was down)."""
    Reminder.objects.filter(pk__in=ids, lease_token=token).update(
        lease_token=None, leased_until=None, updated_at=timezone.now()
    )


def sweep(*, enqueue: Callable[[list[int], uuid.UUID], object], max_batches: int = 100) -> int:
    """Claim every due row in batches and hand each batch to ``enqueue``. Returns how many
    rows were handed over. A batch that cannot be enqueued is released and the error raised:
    the next sweep tries again. Safe to run twice, and two at once."""
    handed = 0
    for _ in range(max_batches):
        token, ids = claim_due(limit=settings.REMINDER_BATCH_SIZE)
        if not ids:
            break
        try:
            enqueue(ids, token)
        except Exception:
            release(ids, token)
            raise
        handed += len(ids)
    if handed:
        log.info("reminder sweep handed %d reminders to workers", handed)
    return handed


# --- Delivering -------------------------------------------------------------------------------


def _is_connection_error(error: Exception) -> bool:
    """The mail server cannot be reached at all: the rest of the batch would fail the same way."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def is_transient(error: Exception) -> bool:
    """Worth trying again later: the server was unreachable or answered 4xx."""
    if _is_connection_error(error):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return False


def backoff(attempts: int) -> dt.timedelta:
    """REMINDER_RETRY_SECONDS (a minute) after the first failed attempt, then twice as long
    after each next one, at most an hour."""
    first = settings.REMINDER_RETRY_SECONDS
    return dt.timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 3600))


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_TEXT]


def mark_sent(row: Reminder, token: uuid.UUID) -> bool:
    """Record the row as sent if our lease still holds. False: the lease was lost meanwhile."""
    now = timezone.now()
    changed = Reminder.objects.filter(
        pk=row.pk, lease_token=token, status=ReminderStatus.PENDING
    ).update(
        status=ReminderStatus.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        last_error="",
        lease_token=None,
        leased_until=None,
        updated_at=now,
    )
    if not changed:
        log.warning("reminder %s was delivered after its lease ran out", row.pk)
    return bool(changed)


def set_back(row: Reminder, token: uuid.UUID, error: Exception) -> str:
    """After a failed attempt: due again after a backoff, or FAILED when the attempts are used
    up or the error is not one that passes. Returns the new status."""
    now = timezone.now()
    attempts = row.attempts + 1
    final = attempts >= settings.REMINDER_MAX_ATTEMPTS or not is_transient(error)
    status = ReminderStatus.FAILED if final else ReminderStatus.PENDING
    Reminder.objects.filter(pk=row.pk, lease_token=token, status=ReminderStatus.PENDING).update(
        status=status,
        attempts=attempts,
        last_error=_error_text(error),
        send_at=row.send_at if final else now + backoff(attempts),
        lease_token=None,
        leased_until=None,
        updated_at=now,
    )
    log.warning(
        "reminder %s attempt %d failed (%s): %s",
        row.pk,
        attempts,
        "giving up" if final else "will retry",
        type(error).__name__,
    )
    return status


def deliver(ids: list[int], token: uuid.UUID) -> Outcome:
    """Deliver the rows of ``ids`` still claimed under ``token``: in-app ones are marked sent,
    email ones are sent over one SMTP connection, each marked sent as soon as the server took
    it. Rows already sent, cancelled or claimed by someone else are skipped, so a repeated
    broker message does nothing. Mail errors never escape: each row is set back or failed."""
    outcome = Outcome()
    rows = list(
        Reminder.objects.filter(pk__in=ids, lease_token=token, status=ReminderStatus.PENDING)
        .select_related("recipient", "meeting__team")
        .order_by("send_at", "id")
    )
    outcome.skipped = len(ids) - len(rows)
    emails = []
    for row in rows:
        if row.channel == Channel.IN_APP or not row.recipient.email:
            outcome.sent += mark_sent(row, token)
        else:
            emails.append(row)
    if emails:
        _send_emails(emails, token, outcome)
    return outcome


def _send_emails(rows: list[Reminder], token: uuid.UUID, outcome: Outcome) -> None:
    """Send over one connection, opened here so that each message does not open its own."""
    mail = get_connection(fail_silently=False)
    try:
        mail.open()
    except Exception as error:
        _set_back_all(rows, token, error, outcome)
        return
    calendars: dict[int, str] = {}
    try:
        for index, row in enumerate(rows):
            assert row.leased_until is not None
            if timezone.now() + LEASE_MARGIN >= row.leased_until:
                # Our claim is running out; the next sweep hands the rest to someone else.
                outcome.skipped += len(rows) - index
                return
            try:
                message_for(row, connection=mail, calendars=calendars).send()
            except Exception as error:
                if _is_connection_error(error):
                    _set_back_all(rows[index:], token, error, outcome)
                    return
                # A refusal of one message leaves the session usable (smtplib resets it).
                _count(set_back(row, token, error), outcome)
                continue
            outcome.sent += mark_sent(row, token)
    finally:
        _close_quietly(mail)


def _set_back_all(
    rows: list[Reminder], token: uuid.UUID, error: Exception, outcome: Outcome
) -> None:
    for row in rows:
        _count(set_back(row, token, error), outcome)


def _count(status: str, outcome: Outcome) -> None:
    if status == ReminderStatus.FAILED:
        outcome.failed += 1
    else:
        outcome.retrying += 1


def _close_quietly(mail: object) -> None:
    try:
        mail.close()  # type: ignore[attr-defined]
    except Exception:  # a connection already broken cannot be closed politely
        log.debug("closing the mail connection failed", exc_info=True)
