"""Every read of clinical text is audited: one event per request, naming what was read.

Walks every GET route of the access matrix (tests/access_rows/), as each of the cast who may
read it. A response that carries any clinical text of the world (every free-text field of the
clinical record, with its value as stored) must come with a VIEW or EXPORT event of that
request, by that reader, naming the kind of record read; a response that carries none needs
none. So a new route that shows clinical text and forgets its event fails here."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from agendas.models import Meeting
from consultteam.audit.models import Action, AuditEvent
from tests.access_rows import all_rows
from tests.access_rows.meetings_api import alpha_meeting
from tests.matrix import WHO, Row

CLINICAL_APPS = {"cases", "agendas"}
# Written by people but not about a client or a colleague: where to meet.
NOT_CLINICAL = {"join_link"}


def _prose(value: str) -> bool:
    """Words written by someone: not a code, a stage or a role name kept as text."""
    return len(value) >= 12 and " " in value.strip()


READ_ROWS = [row for row in all_rows() if row.method == "GET"]


def clinical_texts() -> set[str]:
    """Every free-text value stored in the clinical record right now."""
    texts: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in CLINICAL_APPS:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and field.editable
            and not field.choices
            and field.name not in NOT_CLINICAL
        ]
        for row in model._default_manager.values_list(*fields):
            texts |= {value for value in row if isinstance(value, str) and _prose(value)}
    return texts


@pytest.fixture
def record(world: SimpleNamespace) -> SimpleNamespace:
    """The world with feedback given and a review asked for, so the pages and lists that show
    them have clinical text to show."""
    from cases.services import feedback_give, review_request

    feedback_give(
        by=world.theo,
        item=world.tara_chain_ready,
        validation="Leaving when the fear rose so fast makes sense: it brought relief.",
    )
    feedback_give(
        by=world.sam,
        item=world.tara_tib_shared,
        validation="Keeping the card going through a hard week takes real effort.",
    )
    review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.sam)
    # Alpha's meeting with an item and an action (as the meeting rows make it), and minutes.
    meeting = alpha_meeting(world)
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes_text="Agreed to look at the diary card together next week."
    )
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("row", READ_ROWS, ids=lambda row: row.id)
def test_a_read_of_clinical_text_is_audited(row: Row, record: SimpleNamespace) -> None:
    world = record
    url = reverse(row.route, kwargs=row.kwargs(world))  # (may add to the record: read after)
    texts = clinical_texts()
    failures = []
    for who in WHO:
        if row.expect[who] != 200 or who == "anon":
            continue
        reader = getattr(world, who)
        client = Client()
        client.force_login(reader)
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        body = response.getvalue()
        shown = {text for text in texts if text.encode() in body}
        if not shown:
            continue
        reads = AuditEvent.objects.filter(
            id__gt=newest,
            actor=reader,
            action__in=[Action.VIEW, Action.EXPORT],
            object_type__regex=r"^(cases|agendas)\.",
        )
        if not reads.exists():
            failures.append(f"{who} read {sorted(shown)[:3]} unaudited")
    assert not failures, f"{row.id}: " + "; ".join(failures)


@pytest.mark.django_db
def test_a_list_is_one_event_naming_each_record_it_showed(world: SimpleNamespace) -> None:
    client = Client()
    client.force_login(world.tara)
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    shown = [entry["id"] for entry in client.get("/api/v1/tib-entries/").json()["results"]]

    (event,) = AuditEvent.objects.filter(id__gt=newest)
    assert (event.action, event.object_type, event.actor_id) == (
        Action.VIEW,
        "cases.tibentry",
        world.tara.pk,
    )
    assert event.read_ids == shown
    assert len(shown) >= 3
    # An empty page showed nothing: no event.
    from cases.services import case_open

    quiet = case_open(team=world.alpha, by=world.tara, opened=world.tara_case.opened)
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    empty = client.get(f"/api/v1/tib-entries/?case={quiet.public_id}")
    assert (empty.status_code, empty.json()["results"]) == (200, [])
    assert not AuditEvent.objects.filter(id__gt=newest).exists()
