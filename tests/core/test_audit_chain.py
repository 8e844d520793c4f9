"""The audit trail's hash chain on PostgreSQL (consultteam/audit/chain.py): the database chains
and stamps every event, and `audit_verify` names each event that no longer fits.

Tampering here is done as the table's owner with its maintenance switch, as a superuser could;
tests/core/test_database_roles.py shows the service's own role cannot do any of it."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from consultteam.audit.chain import verify
from consultteam.audit.models import Action, AuditEvent
from consultteam.audit.services import audit_record
from tests.conftest import requires_postgres

pytestmark = requires_postgres()


@contextmanager
def maintaining() -> Iterator[None]:
    """The owner's maintenance switch, on for the enclosed statements only."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL consultteam.audit_maintenance = 'on'")
        yield


def _events(count: int) -> list[AuditEvent]:
    return [audit_record(action=Action.LOGIN_FAILED, actor_id=None) for _ in range(count)]


def _sql(statement: str, params: list[int] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_every_event_takes_the_next_place_and_the_chain_verifies(db):
    before = AuditEvent.objects.count()
    made = _events(5)
    chained = list(AuditEvent.objects.order_by("seq").values_list("id", "seq", "chain_hash"))
    assert [seq for _, seq, _ in chained] == list(range(1, before + 6))
    assert [event_id for event_id, _, _ in chained[-5:]] == [event.pk for event in made]
    assert len({digest for _, _, digest in chained}) == len(chained)
    verdict = verify()
    assert verdict.intact, verdict.breaks
    assert (verdict.head_seq, verdict.head_hash) == chained[-1][1:]


def test_the_database_stamps_the_time_an_insert_cannot_backdate(db):
    backdated = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
    event = AuditEvent.objects.create(action=Action.VIEW, object_type="cases.case", at=backdated)
    stored = AuditEvent.objects.values_list("at", flat=True).get(pk=event.pk)
    assert abs(stored - timezone.now()) < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        ("UPDATE audit_auditevent SET object_id = 'someone-else' WHERE id = %s", "altered"),
        ("UPDATE audit_auditevent SET at = at - interval '1 day' WHERE id = %s", "altered"),
        ("UPDATE audit_auditevent SET fields = '[\"notes\"]' WHERE id = %s", "altered"),
        ("DELETE FROM audit_auditevent WHERE id = %s", "missing"),
    ],
)
def test_an_altered_or_deleted_event_is_named_by_id(db, tamper, problem):
    _, middle, last = _events(3)
    with maintaining():
        _sql(tamper, [middle.pk])
    verdict = verify()
    named = last.pk if problem == "missing" else middle.pk
    assert [(found.event_id, problem in found.problem) for found in verdict.breaks] == [
        (named, True)
    ]
    with pytest.raises(CommandError, match="1 break"):
        call_command("audit_verify")


def test_an_event_inserted_past_the_trigger_is_named_by_id(db):
    _events(2)
    # (Settle this test's own deferred foreign-key checks, or ALTER TABLE must wait for them.)
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_chain")
    forged = AuditEvent.objects.create(action=Action.VIEW, object_type="cases.case")
    _sql("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_chain")
    assert [found.event_id for found in verify().breaks] == [forged.pk]


def test_a_chain_recomputed_or_cut_short_misses_its_recorded_head(db):
    _events(3)
    head = verify()
    anchor = {head.head_seq: head.head_hash}
    assert verify(anchors=anchor).intact
    # The last events removed, the rest still verifies on its own: only the head tells.
    with maintaining():
        _sql("DELETE FROM audit_auditevent WHERE seq = %s", [head.head_seq])
    assert verify().intact
    cut = verify(anchors=anchor)
    assert [str(found) for found in cut.breaks] == [
        f"the trail: ends at position {head.head_seq - 1}, before the recorded head {head.head_seq}"
    ]


def test_audit_verify_prints_the_head_to_record(db, capsys):
    _events(2)
    call_command("audit_verify")
    out = capsys.readouterr().out
    verdict = verify()
    assert f"head {verdict.head_seq}:{verdict.head_hash}" in out
    assert "intact" in out
    call_command("audit_verify", "--anchor", f"{verdict.head_seq}:{verdict.head_hash}")
    with pytest.raises(CommandError):
        call_command("audit_verify", "--anchor", f"{verdict.head_seq}:{'0' * 64}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_chain_one_after_another():
    """Four connections append at once, each in its own transactions: one lock orders them,
    so the chain neither forks (two events after the same one) nor breaks."""
    errors: list[BaseException] = []

    def append() -> None:
        try:
            for _ in range(15):
                with transaction.atomic():
                    audit_record(action=Action.VIEW, actor_id=None)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) >= 60
    assert verify().intact


@pytest.mark.parametrize("role", ["consultteam", "postgres"])
def test_migrate_refuses_to_hand_the_service_a_role_that_could_undo_it(db, role):
    """The owner (this test database's) or a superuser as DATABASE_RUNTIME_ROLE: refused with
    a message, before any grant."""
    from django.core.exceptions import ImproperlyConfigured

    from consultteam.database_roles import grant_runtime_role

    with pytest.raises(ImproperlyConfigured, match="owns nothing"):
        grant_runtime_role(connection, role)
