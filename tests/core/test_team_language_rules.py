"""A team's own language rules: the page and the API.

Lena (Alpha's leader) adds, changes and deactivates Alpha's rules; Tara (a therapist) and Sam
(the supervisor) read them; Olga (Beta) and Fern (former member) get 404. A new rule applies
to Alpha's text at once and never to Beta's.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consultteam.audit.models import Action, AuditEvent
from consultteam.textcheck.engine import check_text
from consultteam.textcheck.models import LanguageRule
from consultteam.textcheck.services import language_rule_add
from tests.clients import send, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_language_rules")]

API = "/api/v1/language-rules/"
TEXT = "Another no-call no-show this week."


def fired(team: Any) -> set[str]:
    return {flag.text for flag in check_text(TEXT, team_id=team.pk) if flag.check == "language"}


def page(team: Any) -> str:
    return reverse("team-language-rules", kwargs={"team_id": team.public_id})


FORM = {
    "category": "PEJORATIVE_LABEL",
    "phrases": "no-call no-show*",
    "suggestion": "Say which session was missed and what got in the way of calling.",
    "assumptions": ["DOING_BEST_THEY_CAN"],
    "severity": "CAUTION",
}
BODY = {
    "category": "PEJORATIVE_LABEL",
    "phrases": ["no-call no-show*"],
    "suggestion": "Say which session was missed and what got in the way of calling.",
    "assumptions": ["DOING_BEST_THEY_CAN"],
    "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
}


def a_rule(world: Any) -> LanguageRule:
    return language_rule_add(
        team=world.alpha,
        by=world.lena,
        category="PEJORATIVE_LABEL",
        phrases=["no-call no-show*"],
        suggestion="Say which session was missed and what got in the way of calling.",
        assumptions=["DOING_BEST_THEY_CAN"],
    )


# --- The page ------------------------------------------------------------------------------------


def test_the_leader_adds_a_rule_on_the_page_and_it_fires_for_that_team_only(client, world):
    assert not fired(world.alpha)  # compiled and cached before the rule exists
    response = signed_in(client, world.lena).post(page(world.alpha), FORM)
    assert response.status_code == 302, response.content
    rule = LanguageRule.objects.get(team=world.alpha)
    assert rule.phrases == ["no-call no-show*"]
    assert fired(world.alpha) == {"no-call no-show"}
    assert not fired(world.beta)
    event = AuditEvent.objects.get(object_type="textcheck.languagerule", action=Action.CREATE)
    assert (event.actor_id, event.team_id, event.object_id) == (
        world.lena.pk,
        world.alpha.pk,
        str(rule.public_id),
    )
    shown = client.get(page(world.alpha))
    assert shown.status_code == 200
    assert b"no-call no-show*" in shown.content
    assert b"Add a rule" in shown.content


def test_a_phrase_that_does_not_compile_is_400_with_the_text_kept_and_no_row(client, world):
    form = {**FORM, "phrases": "no-call (no-show"}
    response = signed_in(client, world.lena).post(page(world.alpha), form)
    assert response.status_code == 400
    assert b"no-call (no-show" in response.content  # what was typed, kept
    assert "(" in response.context["form"].errors["phrases"][0]  # and why
    assert not LanguageRule.objects.filter(team=world.alpha).exists()


def test_members_read_the_page_but_only_the_leader_writes(client, world):
    rule = a_rule(world)
    for person in (world.tara, world.sam):
        client = signed_in(Client(), person)
        response = client.get(page(world.alpha))
        assert response.status_code == 200
        assert b"no-call no-show*" in response.content
        assert b"Add a rule" not in response.content
        assert b"Deactivate" not in response.content
        assert client.post(page(world.alpha), FORM).status_code == 403
        deactivate = reverse(
            "team-language-rule-deactivate",
            kwargs={"team_id": world.alpha.public_id, "rule_id": rule.public_id},
        )
        assert client.post(deactivate).status_code == 403
    assert LanguageRule.objects.filter(team=world.alpha).count() == 1
    assert LanguageRule.objects.get(pk=rule.pk).is_active


@pytest.mark.parametrize("who", ["olga", "fern"])
def test_outsiders_get_404(client, world, who):
    client = signed_in(client, getattr(world, who))
    assert client.get(page(world.alpha)).status_code == 404
    assert client.post(page(world.alpha), FORM).status_code == 404
    assert not LanguageRule.objects.filter(team=world.alpha).exists()


def test_the_leader_edits_and_deactivates_a_rule_and_it_stops_firing(client, world):
    rule = a_rule(world)
    assert fired(world.alpha) == {"no-call no-show"}
    client = signed_in(client, world.lena)
    kwargs = {"team_id": world.alpha.public_id, "rule_id": rule.public_id}
    edit = reverse("team-language-rule-edit", kwargs=kwargs)
    form = client.get(edit)
    assert form.status_code == 200
    assert b"no-call no-show*" in form.content
    changed = client.post(
        edit, {**FORM, "phrases": "no-show*\nno-call no-show*", "is_active": "on"}
    )
    assert changed.status_code == 302
    assert LanguageRule.objects.get(pk=rule.pk).phrases == ["no-show*", "no-call no-show*"]
    deactivated = client.post(reverse("team-language-rule-deactivate", kwargs=kwargs))
    assert deactivated.status_code == 302
    assert not LanguageRule.objects.get(pk=rule.pk).is_active
    assert not fired(world.alpha)
    actions = list(
        AuditEvent.objects.filter(object_id=str(rule.public_id))
        .order_by("id")
        .values_list("action", "fields")
    )
    assert actions == [
        (Action.CREATE, []),
        (Action.UPDATE, ["phrases", "updated_at"]),
        (Action.UPDATE, ["is_active", "updated_at"]),
    ]


def test_a_default_rule_cannot_be_edited_from_a_team_page(client, world):
    default = LanguageRule.objects.filter(team__isnull=True).first()
    assert default is not None
    edit = reverse(
        "team-language-rule-edit",
        kwargs={"team_id": world.alpha.public_id, "rule_id": default.public_id},
    )
    assert signed_in(client, world.lena).get(edit).status_code == 404


# --- The API -------------------------------------------------------------------------------------


def test_the_leader_adds_a_rule_by_the_api_and_it_fires_at_once(client, world):
    assert not fired(world.alpha)
    response = send(
        signed_in(client, world.lena), "POST", API, {**BODY, "team": str(world.alpha.public_id)}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["team"] == str(world.alpha.public_id)
    assert body["agreements"] == ["PHENOMENOLOGICAL_EMPATHY"]
    assert body["is_active"] is True
    assert fired(world.alpha) == {"no-call no-show"}
    assert not fired(world.beta)
    checked = send(
        client, "POST", "/api/v1/text-checks/", {"text": TEXT, "team": str(world.alpha.public_id)}
    )
    assert "no-call no-show" in {flag["text"] for flag in checked.json()["flags"]}
    assert AuditEvent.objects.filter(
        object_id=body["id"], action=Action.CREATE, team=world.alpha
    ).exists()


def test_a_bad_phrase_or_code_by_the_api_is_400_and_no_row(client, world):
    client = signed_in(client, world.lena)
    team = str(world.alpha.public_id)
    response = send(client, "POST", API, {**BODY, "team": team, "phrases": ["(broken"]})
    assert response.status_code == 400
    assert "(broken" in str(response.json()["phrases"])
    response = send(client, "POST", API, {**BODY, "team": team, "agreements": ["NOT_A_CODE"]})
    assert response.status_code == 400
    assert "NOT_A_CODE" in str(response.json()["agreements"])
    assert not LanguageRule.objects.filter(team=world.alpha).exists()


def test_a_therapist_reads_the_list_but_cannot_add_or_change(client, world):
    rule = a_rule(world)
    client = signed_in(client, world.tara)
    listed = client.get(API, {"team": str(world.alpha.public_id)})
    assert listed.status_code == 200
    rows = listed.json()
    own = [row for row in rows if row["team"] == str(world.alpha.public_id)]
    assert [row["id"] for row in own] == [str(rule.public_id)]
    defaults = [row for row in rows if row["team"] is None]
    assert defaults
    assert all(row["assumptions"] or row["agreements"] for row in defaults)
    assert (
        send(client, "POST", API, {**BODY, "team": str(world.alpha.public_id)}).status_code == 403
    )
    assert send(client, "PATCH", f"{API}{rule.public_id}/", {"is_active": False}).status_code == 403
    assert LanguageRule.objects.filter(team=world.alpha).count() == 1
    assert LanguageRule.objects.get(pk=rule.pk).is_active


def test_outsiders_get_404_from_the_api(client, world):
    rule = a_rule(world)
    client = signed_in(client, world.olga)
    assert client.get(API, {"team": str(world.alpha.public_id)}).status_code == 404
    assert (
        send(client, "POST", API, {**BODY, "team": str(world.alpha.public_id)}).status_code == 404
    )
    assert send(client, "PATCH", f"{API}{rule.public_id}/", {"is_active": False}).status_code == 404
    assert client.get(f"{API}{rule.public_id}/").status_code == 404
    assert LanguageRule.objects.get(pk=rule.pk).is_active


def test_the_leader_deactivates_by_the_api_and_it_stops_firing(client, world):
    rule = a_rule(world)
    assert fired(world.alpha) == {"no-call no-show"}
    response = send(
        signed_in(client, world.lena), "PATCH", f"{API}{rule.public_id}/", {"is_active": False}
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert not fired(world.alpha)
    assert AuditEvent.objects.filter(
        object_id=str(rule.public_id), action=Action.UPDATE, team=world.alpha
    ).exists()


def test_nobody_changes_a_default_rule_by_the_api(client, world):
    default = LanguageRule.objects.filter(team__isnull=True).first()
    assert default is not None
    response = send(
        signed_in(client, world.lena), "PATCH", f"{API}{default.public_id}/", {"is_active": False}
    )
    assert response.status_code == 403
    assert LanguageRule.objects.get(pk=default.pk).is_active


@pytest.mark.parametrize("extra", [0, 30], ids=["one-rule", "many-rules"])
def test_list_query_budget(client, world, django_assert_num_queries, extra):
    for _ in range(extra + 1):
        a_rule(world)
    client = signed_in(client, world.tara)
    with django_assert_num_queries(4):
        # 1. the session
        # 2. the signed-in person
        # 3. the team, among Tara's teams (a subquery on her memberships)
        # 4. the defaults and the team's rules, with their team (select_related)
        response = client.get(API, {"team": str(world.alpha.public_id)})
    assert response.status_code == 200
