# ruff: noqa: RUF001  (curly quotes and other scripts are part of what is tested)
"""The text checks: the engine behind the service, the API and `manage.py check_text`.

The labelled set lives in tests/textcheck_examples.py; run with -s to see its precision and
recall. The timing tests are guards against catastrophic backtracking, not benchmarks
(bench/textcheck.py measures speed).
"""

from __future__ import annotations

import io
import json
import sys
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from consultteam.textcheck.engine import check_text
from consultteam.textcheck.models import LanguageCategory, LanguageRule
from consultteam.textcheck.phrases import PhraseError, check_phrase
from consultteam.textcheck.services import MAX_CHARACTERS, text_check
from tests.clients import client_for, send
from tests.textcheck_examples import EXAMPLES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_language_rules")]

URL = reverse("api-text-check")
FLAG_KEYS = {
    "check",
    "category",
    "start",
    "end",
    "text",
    "suggestion",
    "assumptions",
    "agreements",
    "severity",
}


def categories(text: str, team_id: int | None = None) -> set[str]:
    return {flag.category for flag in check_text(text, team_id=team_id)}


# --- The labelled set ---------------------------------------------------------------------------


def test_labelled_set_precision_and_recall():
    positives = sum(1 for _, expected in EXAMPLES if expected)
    assert len(EXAMPLES) >= 120
    assert len(EXAMPLES) - positives >= positives, "at least half the examples are negatives"
    true_pos = false_pos = false_neg = 0
    misses = []
    for text, expected in EXAMPLES:
        found = categories(text)
        true_pos += len(found & expected)
        false_pos += len(found - expected)
        false_neg += len(expected - found)
        if found != expected:
            misses.append((text, ", ".join(sorted(expected)), ", ".join(sorted(found))))
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(
        f"\ntext check, labelled set: {len(EXAMPLES)} examples ({positives} with flags), "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    for text, wanted, got in misses:
        print(f"  {text!r}: expected [{wanted}], found [{got}]")
    assert precision >= 0.95
    assert recall >= 0.90


def test_every_flag_points_at_its_own_text():
    for text, _ in EXAMPLES:
        for flag in check_text(text):
            assert text[flag.start : flag.end] == flag.text


# --- Language: each category, its word forms, and what must not fire ---------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        *(
            (f"She {word} the team.", LanguageCategory.PEJORATIVE_LABEL)
            for word in ("manipulates", "manipulated", "will manipulate", "keeps manipulating")
        ),
        ("She is manipulative.", LanguageCategory.PEJORATIVE_LABEL),
        ("More manipulation.", LanguageCategory.PEJORATIVE_LABEL),
        ("MANIPULATIVE again.", LanguageCategory.PEJORATIVE_LABEL),
        ("Game-playing in group.", LanguageCategory.PEJORATIVE_LABEL),
        ("Game playing in group.", LanguageCategory.PEJORATIVE_LABEL),
        ("She is splitting staff.", LanguageCategory.PEJORATIVE_LABEL),
        ("He's such a borderline.", LanguageCategory.PEJORATIVE_LABEL),
        ("So entitled.", LanguageCategory.PEJORATIVE_LABEL),
        ("Attention-seeking.", LanguageCategory.INTENT_ATTRIBUTION),
        ("Attention seeking.", LanguageCategory.INTENT_ATTRIBUTION),
        ("Attention\u2011seeking.", LanguageCategory.INTENT_ATTRIBUTION),  # non-breaking hyphen
        ("An attention-seeker.", LanguageCategory.INTENT_ATTRIBUTION),
        ("A suicide gesture.", LanguageCategory.INTENT_ATTRIBUTION),
        ("Doing it for a reaction.", LanguageCategory.INTENT_ATTRIBUTION),
        ("She's not trying.", LanguageCategory.MOTIVATION_BLAME),
        ("She isn't trying.", LanguageCategory.MOTIVATION_BLAME),
        ("She isn’t trying.", LanguageCategory.MOTIVATION_BLAME),
        ("She isnt trying.", LanguageCategory.MOTIVATION_BLAME),
        ("She is not really trying.", LanguageCategory.MOTIVATION_BLAME),
        ("She doesn't want to get better.", LanguageCategory.MOTIVATION_BLAME),
        ("She does not want to get better.", LanguageCategory.MOTIVATION_BLAME),
        ("She doesn’t want to get better.", LanguageCategory.MOTIVATION_BLAME),
        ("They don't want to get better.", LanguageCategory.MOTIVATION_BLAME),
        ("Lazy.", LanguageCategory.MOTIVATION_BLAME),
        ("Resistant.", LanguageCategory.MOTIVATION_BLAME),
        ("Self-sabotaging.", LanguageCategory.MOTIVATION_BLAME),
        ("Self sabotage.", LanguageCategory.MOTIVATION_BLAME),
        ("Failed DBT.", LanguageCategory.FAILURE_FRAMING),
        ("She is failing treatment.", LanguageCategory.FAILURE_FRAMING),
        ("Not a good candidate.", LanguageCategory.FAILURE_FRAMING),
        ("We can't tell her that.", LanguageCategory.FRAGILIZING_OR_GO_BETWEEN),
        ("We cannot tell her that.", LanguageCategory.FRAGILIZING_OR_GO_BETWEEN),
        ("I'll call her psychiatrist for her.", LanguageCategory.FRAGILIZING_OR_GO_BETWEEN),
        ("I’ll call her psychiatrist.", LanguageCategory.FRAGILIZING_OR_GO_BETWEEN),
        ("She always cancels.", LanguageCategory.ABSOLUTIST_POLARIZING),
        ("He never calls back.", LanguageCategory.ABSOLUTIST_POLARIZING),
        ("The only way forward.", LanguageCategory.ABSOLUTIST_POLARIZING),
    ],
)
def test_each_category_fires_on_the_forms_clinicians_write(text, category):
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Resisted the urge to cut and used ice.",
        "A card game in group.",
        "Paid attention to the prompting event.",
        "Splitting the session into two halves.",
        "Diagnosed with borderline personality disorder.",
        "Entitled to a copy of her notes.",
        "Treatment-resistant depression.",
        "Not trying to hurt anyone.",
        "As always, mindfulness first.",
        "She has never been hospitalised.",
        "Failed to bring the diary card.",
        "Described urges as 6 out of 10.",
        "Waved a gesture of thanks on the way out.",
    ],
)
def test_hard_negatives_are_left_alone(text):
    assert not [flag for flag in check_text(text) if flag.check == "language"]


@pytest.mark.parametrize(
    "text",
    [
        "Client reports she never sleeps.",
        "She said she always fails.",
        "He describes himself as lazy.",
        "States that nothing works.",
        "Per client, she is a lost cause.",
        "She is a lost cause, per client.",
        'Her words: "I always ruin it".',
        "Her words: “I’m so manipulative”.",
        "Her words: ‘I never get it right’.",
        "Her words: 'nobody can help me'.",
        "She thinks she is lazy.",
        "In his own words, he is not trying.",
    ],
)
def test_what_the_client_said_is_exempt(text):
    assert not [flag for flag in check_text(text) if flag.check == "language"]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("I said she is manipulative.", "manipulative"),
        ("We think he is lazy.", "lazy"),
        ("The team feels she never tries.", "never"),
        ("Client reports she never sleeps. She is always late.", "always"),
        ("She said “fine”, but she always cancels.", "always"),
    ],
)
def test_our_own_words_are_never_exempt(text, flagged):
    assert [flag.text for flag in check_text(text) if flag.check == "language"] == [flagged]


def test_a_flag_carries_the_reframe_and_the_codes_it_draws_on():
    (flag,) = check_text("She is not trying.")
    assert flag.check == "language"
    assert flag.category == LanguageCategory.MOTIVATION_BLAME
    assert "DOING_BEST_THEY_CAN" in flag.assumptions
    assert "assess" in flag.suggestion
    assert flag.severity == "CAUTION"


def test_every_default_rule_is_valid_and_every_category_is_covered():
    rules = LanguageRule.objects.filter(team__isnull=True)
    for rule in rules:
        rule.full_clean()
    assert {rule.category for rule in rules} == set(LanguageCategory.values)
    phrases = sum(len(rule.phrases) for rule in rules)
    assert 40 <= phrases <= 80


# --- Identifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "flagged"),
    [
        ("Spoke to Emma Thornquist.", "NAME", "Emma Thornquist"),
        ("Spoke to Mrs Applewood.", "NAME", "Mrs Applewood"),
        ("Spoke to Dr. Fenwick.", "NAME", "Dr. Fenwick"),
        ("Seen 03/04/2025.", "DATE", "03/04/2025"),
        ("Seen 2025-04-03.", "DATE", "2025-04-03"),
        ("Seen 3 April 2025.", "DATE", "3 April 2025"),
        ("Seen April 3rd.", "DATE", "April 3rd"),
        ("Seen Apr. 3, 2025.", "DATE", "Apr. 3, 2025"),
        ("Phone 555-010-0199.", "PHONE", "555-010-0199"),
        ("Phone (555) 010-0199.", "PHONE", "(555) 010-0199"),
        ("Phone +44 20 7946 0000.", "PHONE", "+44 20 7946 0000"),
        ("Mail a.b@example.org.", "EMAIL", "a.b@example.org"),
        ("At 14 Larkspur Lane.", "STREET_ADDRESS", "14 Larkspur Lane"),
        ("At 9 Heron Ave.", "STREET_ADDRESS", "9 Heron Ave"),
        ("MRN 1234567.", "RECORD_NUMBER", "MRN 1234567"),
        ("Account no. 12345678.", "RECORD_NUMBER", "Account no. 12345678"),
        ("Member ID AB-123456.", "RECORD_NUMBER", "Member ID AB-123456"),
        ("Form had 123-45-6789.", "RECORD_NUMBER", "123-45-6789"),
        ("Ref 12345678.", "RECORD_NUMBER", "12345678"),
        ("See https://example.org/a.", "URL", "https://example.org/a"),
        ("See www.example.org.", "URL", "www.example.org"),
        ("From 192.0.2.1.", "IP_ADDRESS", "192.0.2.1"),
        ("From 2001:db8::1.", "IP_ADDRESS", "2001:db8::1"),
        ("A 92-year-old.", "AGE_OVER_89", "92-year-old"),
        ("Aged 95.", "AGE_OVER_89", "Aged 95"),
        ("Age 91.", "AGE_OVER_89", "Age 91"),
    ],
)
def test_identifier_kinds(text, category, flagged):
    found = [(flag.category, flag.text) for flag in check_text(text) if flag.check == "identifier"]
    assert found == [(category, flagged)]


@pytest.mark.parametrize(
    "text",
    [
        "Client missed group.",
        "Case C-7F3K9Q discussed.",
        "Client ID C-7F3K9Q.",
        "Cases C-AAAAAA, C-123456 and C-9Z9Z9Z.",
        "Started in April 2025.",
        "Since 2019.",
        "Aged 45.",
        "Scored 3/4.",
        "At 10:30.",
    ],
)
def test_what_is_not_an_identifier(text):
    assert not [flag for flag in check_text(text) if flag.check == "identifier"]


def test_a_name_in_a_quotation_is_still_an_identifier():
    flags = check_text('She said "Emma Thornquist is always angry with me".')
    assert [(flag.check, flag.category) for flag in flags] == [("identifier", "NAME")]


# --- Rules are data: a team's own rules, and the cache -----------------------------------------


def _rule(team=None, phrase: str = "frequent canceller*") -> LanguageRule:
    rule = LanguageRule(
        team=team,
        category=LanguageCategory.PEJORATIVE_LABEL,
        phrases=[phrase],
        suggestion="Count the cancellations and ask what got in the way of each.",
        assumptions=["DOING_BEST_THEY_CAN"],
        agreements=[],
    )
    rule.full_clean()
    rule.save()
    return rule


def test_a_teams_own_rule_applies_to_that_team_only(alpha, beta):
    _rule(team=alpha)
    text = "A frequent canceller this month."
    assert "PEJORATIVE_LABEL" in categories(text, team_id=alpha.pk)
    assert "PEJORATIVE_LABEL" not in categories(text, team_id=beta.pk)
    assert "PEJORATIVE_LABEL" not in categories(text)


def test_the_cache_picks_up_a_new_changed_or_deleted_rule(alpha):
    text = "Another frequent canceller."
    assert not categories(text, team_id=alpha.pk)  # compiles and caches the defaults
    rule = _rule()
    assert categories(text, team_id=alpha.pk) == {"PEJORATIVE_LABEL"}
    rule.is_active = False
    rule.save()
    assert not categories(text, team_id=alpha.pk)
    rule.is_active = True
    rule.save()
    assert categories(text) == {"PEJORATIVE_LABEL"}
    rule.delete()
    assert not categories(text)


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("", "empty"),
        ("(a|b", "("),
        ("a)b", "("),
        ("(a(b))", "other groups"),
        ("a*b", "end of a word"),
        ("a [b]", "cannot be used"),
        ("a ! b", "Exclusions"),
        ("(a|)", "at least one word"),
    ],
)
def test_a_phrase_that_does_not_follow_the_syntax_is_refused_with_a_reason(phrase, message):
    with pytest.raises(PhraseError, match=message.replace("(", r"\(")):
        check_phrase(phrase)


def test_the_model_refuses_bad_phrases_and_unknown_codes():
    rule = LanguageRule(
        category=LanguageCategory.PEJORATIVE_LABEL,
        phrases=["fine", "(broken"],
        suggestion="x",
        assumptions=["NOT_A_CODE"],
    )
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    assert set(raised.value.message_dict) == {"phrases", "assumptions"}


# --- The service: bad input --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_nothing_to_check(text):
    with pytest.raises(ValidationError, match="Nothing to check"):
        text_check(text=text)


def test_too_long_names_the_limit():
    with pytest.raises(ValidationError, match="20,000"):
        text_check(text="a" * (MAX_CHARACTERS + 1))


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"])
def test_control_characters_are_refused_with_their_position(char):
    with pytest.raises(ValidationError, match="position 4"):
        text_check(text=f"Late{char} again")


def test_tabs_and_line_breaks_are_fine():
    flags = text_check(text="Late again.\r\n\tShe is always late.")
    assert [flag.text for flag in flags] == ["always"]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Η πελάτισσα 🙂 is always late.", "always"),
        ("客户 said nothing; she is always late.", "always"),
        ("العميلة manipulative", "manipulative"),
        ("👩‍⚕️👩‍⚕️ She is lazy.", "lazy"),
    ],
)
def test_other_scripts_and_emoji(text, flagged):
    (flag,) = text_check(text=text)
    assert text[flag.start : flag.end] == flagged


# --- Speed guards: no catastrophic backtracking ------------------------------------------------


def _timed(text: str) -> float:
    began = time.perf_counter()
    text_check(text=text)
    return time.perf_counter() - began


def test_a_full_length_realistic_text_is_checked_quickly():
    sentences = [text for text, _ in EXAMPLES]
    text = ""
    while len(text) < MAX_CHARACTERS - 200:
        text += sentences[len(text) % len(sentences)] + " "
    text_check(text="warm the cache")
    assert _timed(text) < 2.0


@pytest.mark.parametrize(
    "text",
    [
        "a" * MAX_CHARACTERS,
        "-" * MAX_CHARACTERS,
        "1" * MAX_CHARACTERS,
        "1-" * (MAX_CHARACTERS // 2),
        "a." * (MAX_CHARACTERS // 2),
        "a@" * (MAX_CHARACTERS // 2),
        ":" * MAX_CHARACTERS,
        "a:" * (MAX_CHARACTERS // 2),
        '"' * MAX_CHARACTERS,
        "'" * MAX_CHARACTERS,
        "“‘\"'«" * (MAX_CHARACTERS // 5),
        "a " * (MAX_CHARACTERS // 2),
        "said " * (MAX_CHARACTERS // 5),
        "per client " * (MAX_CHARACTERS // 11),
        "not " * (MAX_CHARACTERS // 4),
        "Emma " * (MAX_CHARACTERS // 5),
        "1 Ab " * (MAX_CHARACTERS // 5),
        "attention " * (MAX_CHARACTERS // 10),
        "www." * (MAX_CHARACTERS // 4),
        "C-AAAAAA " * (MAX_CHARACTERS // 9),
    ],
    ids=lambda text: repr(text[:12]),
)
def test_adversarial_inputs_do_not_hang(text):
    assert len(text) <= MAX_CHARACTERS
    assert _timed(text) < 2.0


# --- The API -----------------------------------------------------------------------------------


def test_api_answers_flags(tara):
    response = send(
        client_for(tara), "POST", URL, {"text": "She is not trying. Call Emma Thornquist."}
    )
    assert response.status_code == 200
    flags = response.json()["flags"]
    assert [(flag["check"], flag["category"], flag["text"]) for flag in flags] == [
        ("language", "MOTIVATION_BLAME", "not trying"),
        ("identifier", "NAME", "Emma Thornquist"),
    ]
    assert all(set(flag) == FLAG_KEYS for flag in flags)
    assert flags[0]["assumptions"] == ["DOING_BEST_THEY_CAN", "NEED_TO_DO_BETTER"]
    assert flags[0]["agreements"] == ["PHENOMENOLOGICAL_EMPATHY"]


def test_api_answers_an_empty_list_for_clean_text(tara):
    response = send(
        client_for(tara), "POST", URL, {"text": "Used paced breathing during the argument."}
    )
    assert response.status_code == 200
    assert response.json() == {"flags": []}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": ""}, "Nothing to check"),
        ({"text": "  \n "}, "Nothing to check"),
        ({"text": "a" * (MAX_CHARACTERS + 1)}, "20,000"),
        ({"text": "late\x1bagain"}, "control character"),
        ({"text": "late\x00again"}, "Null characters"),  # refused by DRF's own check
        ({}, "required"),
        ({"text": "fine", "team": "not-a-uuid"}, "UUID"),
    ],
)
def test_api_refuses_bad_input_with_a_message(tara, body, message):
    response = send(client_for(tara), "POST", URL, body)
    assert response.status_code == 400
    assert message in json.dumps(response.json())


def test_api_refuses_a_huge_text_fast(tara):
    client = client_for(tara)
    began = time.perf_counter()
    response = send(client, "POST", URL, {"text": "manipulative " * 8000})  # 104,000 characters
    assert response.status_code == 400
    assert time.perf_counter() - began < 2.0


def test_api_lone_surrogate_is_a_400_not_a_500(tara):
    response = client_for(tara).post(
        URL, data='{"text": "late \\ud800 again"}', content_type="application/json"
    )
    assert response.status_code == 400


def test_api_needs_a_signed_in_person(db):
    assert send(Client(), "POST", URL, {"text": "She is always late."}).status_code == 401


def test_api_team_rules_for_members_only(tara, olga, alpha):
    _rule(team=alpha)
    text = "Another frequent canceller."
    answer = send(client_for(tara), "POST", URL, {"text": text, "team": str(alpha.public_id)})
    assert answer.status_code == 200
    assert [flag["category"] for flag in answer.json()["flags"]] == ["PEJORATIVE_LABEL"]
    assert send(client_for(tara), "POST", URL, {"text": text}).json() == {"flags": []}
    refused = send(client_for(olga), "POST", URL, {"text": text, "team": str(alpha.public_id)})
    assert refused.status_code == 404
    unknown = send(client_for(tara), "POST", URL, {"text": text, "team": str(uuid.uuid4())})
    assert unknown.status_code == 404


# --- The management command --------------------------------------------------------------------


def test_command_prints_one_json_object_per_line(monkeypatch):
    lines = [
        "She is always late.",
        "",
        "Used paced breathing.",
        "late\x1bagain",
        "Call 555-010-0199.",
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    call_command("check_text", stdout=out)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(answers) == len(lines)
    assert [flag["text"] for flag in answers[0]["flags"]] == ["always"]
    assert set(answers[0]["flags"][0]) == FLAG_KEYS
    assert "Nothing to check" in answers[1]["error"]
    assert answers[2] == {"flags": []}
    assert "control character" in answers[3]["error"]
    assert answers[4]["flags"][0]["category"] == "PHONE"


def test_command_reads_bytes_and_survives_a_line_that_is_not_utf8(monkeypatch):
    class BytesStdin(io.StringIO):
        buffer = io.BytesIO(b"She is lazy.\r\n\xff\xfe broken\nfine\n")

    monkeypatch.setattr(sys, "stdin", BytesStdin())
    out = io.StringIO()
    call_command("check_text", stdout=out)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert answers[0]["flags"][0]["text"] == "lazy"
    assert "UTF-8" in answers[1]["error"]
    assert answers[2] == {"flags": []}


def test_command_with_a_team_uses_its_rules(monkeypatch, alpha):
    _rule(team=alpha)
    monkeypatch.setattr(sys, "stdin", io.StringIO("A frequent canceller.\n"))
    out = io.StringIO()
    call_command("check_text", "--team", str(alpha.public_id), stdout=out)
    assert json.loads(out.getvalue())["flags"][0]["category"] == "PEJORATIVE_LABEL"


# --- Admin -------------------------------------------------------------------------------------


def test_admins_edit_rules_one_phrase_per_line(alpha):
    from tests.factories import UserFactory

    admin_user = UserFactory.create(email="root@admin.example", is_staff=True, is_superuser=True)
    client = client_for(admin_user)
    assert client.get(reverse("admin:textcheck_languagerule_changelist")).status_code == 200
    assert (
        client.get(
            reverse("admin:textcheck_languagerule_changelist"),
            {"category__exact": "PEJORATIVE_LABEL", "team__id__exact": alpha.pk},
        ).status_code
        == 200
    )
    response = client.post(
        reverse("admin:textcheck_languagerule_add"),
        {
            "team": alpha.pk,
            "category": "MOTIVATION_BLAME",
            "severity": "CAUTION",
            "phrases": "frequent canceller*\r\nno-show queen",
            "suggestion": "Count the missed sessions and assess what got in the way.",
            "assumptions": ["DOING_BEST_THEY_CAN"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = LanguageRule.objects.get(team=alpha)
    assert rule.phrases == ["frequent canceller*", "no-show queen"]
    assert rule.agreements == []
    assert categories("A no show queen.", team_id=alpha.pk) == {"MOTIVATION_BLAME"}
    refused = client.post(
        reverse("admin:textcheck_languagerule_add"),
        {
            "category": "MOTIVATION_BLAME",
            "severity": "INFO",
            "phrases": "(broken",
            "suggestion": "x",
        },
    )
    assert refused.status_code == 200
    assert "needs a matching" in refused.content.decode()


def test_live_checks_are_limited_per_person(world, monkeypatch):
    """An editor asks at every pause in typing; a runaway one (or a script) is told to wait,
    with Retry-After, and that costs no one else their checks."""
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "text-checks", "3/min")
    tara, theo = client_for(world.tara), client_for(world.theo)
    for _ in range(3):
        assert send(tara, "POST", URL, {"text": "She was late again."}).status_code == 200
    refused = send(tara, "POST", URL, {"text": "She was late again."})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert send(theo, "POST", URL, {"text": "He was late again."}).status_code == 200
