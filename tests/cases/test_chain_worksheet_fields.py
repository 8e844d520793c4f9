"""The chain analysis worksheet's fields are listed once (cases/models/chains.py): the models
are held to that list, every place that takes the worksheet follows it, and the identifier
check reads every free-text field of it on save."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from cases import services
from cases.choices import ConsequenceLocus, ConsequenceTiming
from cases.forms import ChainConsequenceForm, ChainLinkForm, ChainWorksheetForm
from cases.models import (
    CHAIN_FIELDS,
    CHAIN_TEXT_FIELDS,
    CONSEQUENCE_FIELDS,
    CONSEQUENCE_TEXT_FIELDS,
    LINK_FIELDS,
    LINK_TEXT_FIELDS,
    WORKSHEET,
    ChainAnalysis,
    ChainConsequence,
    ChainLink,
    is_free_text,
)
from cases.serializers import (
    ChainAnalysisSerializer,
    ChainConsequenceAddInput,
    ChainLinkFieldsInput,
    ChainWorksheetInput,
)
from consultteam.textcheck.services import IdentifierFound
from consultteam.web.forms import LIVE_CHECK

PHONE = "Called the clinic from 555-010-0199 after the session."

# What no one fills in on the worksheet: who and what it is about, where it stands, when.
BOOKKEEPING = {
    ChainAnalysis: {"id", "public_id", "team", "case", "author", "subject", "kind", "status"}
    | {"version", "created_at", "updated_at"},
    ChainLink: {"id", "public_id", "chain", "position"},
    ChainConsequence: {"id", "public_id", "chain"},
}
LISTS = [
    (ChainAnalysis, CHAIN_FIELDS, CHAIN_TEXT_FIELDS),
    (ChainLink, LINK_FIELDS, LINK_TEXT_FIELDS),
    (ChainConsequence, CONSEQUENCE_FIELDS, CONSEQUENCE_TEXT_FIELDS),
]
NOT_RECORD = {"version", "identifier_override", "assumptions", "agreements"}


def _record_fields(names: object) -> list[str]:
    return [name for name in names if name not in NOT_RECORD]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("model", "fields", "texts"), LISTS, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_field_a_person_writes_is_in_the_list(model, fields, texts):
    # A free-text field added to the model without a place in the list would skip the
    # identifier check, the live check and the forms: this is where that shows.
    own = [field for field in model._meta.concrete_fields if field.name not in BOOKKEEPING[model]]
    assert {field.name for field in own if is_free_text(field)} == set(texts)
    assert {field.name for field in own} == set(fields)
    assert texts, "a worksheet part with no free text would need no identifier check"


def test_a_new_free_text_field_would_be_caught():
    # What the test above compares: the model's free text against the list's.
    field: models.TextField[str, str] = models.TextField(blank=True)
    field.name = "second_thoughts"
    assert is_free_text(field)
    assert not is_free_text(models.CharField(max_length=8, choices=[("A", "A")]))
    assert "second_thoughts" not in CHAIN_TEXT_FIELDS


def test_the_worksheet_lists_the_analysis_fields_and_its_rows_in_order():
    assert [name for name in WORKSHEET if name not in {"links", "consequences"}] == list(
        CHAIN_FIELDS
    )
    assert [name for name in CHAIN_FIELDS if name in CHAIN_TEXT_FIELDS] == list(CHAIN_TEXT_FIELDS)


def test_the_forms_and_serializers_take_the_listed_fields_in_order():
    assert _record_fields(ChainWorksheetForm.base_fields) == list(CHAIN_FIELDS)
    assert _record_fields(ChainWorksheetInput().fields) == list(CHAIN_FIELDS)
    assert _record_fields(ChainLinkForm.base_fields) == list(LINK_FIELDS)
    assert _record_fields(ChainLinkFieldsInput().fields) == list(LINK_FIELDS)
    assert _record_fields(ChainConsequenceForm.base_fields) == list(CONSEQUENCE_FIELDS)
    assert _record_fields(ChainConsequenceAddInput().fields) == list(CONSEQUENCE_FIELDS)
    shown = list(ChainAnalysisSerializer.Meta.fields)
    assert [name for name in shown if name in WORKSHEET] == list(WORKSHEET)


@pytest.mark.django_db
def test_the_pages_check_every_listed_text_live(world):
    worksheet = ChainWorksheetForm(chain=world.tara_chain_ready)  # a missing-links one: all
    link, consequence = ChainLinkForm(), ChainConsequenceForm()
    for form, texts in [
        (worksheet, CHAIN_TEXT_FIELDS),
        (link, LINK_TEXT_FIELDS),
        (consequence, CONSEQUENCE_TEXT_FIELDS),
    ]:
        live = {
            name
            for name, field in form.fields.items()
            if LIVE_CHECK.items() <= field.widget.attrs.items()
        }
        assert live == set(texts)


# --- The identifier check reads every listed text ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHAIN_TEXT_FIELDS)
def test_the_identifier_check_reads_every_text_of_the_analysis(world, name):
    chain = world.tara_chain_draft
    with pytest.raises(IdentifierFound) as found:
        services.chain_update(
            chain=chain, by=world.tara, expected_version=chain.version, changes={name: PHONE}
        )
    assert found.value.fields == [name]
    chain.refresh_from_db()
    assert getattr(chain, name) != PHONE


@pytest.mark.django_db
@pytest.mark.parametrize("name", LINK_TEXT_FIELDS)
def test_the_identifier_check_reads_every_text_of_a_link(world, name):
    chain = world.tara_chain_draft
    link = chain.links.order_by("position").first()
    assert link is not None
    with pytest.raises(IdentifierFound) as found:
        services.chain_link_update(
            link=link, by=world.tara, expected_version=chain.version, changes={name: PHONE}
        )
    assert found.value.fields == [name]
    link.refresh_from_db()
    assert getattr(link, name) != PHONE


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONSEQUENCE_TEXT_FIELDS)
def test_the_identifier_check_reads_every_text_of_a_consequence(world, name):
    chain = world.tara_chain_draft
    fields = {
        "description": "Went home early.",
        "timing": ConsequenceTiming.IMMEDIATE,
        "locus": ConsequenceLocus.SELF,
        name: PHONE,
    }
    with pytest.raises(IdentifierFound) as found:
        services.chain_consequence_add(
            chain=chain, by=world.tara, expected_version=chain.version, **fields
        )
    assert found.value.fields == [name]
    assert not ChainConsequence.objects.filter(chain=chain, **{name: PHONE}).exists()


@pytest.mark.django_db
def test_the_editor_shows_every_listed_field(client, world):
    client.force_login(world.tara)
    chain = world.tara_chain_ready  # a missing-links analysis: every part of the worksheet
    page = client.get(reverse("chain-detail", kwargs={"chain_id": chain.public_id}))
    html = page.content.decode()
    assert page.status_code == 200
    for name in CHAIN_FIELDS:
        assert f'name="{name}"' in html, name
    for name in CONSEQUENCE_FIELDS:  # the form to add one; links have theirs per link
        assert f'name="{name}"' in html, name
    for name in LINK_FIELDS:
        assert f'name="{name}"' in html, name
