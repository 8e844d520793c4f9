"""Query-string validators (consultteam/queryparams.py) build their fields once per class and
answer bad input exactly as DRF did when each request built its own: the same 400 bodies, word
for word, request after request. A validator whose fields could vary per request is refused
when it is defined."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Mapping
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from agendas.serializers import ActionItemFilter, MeetingFilter, ObserverSummaryQuery
from cases.filters import CaseFilter, ChainFilter, TIBFilter, cleaned
from cases.serializers import VersionQuery
from consultteam.audit.filters import AuditFilter, cleaned_filters
from consultteam.queryparams import QueryParams
from consultteam.teams.setup_serializers import RosterQuery
from consultteam.textcheck.api import LanguageRuleListQuery
from consultteam.textcheck.serializers import TextFlagListQuery

NOT_A_DAY = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
NOT_A_UUID = "Must be a valid UUID."
NOT_A_BOOLEAN = "Must be a valid boolean."
DAYS_OUT_OF_ORDER = "The end day is before the start day."


def _choice(value: str) -> str:
    return f'"{value}" is not a valid choice.'


# Each validator with bad input and DRF's answer, as given before the fields were shared.
BAD_INPUT: list[tuple[type[QueryParams], dict[str, str], dict[str, list[str]]]] = [
    (
        CaseFilter,
        {"status": "CLOSED", "stage": "STAGE_9", "team": "alpha", "mine": "perhaps"},
        {
            "mine": [NOT_A_BOOLEAN],
            "stage": [_choice("STAGE_9")],
            "status": [_choice("CLOSED")],
            "team": [NOT_A_UUID],
        },
    ),
    (
        TIBFilter,
        {"since": "yesterday", "case": "x", "actor": "NOBODY", "shared": "2", "category": ""},
        {
            "actor": [_choice("NOBODY")],
            "case": [NOT_A_UUID],
            "category": [_choice("")],
            "shared": [NOT_A_BOOLEAN],
            "since": [NOT_A_DAY],
        },
    ),
    (TIBFilter, {"since": "2026-05-02", "until": "2026-05-01"}, {"until": [DAYS_OUT_OF_ORDER]}),
    (
        ChainFilter,
        {"kind": "BEHAVIOR", "subject": "X", "status": "Y", "until": "05/01/2026"},
        {
            "kind": [_choice("BEHAVIOR")],
            "status": [_choice("Y")],
            "subject": [_choice("X")],
            "until": [NOT_A_DAY],
        },
    ),
    (
        ChainFilter,
        {"since": "2026-05-02", "until": "2026-05-01", "team": "1"},
        {"team": [NOT_A_UUID]},
    ),
    (
        AuditFilter,
        {"team": "not-a-uuid", "action": "SHOUT", "object_type": "x" * 65, "actor": "1"},
        {
            "action": [_choice("SHOUT")],
            "actor": [NOT_A_UUID],
            "object_type": ["Ensure this field has no more than 64 characters."],
            "team": [NOT_A_UUID],
        },
    ),
    (AuditFilter, {"since": "2026-05-02", "until": "2026-05-01"}, {"until": [DAYS_OUT_OF_ORDER]}),
    (MeetingFilter, {"team": "alpha"}, {"team": [NOT_A_UUID]}),
    (
        ActionItemFilter,
        {"mine": "perhaps", "status": "LOST", "meeting": "m"},
        {"meeting": [NOT_A_UUID], "mine": [NOT_A_BOOLEAN], "status": [_choice("LOST")]},
    ),
    (ObserverSummaryQuery, {"since": "last week"}, {"since": [NOT_A_DAY]}),
    (VersionQuery, {}, {"version": ["This field is required."]}),
    (
        VersionQuery,
        {"version": "0"},
        {"version": ["Ensure this value is greater than or equal to 1."]},
    ),
    (VersionQuery, {"version": "three"}, {"version": ["A valid integer is required."]}),
    (TextFlagListQuery, {}, {"object": ["This field is required."]}),
    (TextFlagListQuery, {"object": "x"}, {"object": [NOT_A_UUID]}),
    (LanguageRuleListQuery, {"team": ""}, {"team": [NOT_A_UUID]}),
    (RosterQuery, {"members": "everyone"}, {"members": [_choice("everyone")]}),
]

GOOD_INPUT: dict[type[QueryParams], dict[str, str]] = {
    CaseFilter: {"status": "ACTIVE", "mine": "true"},
    TIBFilter: {"since": "2026-05-01", "until": "2026-05-02"},
    ChainFilter: {"kind": "BEHAVIOR_CHAIN"},
    AuditFilter: {"action": "VIEW"},
    MeetingFilter: {},
    ActionItemFilter: {"mine": "false"},
    ObserverSummaryQuery: {"since": "2026-05-01"},
    VersionQuery: {"version": "3"},
    TextFlagListQuery: {"object": "8d1c7f3e-0b5a-4c1e-9a8e-2f6d1b7c9e01"},
    LanguageRuleListQuery: {"team": "8d1c7f3e-0b5a-4c1e-9a8e-2f6d1b7c9e01"},
    RosterQuery: {"members": "former"},
}


def every_validator() -> list[type[QueryParams]]:
    """Every query-string validator the project serves (all routes imported first)."""
    importlib.import_module(settings.ROOT_URLCONF)

    def below(cls: type) -> set[type]:
        return {sub for child in cls.__subclasses__() for sub in {child, *below(child)}}

    found = {cls for cls in below(QueryParams) if not cls.__module__.startswith("tests.")}
    return sorted(found, key=lambda cls: cls.__qualname__)


@pytest.mark.parametrize(
    ("checker", "query", "answer"),
    BAD_INPUT,
    ids=[f"{checker.__name__}-{i}" for i, (checker, _, _) in enumerate(BAD_INPUT)],
)
def test_bad_input_gets_drfs_answer_every_time(
    checker: type[QueryParams], query: dict[str, str], answer: dict[str, list[str]]
) -> None:
    """Twice, with a good query between: the shared fields keep nothing of the one before."""
    for _ in range(2):
        refused = checker(data=query)
        assert not refused.is_valid()
        assert refused.errors == answer
        assert checker(data=GOOD_INPUT[checker]).is_valid()


def test_every_validator_has_good_input_here() -> None:
    public = {cls for cls in every_validator() if not cls.__name__.startswith("_")}
    assert public == set(GOOD_INPUT)


def test_cleaned_ignores_empty_and_unknown_parameters() -> None:
    query = {"status": "", "mine": "false", "cursor": "cD0yMDI2", "page_size": "20"}
    assert cleaned(CaseFilter, query) == {"mine": False}
    assert cleaned_filters({"action": "", "object_type": "case"}) == {"object_type": "case"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "query", "answer"),
    [
        (
            "/api/v1/cases/",
            {"stage": "STAGE_9", "mine": "perhaps"},
            {"stage": [_choice("STAGE_9")], "mine": [NOT_A_BOOLEAN]},
        ),
        (
            "/api/v1/tib-entries/",
            {"since": "2026-05-02", "until": "2026-05-01"},
            {"until": [DAYS_OUT_OF_ORDER]},
        ),
        (
            "/api/v1/chain-analyses/",
            {"subject": "X", "team": "1"},
            {"subject": [_choice("X")], "team": [NOT_A_UUID]},
        ),
        (
            "/api/v1/audit-events/",
            {"action": "SHOUT", "actor": "1"},
            {"action": [_choice("SHOUT")], "actor": [NOT_A_UUID]},
        ),
        ("/api/v1/meetings/", {"team": "alpha"}, {"team": [NOT_A_UUID]}),
        ("/api/v1/action-items/", {"status": "LOST"}, {"status": [_choice("LOST")]}),
    ],
    ids=lambda value: value.strip("/").rsplit("/", 1)[-1] if isinstance(value, str) else "",
)
def test_a_list_answers_a_bad_filter_with_drfs_400(
    client: Client, ada: Any, url: str, query: dict[str, str], answer: dict[str, list[str]]
) -> None:
    """The body of the 400 is the validator's answer, request after request."""
    client.force_login(ada)
    for _ in range(2):
        response = client.get(url, query)
        assert response.status_code == 400, response.content
        assert response.json() == answer


# --- Built once ---------------------------------------------------------------------------


@pytest.mark.parametrize("checker", every_validator(), ids=lambda cls: cls.__name__)
def test_fields_are_built_once_per_class(checker: type[QueryParams]) -> None:
    first, second = checker(data={}), checker(data={"x": "1"})
    assert first.fields is second.fields
    assert isinstance(first.fields, BindingDict)
    assert list(first.fields) == list(checker._declared_fields)


class _Counted(serializers.CharField):
    """A field that counts the copies DRF makes of it."""

    copies = 0

    def __deepcopy__(self, memo: Mapping[Any, Any]) -> Any:
        _Counted.copies += 1
        return serializers.CharField.__deepcopy__(self, memo)


class Counts(QueryParams):
    note = _Counted(required=False, max_length=3)


@pytest.mark.django_db
def test_no_request_builds_the_fields_again(client: Client, ada: Any) -> None:
    """A validator's fields are copied once, then never; and the caseload's filter keeps the
    same fields across real requests."""
    for value in ("ok", "too long", "ok"):
        Counts(data={"note": value}).is_valid()
    assert _Counted.copies == 1

    built = CaseFilter().fields
    client.force_login(ada)
    for query in ({"mine": "true"}, {"mine": "perhaps"}, {}):
        client.get("/api/v1/cases/", query)
    assert CaseFilter().fields is built


def test_the_shared_fields_cannot_be_changed_through_a_request() -> None:
    with pytest.raises(TypeError, match="built once and shared by every request"):
        CaseFilter().fields.pop("mine")
    with pytest.raises(TypeError):
        CaseFilter().fields["extra"] = serializers.CharField()
    assert "mine" in CaseFilter().fields


def test_a_partial_validation_is_refused() -> None:
    with pytest.raises(TypeError, match="CaseFilter validates a query string whole"):
        CaseFilter(data={}, partial=True)


def test_a_validator_whose_fields_vary_is_refused_when_defined() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^ForLeaders cannot use QueryParams: "):

        class ForLeaders(QueryParams):
            team = serializers.UUIDField(required=False)

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                if not self.context.get("leader"):
                    self.fields.pop("team")


def test_a_validator_field_that_takes_the_context_is_refused_when_defined() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^Mine\.by takes its default"):

        class Mine(QueryParams):
            by = serializers.HiddenField(default=serializers.CurrentUserDefault())


def test_validate_runs_on_the_request_own_serializer_with_its_context() -> None:
    class Asks(QueryParams):
        note = serializers.CharField(required=False)

        def validate_note(self, value: str) -> str:
            return f"{value} for {self.context['who']}"

    for who in ("Tara", "Theo"):
        checked = Asks(data={"note": "hello"}, context={"who": who})
        assert checked.is_valid()
        assert checked.validated_data == {"note": f"hello for {who}"}


# --- What QueryParams takes from DRF, pinned -------------------------------------------------


def test_drf_still_validates_through_the_fields_property() -> None:
    """Validation walks `self.fields` (via `_writable_fields`); so sharing `fields` shares
    what is validated, and nothing else builds them."""
    checked = CaseFilter(data={"mine": "true"})
    assert [field.field_name for field in checked._writable_fields] == list(CaseFilter().fields)
    assert checked.is_valid()


def test_drf_still_binds_a_field_to_the_serializer_it_is_set_on() -> None:
    owner = CaseFilter()
    fields = BindingDict(owner)
    fields["mine"] = copy.deepcopy(CaseFilter._declared_fields["mine"])
    assert fields["mine"].parent is owner
    assert fields["mine"].field_name == "mine"


def test_drf_still_asks_the_root_whether_a_validation_is_partial() -> None:
    """Why QueryParams refuses `partial`: the shared fields' root is not the request's."""

    class Stock(serializers.Serializer[Any]):
        version = serializers.IntegerField()

    assert Stock(data={}, partial=True).is_valid()
    assert not Stock(data={}).is_valid()
