"""The text checks where text is written: on save (flags remembered, identifiers stopped until
overridden with a reason, which is audited), live while typing (the check endpoint), the flags
of a record for those who may see it, and the team's patterns page. Who may reach each route is
in the access matrix (tests/access_rows/text_flags.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import services as clinical
from cases.choices import Actor, LinkKind, Setting
from cases.models import ChainLink, TIBEntry
from consultteam.audit.models import Action, AuditEvent
from consultteam.textcheck.models import FlagCheck, FlagStatus, TextFlag
from consultteam.textcheck.services import IdentifierFound, flags_for, text_flag_resolve
from tests.clients import client_for
from tests.flagged_text import DAY, JUDGED, log_tib

pytestmark = pytest.mark.django_db

REWORDED = "Came 20 minutes late again; asked twice to move the session time."
PHONE = "Called the clinic from 555-010-0199 after the session."
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _tib_form(description: str, **extra: str) -> dict[str, str]:
    return {
        "category": "NON_COMPLIANT",
        "setting": Setting.INDIVIDUAL_SESSION,
        "description": description,
        "occurred_on": DAY.isoformat(),
        "count": "1",
        "status": "OPEN",
        **extra,
    }


def _statuses(obj) -> list[tuple[str, str, str]]:
    return [(f.field, f.excerpt, f.status) for f in flags_for(obj, statuses=None)]


# --- Language flags: stored, never blocking; reworded, kept, dismissed --------------------------


def test_a_tib_with_judgmental_wording_is_saved_and_its_flag_shown_on_the_case(world):
    response = client_for(world.tara).post(
        reverse("tib-new", kwargs={"case_id": world.tara_case.public_id}), _tib_form(JUDGED)
    )
    assert response.status_code == 302
    entry = TIBEntry.objects.get(description=JUDGED)
    flag = TextFlag.objects.get(object_id=entry.public_id)
    assert (flag.object_type, flag.field, flag.kind) == (
        "cases.tibentry",
        "description",
        "language",
    )
    assert (flag.category, flag.excerpt, flag.status) == (
        "PEJORATIVE_LABEL",
        "manipulative",
        "OPEN",
    )
    assert flag.rule is not None
    assert flag.team == world.alpha
    assert flag.created_by == world.tara
    assert response["Location"].endswith(f"#tib-{entry.public_id}")
    page = client_for(world.tara).get(response["Location"]).content.decode()
    assert "manipulative</mark>" in page
    assert escape(flag.suggestion) in page
    assert "Keep, with a reason" in page
    assert "Dismiss" in page
    # Those who only read the entry do not get the author's flags.
    clinical.tib_share_with_team(entry=entry, by=world.tara)
    theirs = client_for(world.theo).get(response["Location"]).content.decode()
    assert "Keep, with a reason" not in theirs


def test_a_flag_points_at_the_rule_that_raised_it(world):
    """A team rule may share its category and suggestion with a default rule; the remembered
    flag still names the rule whose phrase matched."""
    from consultteam.textcheck.engine import invalidate_rules
    from consultteam.textcheck.models import LanguageRule

    default = LanguageRule.objects.filter(team__isnull=True, phrases__icontains="manipulat").first()
    assert default is not None
    twin = LanguageRule.objects.create(
        team=world.alpha,
        category=default.category,
        phrases=["runs rings around"],
        suggestion=default.suggestion,
    )
    invalidate_rules()
    try:
        entry = log_tib(world, "The client runs rings around the rota.").entry
        (flag,) = flags_for(entry, statuses=None)
        assert flag.rule_id == twin.pk
        entry = log_tib(world, JUDGED).entry
        assert [f.rule_id for f in flags_for(entry, statuses=None)] == [default.pk]
    finally:
        invalidate_rules()


def test_the_service_returns_the_open_flags(world):
    logged = log_tib(world, JUDGED)
    assert [(f.field, f.excerpt) for f in logged.flags] == [("description", "manipulative")]
    assert list(flags_for(logged.entry)) == list(logged.flags)


def test_rewording_marks_the_open_flag_reworded(world):
    entry = log_tib(world, JUDGED).entry
    clinical.tib_update(entry=entry, by=world.tara, changes={"description": REWORDED})
    assert _statuses(entry) == [("description", "manipulative", FlagStatus.REWORDED)]
    flag = TextFlag.objects.get(object_id=entry.public_id)
    assert flag.resolved_by == world.tara
    assert flag.resolved_at is not None


def test_saving_the_same_text_again_raises_nothing_new(world):
    entry = log_tib(world, JUDGED).entry
    clinical.tib_update(entry=entry, by=world.tara, changes={"description": "Again: " + JUDGED})
    assert _statuses(entry) == [("description", "manipulative", FlagStatus.OPEN)]


def test_keeping_needs_a_reason_and_is_not_raised_again(world):
    entry = log_tib(world, JUDGED).entry
    flag = TextFlag.objects.get(object_id=entry.public_id)
    url = reverse("text-flag-resolve", kwargs={"flag_id": flag.public_id})
    back = reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
    refused = client_for(world.tara).post(url, {"status": "KEPT", "reason": " ", "next": back})
    assert refused.status_code == 400
    assert "reason is required" in refused.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    kept = client_for(world.tara).post(
        url, {"status": "KEPT", "reason": "Her own word", "next": back}
    )
    assert kept.status_code == 302
    assert kept["Location"] == back
    flag.refresh_from_db()
    assert (flag.status, flag.reason, flag.resolved_by) == ("KEPT", "Her own word", world.tara)
    clinical.tib_update(entry=entry, by=world.tara, changes={"description": JUDGED + " Again."})
    assert _statuses(entry) == [("description", "manipulative", FlagStatus.KEPT)]


def test_dismissing_is_remembered(world):
    entry = log_tib(world, JUDGED).entry
    flag = TextFlag.objects.get(object_id=entry.public_id)
    response = client_for(world.tara).post(
        reverse("text-flag-resolve", kwargs={"flag_id": flag.public_id}),
        {"status": "DISMISSED", "next": "https://elsewhere.example/"},
    )
    # An address off this site is not followed: back to the record's flags instead.
    assert response["Location"] == reverse("text-flags-of", kwargs={"object_id": entry.public_id})
    clinical.tib_update(entry=entry, by=world.tara, changes={"description": JUDGED + " Still."})
    assert _statuses(entry) == [("description", "manipulative", FlagStatus.DISMISSED)]


def test_only_someone_who_may_change_the_record_resolves_its_flags(world):
    entry = log_tib(world, JUDGED).entry
    flag = TextFlag.objects.get(object_id=entry.public_id)
    with pytest.raises(PermissionDenied):
        text_flag_resolve(flag=flag, by=world.lena, status="DISMISSED")


def test_own_tib_with_flags_goes_to_its_flags_page(world):
    response = client_for(world.tara).post(
        reverse("tib-new-own"),
        _tib_form(
            "I was lazy about returning calls this week.",
            actor=Actor.THERAPIST,
            team=str(world.alpha.public_id),
            category="DISRESPECTFUL",
        ),
    )
    assert response.status_code == 302
    assert "/text-flags/of/" in response["Location"]
    page = client_for(world.tara).get(response["Location"]).content.decode()
    assert "lazy</mark>" in page
    assert "Keep, with a reason" in page


def test_chain_link_and_consequence_flags_are_stored_and_shown_in_the_editor(world):
    chain = clinical.chain_start(
        by=world.tara,
        team=world.alpha,
        case=world.tara_case,
        subject="CLIENT_BEHAVIOR",
        kind="BEHAVIOR_CHAIN",
        behavior_on=DAY,
        problem_behavior="Walked out of group; attention-seeking as usual.",
        prevention_plan="Plan the first ten minutes of group with her.",
    )
    assert _statuses(chain) == [("problem_behavior", "attention-seeking", "OPEN")]
    response = client_for(world.tara).post(
        reverse("chain-link-add", kwargs={"chain_id": chain.public_id}),
        {"version": chain.version, "kind": LinkKind.THOUGHT, "description": "She is not trying."},
        **HTMX,
    )
    assert response.status_code == 200
    link = ChainLink.objects.get(chain=chain)
    assert _statuses(link) == [("description", "not trying", "OPEN")]
    assert "not trying</mark>" in response.content.decode()
    chain.refresh_from_db()
    clinical.chain_consequence_add(
        chain=chain,
        by=world.tara,
        expected_version=chain.version,
        description="Staff always give in.",
        timing="IMMEDIATE",
        locus="ENVIRONMENT",
    )
    page = client_for(world.tara).get(reverse("chain-detail", kwargs={"chain_id": chain.public_id}))
    text = page.content.decode()
    assert "attention-seeking</mark>" in text
    assert "always</mark>" in text
    # Rewording the link through its form marks its flag reworded.
    chain.refresh_from_db()
    clinical.chain_link_update(
        link=link,
        by=world.tara,
        expected_version=chain.version,
        changes={"description": "Thought: this will not work."},
    )
    assert _statuses(link) == [("description", "not trying", "REWORDED")]


# --- Identifiers: refused until overridden with a reason, which is audited ----------------------


def test_an_identifier_stops_the_save_and_keeps_the_text(world):
    before = TIBEntry.objects.count()
    url = reverse("tib-new", kwargs={"case_id": world.tara_case.public_id})
    response = client_for(world.tara).post(url, _tib_form(PHONE))
    assert response.status_code == 400
    assert TIBEntry.objects.count() == before
    assert not TextFlag.objects.exists()
    page = response.content.decode()
    assert "This text may identify a client: a phone number" in page
    assert "555-010-0199" in page  # what was typed is kept
    assert "Save anyway" in page
    assert 'name="identifier_override"' in page


def test_saving_anyway_needs_a_reason_and_is_audited_without_the_text(world):
    url = reverse("tib-new", kwargs={"case_id": world.tara_case.public_id})
    response = client_for(world.tara).post(
        url, _tib_form(PHONE, identifier_override="The clinic's public front-desk number")
    )
    assert response.status_code == 302
    entry = TIBEntry.objects.get(description=PHONE)
    flag = TextFlag.objects.get(object_id=entry.public_id)
    assert (flag.kind, flag.category, flag.status) == ("identifier", "PHONE", "OVERRIDDEN")
    assert flag.reason == "The clinic's public front-desk number"
    event = AuditEvent.objects.get(action=Action.OVERRIDE)
    assert (event.object_type, event.object_id) == ("cases.tibentry", str(entry.public_id))
    assert event.fields == ["description"]
    assert event.actor == world.tara
    assert "555" not in repr(event.fields)
    # The same number saved again in that field was already overridden: no second stop.
    clinical.tib_update(entry=entry, by=world.tara, changes={"description": PHONE + " Twice."})
    assert AuditEvent.objects.filter(action=Action.OVERRIDE).count() == 1


def test_the_services_raise_identifier_found_with_the_flags(world):
    with pytest.raises(IdentifierFound) as found:
        log_tib(world, PHONE)
    assert found.value.fields == ["description"]
    assert [flag["category"] for flag in found.value.flags()] == ["PHONE"]
    chain = world.tara_chain_draft
    with pytest.raises(IdentifierFound):
        clinical.chain_update(
            chain=chain,
            by=world.tara,
            expected_version=chain.version,
            changes={"repair": "Email her at jo.doe@example.com"},
        )
    chain.refresh_from_db()
    assert chain.repair == ""


def test_the_worksheet_keeps_the_typed_text_when_an_identifier_stops_it(world):
    chain = world.tara_chain_draft
    url = reverse("chain-edit", kwargs={"chain_id": chain.public_id})
    data = {
        "version": chain.version,
        "target_level": chain.target_level,
        "problem_behavior": chain.problem_behavior,
        "behavior_on": chain.behavior_on.isoformat(),
        "prompting_event": PHONE,
    }
    response = client_for(world.tara).post(url, data)
    assert response.status_code == 400
    assert "555-010-0199" in response.content.decode()
    assert "Save anyway" in response.content.decode()
    chain.refresh_from_db()
    assert chain.prompting_event == ""
    saved = client_for(world.tara).post(
        url, {**data, "identifier_override": "A crisis line number"}
    )
    assert saved.status_code == 302
    chain.refresh_from_db()
    assert chain.prompting_event == PHONE
    assert _statuses(chain) == [("prompting_event", "555-010-0199", "OVERRIDDEN")]


# --- The API ------------------------------------------------------------------------------------


def test_api_refuses_an_identifier_with_the_flags_and_takes_an_override(world):
    client = client_for(world.tara)
    body = {
        "case": str(world.tara_case.public_id),
        "actor": "CLIENT",
        "category": "NON_COMPLIANT",
        "setting": Setting.INDIVIDUAL_SESSION,
        "description": PHONE,
        "occurred_on": DAY.isoformat(),
    }
    url = reverse("api-tib-entry-list")
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    answer = refused.json()
    assert answer["detail"].startswith("This text may identify a client: a phone number")
    assert [(f["field"], f["category"], f["text"]) for f in answer["flags"]] == [
        ("description", "PHONE", "555-010-0199")
    ]
    body["identifier_override"] = "Public helpline"
    saved = client.post(url, body, content_type="application/json")
    assert saved.status_code == 201
    assert "identifier_override" not in saved.json()
    assert AuditEvent.objects.filter(action=Action.OVERRIDE).count() == 1


def test_api_link_with_identifier_is_refused(world):
    chain = world.tara_chain_draft
    response = client_for(world.tara).post(
        reverse("api-chain-analysis-links", kwargs={"chain_id": chain.public_id}),
        {"version": chain.version, "kind": "EVENT", "description": "Mail to jo@example.com"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["flags"][0]["category"] == "EMAIL"
    assert chain.links.count() == 3


def test_api_lists_flags_only_to_those_who_may_see_the_record(world):
    entry = log_tib(world, JUDGED).entry  # kept to Tara (not brought to team)
    url = reverse("api-text-flag-list") + f"?object={entry.public_id}"
    mine = client_for(world.tara).get(url)
    assert mine.status_code == 200
    assert [(f["field"], f["check"], f["text"], f["status"]) for f in mine.json()] == [
        ("description", "language", "manipulative", "OPEN")
    ]
    assert len(client_for(world.lena).get(url).json()) == 1  # the team leader reads the record
    for who in ("theo", "olga", "ada"):
        response = client_for(getattr(world, who)).get(url)
        assert (who, response.status_code, response.json()) == (who, 200, [])


def test_api_resolves_a_flag(world):
    entry = log_tib(world, JUDGED).entry
    flag = TextFlag.objects.get(object_id=entry.public_id)
    url = reverse("api-text-flag-resolve", kwargs={"flag_id": flag.public_id})
    client = client_for(world.tara)
    refused = client.post(url, {"status": "KEPT"}, content_type="application/json")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    kept = client.post(
        url, {"status": "KEPT", "reason": "Quoting her"}, content_type="application/json"
    )
    assert kept.status_code == 200
    assert kept.json()["status"] == "KEPT"
    for who, status in (("theo", 404), ("lena", 403)):
        response = client_for(getattr(world, who)).post(
            url, {"status": "DISMISSED"}, content_type="application/json"
        )
        assert (who, response.status_code) == (who, status)


def test_the_live_check_takes_the_team_as_the_editor_sends_it(world):
    response = client_for(world.tara).post(
        reverse("api-text-check"),
        {"text": "She is always so manipulative.", "team": str(world.alpha.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 200
    found = [(f["check"], f["category"], f["start"], f["end"]) for f in response.json()["flags"]]
    assert ("language", "PEJORATIVE_LABEL", 17, 29) in found
    editor = client_for(world.tara).get(
        reverse("chain-detail", kwargs={"chain_id": world.tara_chain_draft.public_id})
    )
    page = editor.content.decode()
    assert 'data-text-check="/api/v1/text-checks/"' in page
    assert f'name="text-check-team" content="{world.alpha.public_id}"' in page
    assert "js/app.js" in page
    form = (
        client_for(world.tara)
        .get(reverse("tib-new", kwargs={"case_id": world.tara_case.public_id}))
        .content.decode()
    )
    assert 'data-text-check="/api/v1/text-checks/"' in form
    assert "js/app.js" in form
    assert "Save anyway" not in form  # offered only once the check has stopped a save


# --- The team's patterns ------------------------------------------------------------------------


def _month_ago(months: int) -> dt.datetime:
    first = timezone.localdate().replace(day=1)
    for _ in range(months):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=3), dt.time(12)))


def test_patterns_count_by_category_and_resolution_per_month_and_name_nobody(world):
    log_tib(world, JUDGED)
    entry = log_tib(world, "He is lazy and not trying.").entry
    TextFlag.objects.filter(object_id=entry.public_id).update(created_at=_month_ago(2))
    old = log_tib(world, "She is lazy.").entry
    TextFlag.objects.filter(object_id=old.public_id).update(created_at=_month_ago(7))
    flag = TextFlag.objects.get(object_id=entry.public_id, excerpt="lazy")
    text_flag_resolve(flag=flag, by=world.tara, status="DISMISSED")
    response = client_for(world.lena).get(
        reverse("team-patterns", kwargs={"team_id": world.alpha.public_id})
    )
    assert response.status_code == 200
    page = response.content.decode()

    def row(attribute: str, code: str) -> list[int]:
        found = re.search(rf'<tr data-{attribute}="{code}">(.*?)</tr>', page, re.S)
        assert found is not None
        return [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', found.group(1))]

    # Six months, oldest first, then the total; the flag from seven months ago is left out.
    assert row("category", "PEJORATIVE_LABEL") == [0, 0, 0, 0, 0, 1, 1]
    assert row("category", "MOTIVATION_BLAME") == [0, 0, 0, 2, 0, 0, 2]
    assert row("status", "OPEN") == [0, 0, 0, 1, 0, 1, 2]
    assert row("status", "DISMISSED") == [0, 0, 0, 1, 0, 0, 1]
    assert "<svg" in page
    assert "What our feedback draws on" in page  # the feedback half of the patterns
    main = page.split('<main id="main"', 1)[1]
    for person in ("Tara", "Theo", "Lena", "Sam", "Olga"):
        assert person not in main


@pytest.mark.parametrize(
    ("who", "status"),
    [("lena", 200), ("sam", 200), ("tara", 403), ("theo", 403), ("olga", 404)],
)
def test_patterns_are_for_the_leader_and_supervisors(world, who, status):
    url = reverse("team-patterns", kwargs={"team_id": world.alpha.public_id})
    assert client_for(getattr(world, who)).get(url).status_code == status


# --- The demo -----------------------------------------------------------------------------------


def test_the_demo_loads_without_identifier_flags():
    call_command("load_demo", stdout=None)
    assert TIBEntry.objects.exists()
    assert not TextFlag.objects.filter(kind=FlagCheck.IDENTIFIER).exists()
