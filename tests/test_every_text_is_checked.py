"""Every free text a person writes into the record goes through the identifier check.

`test_every_free_text_field_is_known` enumerates every editable text field of every model of
the project; each is either written below through the service every page, API call and command
uses (so the check there covers them all), or set aside with the reason it needs none. A new
text field fails it until one or the other is added.

`test_an_identifier_stops_the_save` then writes a phone number into each field: refused, and
nothing of it is stored; with a reason (where one is allowed) it is saved and the override is
audited, never the text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models

from agendas import services as meetings
from agendas.models import Meeting
from cases import services as clinical
from cases.choices import Actor, ChainKind, ChainSubject, Setting
from cases.models import CHAIN_TEXT_FIELDS, ChainAnalysis
from consultteam.audit.models import Action, AuditEvent
from consultteam.textcheck.services import IdentifierFound
from tests.clients import send, signed_in
from tests.factories import UserFactory
from tests.meeting_makers import submit, upcoming

IDENTIFIER = "Ring 07700 900123 after the group."

# Text fields that are not about a client, with why no identifier check applies.
NOT_CLIENT_TEXT = {
    "accounts.User": "the person signing in: their own email, name and zone",
    "accounts.ApiToken": "the name of one's own device",
    "accounts.UserSession": "written by the browser and the server",
    "accounts.OnceKey": "written by the service: hashes and the answer it gave",
    "teams.Team": "the team's name, set by an administrator",
    "teams.Invitation": "an invited colleague's email address, validated as one",
    "reference.Agreement": "the team agreements, reference text shipped with the product",
    "reference.Assumption": "the DBT assumptions, reference text shipped with the product",
    "audit.AuditEvent": "written by the service: kinds and ids, never text",
    "textcheck.LanguageRule": "a team's wording rule and its reframe, not about anyone",
    "textcheck.TextFlag": "written by the check itself; its reason is the override's reason",
    "agendas.TeamMeetingSettings": "the meeting's link, an https URL checked as one",
    "reminders.Reminder": "written by the scheduler and the mail server",
}
NOT_CLIENT_FIELDS = {("agendas.Meeting", "join_link"): "an https URL checked as one"}

Writer = Callable[[SimpleNamespace, str, str | None], Any]


def _chain_field(field: str) -> Writer:
    def write(world: SimpleNamespace, text: str, override: str | None) -> Any:
        chain = world.tara_chain_draft
        return clinical.chain_update(
            chain=chain,
            by=world.tara,
            expected_version=chain.version,
            changes={field: text},
            identifier_override=override,
        )

    return write


def _new_chain(world: SimpleNamespace, text: str, override: str | None) -> Any:
    return clinical.chain_start(
        by=world.tara,
        team=world.alpha,
        case=world.tara_case,
        subject=ChainSubject.CLIENT_BEHAVIOR,
        kind=ChainKind.BEHAVIOR_CHAIN,
        problem_behavior=text,
        behavior_on=dt.date.today(),
        identifier_override=override,
    )


def _link(**texts: str) -> Writer:
    def write(world: SimpleNamespace, text: str, override: str | None) -> Any:
        chain = ChainAnalysis.objects.get(pk=world.tara_chain_draft.pk)
        fields: dict[str, Any] = {
            name: text if value == "" else value for name, value in texts.items()
        }
        return clinical.chain_link_add(
            chain=chain,
            by=world.tara,
            expected_version=chain.version,
            kind="ACTION",
            identifier_override=override,
            **fields,
        )

    return write


def _consequence(world: SimpleNamespace, text: str, override: str | None) -> Any:
    chain = ChainAnalysis.objects.get(pk=world.tara_chain_draft.pk)
    return clinical.chain_consequence_add(
        chain=chain,
        by=world.tara,
        expected_version=chain.version,
        description=text,
        timing="IMMEDIATE",
        locus="ENVIRONMENT",
        identifier_override=override,
    )


def _tib(world: SimpleNamespace, text: str, override: str | None) -> Any:
    return clinical.tib_log(
        by=world.tara,
        team=world.alpha,
        actor=Actor.CLIENT,
        case=world.tara_case,
        category="NON_COMPLIANT",
        setting=Setting.INDIVIDUAL_SESSION,
        occurred_on=dt.date.today(),
        description=text,
        identifier_override=override,
    ).entry


def _feedback(field: str) -> Writer:
    def write(world: SimpleNamespace, text: str, override: str | None) -> Any:
        texts = {"validation": "Staying with the card all week took effort.", field: text}
        return clinical.feedback_give(
            by=world.theo, item=world.tara_chain_ready, identifier_override=override, **texts
        )

    return write


def _item(field: str) -> Writer:
    def write(world: SimpleNamespace, text: str, override: str | None) -> Any:
        texts: dict[str, Any] = {"title": "Calls after hours", field: text}
        return meetings.agenda_item_submit(
            meeting=_meeting(world), by=world.tara, identifier_override=override, **texts
        ).item

    return write


def _meeting(world: SimpleNamespace) -> Meeting:
    """Alpha's coming meeting, made once per test."""
    return Meeting.objects.filter(team=world.alpha).first() or upcoming(world)


def _running(world: SimpleNamespace) -> Any:
    meeting = _meeting(world)
    return meeting, submit(meeting, world.tara, "Calls after hours")


def _minutes(world: SimpleNamespace, text: str, override: str | None) -> Any:
    meeting = _meeting(world)
    return meetings.meeting_update(
        meeting=meeting,
        by=world.lena,
        expected_version=meeting.version,
        changes={"minutes_text": text},
        identifier_override=override,
    )


def _outcome(world: SimpleNamespace, text: str, override: str | None) -> Any:
    _, item = _running(world)
    return meetings.agenda_item_discuss(
        item=item, by=world.lena, outcome=text, actual_minutes=5, identifier_override=override
    )


def _move_reason(world: SimpleNamespace, text: str, override: str | None) -> Any:
    _, item = _running(world)
    return meetings.agenda_item_move(
        item=item, by=world.lena, position=1, reason=text, identifier_override=override
    )


def _action(world: SimpleNamespace, text: str, override: str | None) -> Any:
    meeting, _ = _running(world)
    return meetings.action_item_add(
        meeting=meeting, by=world.lena, owner=world.tara, description=text,
        identifier_override=override,
    )  # fmt: skip


def _action_corrected(world: SimpleNamespace, text: str, override: str | None) -> Any:
    meeting, _ = _running(world)
    action = meetings.action_item_add(
        meeting=meeting, by=world.lena, owner=world.tara, description="Ask about the card"
    )
    return meetings.action_item_update(
        action=action, by=world.lena, changes={"description": text}, identifier_override=override
    )


def _repair_note(world: SimpleNamespace, text: str, override: str | None) -> Any:
    meeting, _ = _running(world)
    flag = meetings.observer_flag_raise(
        meeting=meeting, by=world.lena, reason="JUDGMENTAL_LANGUAGE"
    )
    return meetings.observer_flag_acknowledge(
        flag=flag, by=world.lena, repair_note=text, identifier_override=override
    )


def _on_call(world: SimpleNamespace) -> Any:
    """Ada, an administrator named on call across teams, as the admin names one."""
    world.ada.user_permissions.add(Permission.objects.get(codename="open_across_teams"))
    return type(world.ada).objects.get(pk=world.ada.pk)


def _emergency(world: SimpleNamespace, text: str, override: str | None) -> Any:
    return clinical.emergency_access_open(case=world.olga_case, by=_on_call(world), reason=text)


def _emergency_review(world: SimpleNamespace, text: str, override: str | None) -> Any:
    access = clinical.emergency_access_open(
        case=world.olga_case,
        by=_on_call(world),
        reason="Crisis call overnight; the record is needed.",
    )
    reviewer = UserFactory.create(email="rae@admin.example", display_name="Rae", is_staff=True)
    return clinical.emergency_access_review(access=access, by=reviewer, note=text)


# (model, field) -> how a person writes it, and whether a reason may keep an identifier.
WRITERS: dict[tuple[str, str], tuple[Writer, bool]] = {
    **{("cases.ChainAnalysis", field): (_chain_field(field), True) for field in CHAIN_TEXT_FIELDS},
    ("cases.ChainLink", "description"): (_link(description=""), True),
    ("cases.ChainLink", "replacement_behavior"): (
        _link(description="Left the room.", replacement_behavior=""),
        True,
    ),
    ("cases.ChainConsequence", "description"): (_consequence, True),
    ("cases.TIBEntry", "description"): (_tib, True),
    ("cases.Feedback", "validation"): (_feedback("validation"), True),
    ("cases.Feedback", "observation"): (_feedback("observation"), True),
    ("cases.Feedback", "suggestion"): (_feedback("suggestion"), True),
    ("cases.EmergencyAccess", "reason"): (_emergency, False),
    ("cases.EmergencyAccess", "review_note"): (_emergency_review, False),
    ("agendas.Meeting", "minutes_text"): (_minutes, True),
    ("agendas.AgendaItem", "title"): (_item("title"), True),
    ("agendas.AgendaItem", "question"): (_item("question"), True),
    ("agendas.AgendaItem", "outcome"): (_outcome, True),
    ("agendas.AgendaItem", "move_reason"): (_move_reason, True),
    ("agendas.ActionItem", "description"): (_action, True),
    ("agendas.ObserverFlag", "repair_note"): (_repair_note, True),
}
# A second path to the same field (a start, a correction), held to the same check.
SECOND_PATHS: dict[str, tuple[tuple[str, str], Writer]] = {
    "analysis started": (("cases.ChainAnalysis", "problem_behavior"), _new_chain),
    "action corrected": (("agendas.ActionItem", "description"), _action_corrected),
}


def _free_text_fields() -> set[tuple[str, str]]:
    found = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in {"consultteam", "cases", "agendas", "reminders"}:
            continue
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, models.CharField | models.TextField)
                and field.editable
                and not field.choices
            ):
                found.add((model._meta.label, field.name))
    return found


def test_every_free_text_field_is_known():
    unknown = {
        (label, name)
        for label, name in _free_text_fields()
        if label not in NOT_CLIENT_TEXT
        and (label, name) not in NOT_CLIENT_FIELDS
        and (label, name) not in WRITERS
    }
    assert not unknown, f"text fields with no writer here and no reason to skip: {unknown}"
    gone = set(WRITERS) - _free_text_fields()
    assert not gone, f"writers for fields that no longer exist: {gone}"


PATHS = [(f"{label}.{field}", (label, field), writer, overridable)
         for (label, field), (writer, overridable) in WRITERS.items()] + [
    (name, target, writer, True) for name, (target, writer) in SECOND_PATHS.items()
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "target", "writer", "overridable"), PATHS, ids=[p[0] for p in PATHS]
)
def test_an_identifier_stops_the_save(world, name, target, writer, overridable):
    label, field = target
    model = apps.get_model(label)

    with pytest.raises(IdentifierFound if overridable else ValidationError):
        writer(world, IDENTIFIER, None)
    assert not model.objects.filter(**{field: IDENTIFIER}).exists()

    if overridable:
        saved = writer(world, IDENTIFIER, "A public helpline's number, not the client's.")
        assert getattr(saved, field) == IDENTIFIER
        override = AuditEvent.objects.filter(
            action=Action.OVERRIDE, object_id=str(saved.public_id)
        ).get()
        assert field in override.fields


@pytest.mark.django_db
def test_the_api_and_the_run_page_ask_a_reason_for_an_identifier_in_an_action(client, world):
    """The service's check reaches both doors: the API answers 400 naming what it found and
    takes a reason; the run page keeps what was typed and offers "Save anyway"."""
    meeting, _ = _running(world)
    url = f"/api/v1/meetings/{meeting.public_id}/action-items/"
    body = {"owner": str(world.tara.public_id), "description": IDENTIFIER}
    lena = signed_in(client, world.lena)

    refused = send(lena, "POST", url, body)
    kept = send(lena, "POST", url, {**body, "identifier_override": "The crisis line's number."})
    page = lena.post(
        f"/meetings/{meeting.public_id}/actions/new/",
        {"owner": world.tara.public_id, "description": IDENTIFIER},
    )

    assert refused.status_code == 400
    assert "phone number" in refused.json()["detail"]
    assert kept.status_code == 201
    assert page.status_code == 400
    assert "Save anyway" in page.content.decode()
    assert IDENTIFIER in page.content.decode()
