"""Shapes of the clinical record in the API: validation of what comes in, rendering of what
goes out. Nothing here writes: the views hand validated data to `cases.services`.

Input serializers check shape only (choices, lengths, dates, ranges) and refuse fields they do
not know, so a typo is a 400 rather than a change silently dropped. Rules that need the record
(a category of the wrong actor, a date in the future, a position past the end, a stale
version) are the services' to enforce. Related objects are rendered by their public ids.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models
from django.db.models import Prefetch, QuerySet
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import (
    SESSION_MODES,
    Actor,
    CaseStatus,
    ChainKind,
    ChainStatus,
    ChainSubject,
    ConsequenceLocus,
    ConsequenceTiming,
    LinkKind,
    Setting,
    SkillModule,
    SolutionType,
    Stage,
    TargetLevel,
    TIBCategory,
    TIBStatus,
    Vulnerability,
)
from cases.models import (
    LONG_TEXT,
    SHORT_TEXT,
    Case,
    ChainAnalysis,
    ChainConsequence,
    ChainLink,
    TIBEntry,
)
from consultteam.lean import Lean
from consultteam.queryparams import QueryParams
from consultteam.reference.models import Agreement, Assumption


def _max_length(model: type[models.Model], name: str) -> int:
    """The longest text the model holds in this field: the API refuses longer (400)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    assert field.max_length is not None
    return field.max_length


LINK_TEXT = _max_length(ChainLink, "description")
REPLACEMENT_TEXT = _max_length(ChainLink, "replacement_behavior")
CONSEQUENCE_TEXT = _max_length(ChainConsequence, "description")

_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
        "example": "2025-03",
        "description": "A month as YYYY-MM. A full date (YYYY-MM-DD) is accepted and kept as "
        "its month only.",
    }
)
class MonthField(serializers.Field[dt.date, Any, str, Any]):
    """Month and year only: a full date could help identify the client. Takes "2025-03" or
    "2025-03-17" (kept as March 2025), renders "2025-03"."""

    default_error_messages = {
        "invalid": "Enter a month as YYYY-MM (a date as YYYY-MM-DD is also accepted).",
    }

    def to_internal_value(self, data: Any) -> dt.date:
        match = _MONTH.match(data) if isinstance(data, str) else None
        if match is None:
            self.fail("invalid")
        year, month, day = (int(part) if part else 1 for part in match.groups())
        try:
            return dt.date(year, month, day).replace(day=1)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value: dt.date) -> str:
        return value.strftime("%Y-%m")


class EnumField(serializers.ChoiceField):
    """A choice among a `TextChoices` class, published in the schema as one named enum
    (`CaseStatusEnum`, `ChainKindEnum`...). Several vocabularies share a field name (`status`,
    `kind`); without a name of their own the schema generator could only guess one."""

    def __init__(self, vocabulary: type[models.TextChoices], **options: Any) -> None:
        self.vocabulary = vocabulary
        super().__init__(choices=vocabulary.choices, **options)


# drf-spectacular's registering __init_subclass__ carries no annotations.
class EnumFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = EnumField

    def get_name(self) -> str:
        return f"{self.target.vocabulary.__name__}Enum"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        vocabulary = self.target.vocabulary
        return {
            "type": "string",
            "enum": list(vocabulary.values),
            "description": "\n".join(f"* `{code}` - {label}" for code, label in vocabulary.choices),
        }


class Input(serializers.Serializer[dict[str, Any]]):
    """A request body. Names it does not know are refused, never silently ignored."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field cannot be set here."] for name in unknown}
                )
        validated: dict[str, Any] = super().to_internal_value(data)
        return validated


def _text(max_length: int, **options: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, **options)


def _optional_text(max_length: int) -> serializers.CharField:
    return _text(max_length, required=False, allow_blank=True)


def _intensity() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)


def _identifier_override() -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        write_only=True,
        help_text=(
            "Save text the identifier check flagged anyway, for this reason (audited; the text "
            "itself is never put in the audit trail). Without it such text answers 400 with "
            "the flags."
        ),
    )


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, help_text="The version of the chain analysis this change was made against."
    )


def _citations(what: str) -> serializers.ListField:
    """Codes of what an item draws on. Whether each code exists is the services' to say
    (services/citations.py): an unknown one is a 400 that names it."""
    return serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=20,
        help_text=f"Codes of the {what} it draws on, as listed at /api/v1/{what}/. "
        "On a change, the list replaces the one before; [] cites none.",
    )


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string"},
        "description": "Codes of what it draws on (see the reference endpoints).",
    }
)
class CitedCodes(serializers.Field[Any, Any, list[str], Any]):
    """The codes of the assumptions or agreements an item cites (its ``source`` relation).
    Reads the plain list `with_citations` prefetches; an object fetched without it reads the
    relation itself (a query: the list endpoints' query budgets would catch that)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(read_only=True, **options)

    def get_attribute(self, instance: Any) -> Any:
        relation = str(self.source)
        cited = getattr(instance, _cited(relation), None)
        return cited if cited is not None else list(getattr(instance, relation).all())

    def to_representation(self, value: Any) -> list[str]:
        return [row.code for row in value]


def _cited(relation: str) -> str:
    return f"{relation}_cited"


_Cites = TypeVar("_Cites", bound=models.Model)


def with_citations(rows: QuerySet[_Cites]) -> QuerySet[_Cites]:
    """``rows`` with the assumptions and agreements they cite, one query each for a whole page,
    kept as plain lists for `CitedCodes`.

    Why lists: prefetched into the relations, Django builds a related manager and a queryset
    for every row and relation, which cost more than the two queries themselves (a third of
    a page of TIB entries; docs/performance.md)."""
    return rows.prefetch_related(
        Prefetch("assumptions", Assumption.objects.only("id", "code"), _cited("assumptions"))
    ).prefetch_related(
        Prefetch("agreements", Agreement.objects.only("id", "code"), _cited("agreements"))
    )


# --- Cases --------------------------------------------------------------------------------------


class CaseSerializer(Lean, serializers.ModelSerializer[Case]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    primary_therapist = serializers.UUIDField(source="primary_therapist.public_id", read_only=True)
    primary_therapist_name = serializers.CharField(
        source="primary_therapist.display_name", read_only=True
    )
    stage = EnumField(Stage, read_only=True)
    status = EnumField(CaseStatus, read_only=True)
    opened = MonthField(read_only=True)
    closed = MonthField(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "code",
            "team",
            "primary_therapist",
            "primary_therapist_name",
            "stage",
            "status",
            "opened",
            "closed",
        ]
        read_only_fields = fields


class MissedInARowSerializer(serializers.Serializer[dict[str, int]]):
    """Sessions missed in a row, per mode with scheduled sessions (0 when none)."""

    INDIVIDUAL_SESSION = serializers.IntegerField(read_only=True)
    SKILLS_GROUP = serializers.IntegerField(read_only=True)


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    display_name = serializers.CharField(read_only=True)


class CaseDetailSerializer(CaseSerializer):
    """A case with its missed-session tallies and co-therapists. Expects `missed_sessions`
    prefetched and the co-therapists (people) in the context's `co_therapists`."""

    missed_in_a_row = serializers.SerializerMethodField()
    co_therapists = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "missed_in_a_row", "co_therapists"]
        read_only_fields = fields

    @extend_schema_field(MissedInARowSerializer)
    def get_missed_in_a_row(self, case: Case) -> dict[str, int]:
        tallies = {mode.value: 0 for mode in SESSION_MODES}
        for tally in case.missed_sessions.all():
            tallies[tally.mode] = tally.in_a_row
        return tallies

    @extend_schema_field(PersonSerializer(many=True))
    def get_co_therapists(self, case: Case) -> Any:
        return PersonSerializer(self.context.get("co_therapists", []), many=True).data


class CaseOpenInput(Input):
    team = serializers.UUIDField(help_text="The team's id.")
    opened = MonthField()
    stage = EnumField(Stage, default=Stage.PRETREATMENT)
    primary_therapist = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The person's id. Defaults to you; only the team leader may name another.",
    )


class CaseUpdateInput(Input):
    stage = EnumField(Stage, required=False)
    status = EnumField(CaseStatus, required=False)
    opened = MonthField(required=False)
    closed = MonthField(required=False, allow_null=True)


class AttendedInput(Input):
    mode = serializers.ChoiceField(choices=[(mode.value, mode.label) for mode in SESSION_MODES])


class CoTherapistInput(Input):
    user = serializers.UUIDField(help_text="The id of the person who will co-treat the case.")


# --- The TIB log --------------------------------------------------------------------------------


class TIBEntrySerializer(Lean, serializers.ModelSerializer[TIBEntry]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True, allow_null=True)
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    author = serializers.UUIDField(source="author.public_id", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    actor = EnumField(Actor, read_only=True)
    category = EnumField(TIBCategory, read_only=True)
    setting = EnumField(Setting, read_only=True)
    status = EnumField(TIBStatus, read_only=True)
    chain_analysis = serializers.UUIDField(
        source="chain_analysis.public_id", read_only=True, allow_null=True
    )
    # Expects `assumptions` and `agreements` prefetched.
    assumptions = CitedCodes()
    agreements = CitedCodes()

    class Meta:
        model = TIBEntry
        fields = [
            "id",
            "team",
            "case",
            "case_code",
            "author",
            "author_name",
            "actor",
            "category",
            "setting",
            "description",
            "occurred_on",
            "count",
            "status",
            "shared_with_team",
            "chain_analysis",
            "assumptions",
            "agreements",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TIBLoggedSerializer(TIBEntrySerializer):
    """A freshly logged entry, with the warning the log gave (missed sessions), if any."""

    warning = serializers.SerializerMethodField()

    class Meta(TIBEntrySerializer.Meta):
        fields = [*TIBEntrySerializer.Meta.fields, "warning"]
        read_only_fields = fields

    def get_warning(self, entry: TIBEntry) -> str | None:
        warning = self.context.get("warning")
        return warning if isinstance(warning, str) else None


class TIBLogInput(Input):
    team = serializers.UUIDField(
        required=False, help_text="The team's id. For a client's TIB, the case's team is used."
    )
    case = serializers.UUIDField(
        required=False, allow_null=True, help_text="The case's id: for a client's TIB only."
    )
    actor = EnumField(Actor)
    category = EnumField(TIBCategory)
    setting = EnumField(Setting)
    description = _text(LONG_TEXT)
    occurred_on = serializers.DateField()
    count = serializers.IntegerField(min_value=1, max_value=99, default=1)
    status = EnumField(TIBStatus, default=TIBStatus.OPEN)
    assumptions = _citations("assumptions")
    agreements = _citations("agreements")
    identifier_override = _identifier_override()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("team") is None and attrs.get("case") is None:
            raise serializers.ValidationError(
                {"team": "Name the team (or, for a client, the case)."}
            )
        return attrs


class TIBUpdateInput(Input):
    category = EnumField(TIBCategory, required=False)
    setting = EnumField(Setting, required=False)
    description = _text(LONG_TEXT, required=False)
    occurred_on = serializers.DateField(required=False)
    count = serializers.IntegerField(min_value=1, max_value=99, required=False)
    status = EnumField(TIBStatus, required=False)
    assumptions = _citations("assumptions")
    agreements = _citations("agreements")
    identifier_override = _identifier_override()


# --- Chain analyses -----------------------------------------------------------------------------


class ChainLinkSerializer(Lean, serializers.ModelSerializer[ChainLink]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = EnumField(LinkKind, read_only=True)

    class Meta:
        model = ChainLink
        fields = [
            "id",
            "position",
            "kind",
            "description",
            "intensity",
            "solution_type",
            "skill_module",
            "replacement_behavior",
        ]
        read_only_fields = fields


class ChainConsequenceSerializer(Lean, serializers.ModelSerializer[ChainConsequence]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    timing = EnumField(ConsequenceTiming, read_only=True)
    locus = EnumField(ConsequenceLocus, read_only=True)

    class Meta:
        model = ChainConsequence
        fields = ["id", "description", "timing", "locus"]
        read_only_fields = fields


_CHAIN_HEAD = [
    "id",
    "version",
    "team",
    "case",
    "case_code",
    "author",
    "author_name",
    "subject",
    "kind",
    "target_level",
    "status",
    "problem_behavior",
    "behavior_on",
    "intensity",
    "assumptions",
    "agreements",
]


class ChainAnalysisListSerializer(Lean, serializers.ModelSerializer[ChainAnalysis]):
    """One line of a list: no worksheet beyond the problem behaviour, no nested links.
    Expects the `link_count` annotation and `assumptions`, `agreements` prefetched."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True, allow_null=True)
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    author = serializers.UUIDField(source="author.public_id", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    subject = EnumField(ChainSubject, read_only=True)
    kind = EnumField(ChainKind, read_only=True)
    target_level = EnumField(TargetLevel, read_only=True)
    status = EnumField(ChainStatus, read_only=True)
    assumptions = CitedCodes()
    agreements = CitedCodes()
    link_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ChainAnalysis
        fields = [*_CHAIN_HEAD, "link_count", "created_at", "updated_at"]
        read_only_fields = fields


class ChainAnalysisSerializer(ChainAnalysisListSerializer):
    """The whole worksheet in its order, links by position. Expects `links` and
    `consequences` prefetched."""

    vulnerabilities = serializers.ListField(child=EnumField(Vulnerability), read_only=True)
    links = ChainLinkSerializer(many=True, read_only=True)
    consequences = ChainConsequenceSerializer(many=True, read_only=True)

    class Meta(ChainAnalysisListSerializer.Meta):
        fields = [
            *_CHAIN_HEAD,
            "prompting_event",
            "prompting_event_started",
            "vulnerabilities",
            "vulnerability_notes",
            "links",
            "consequences",
            "prevention_plan",
            "repair",
            "commitment",
            "knew_what_was_needed",
            "knowing_barrier",
            "was_willing",
            "willingness_barrier",
            "thought_occurred",
            "thought_barrier",
            "what_got_in_the_way",
            "problem_solving_plan",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ChainWorksheetInput(Input):
    """The worksheet fields a chain analysis may be started with or changed in."""

    target_level = EnumField(TargetLevel, required=False)
    problem_behavior = _text(LONG_TEXT, required=False)
    behavior_on = serializers.DateField(required=False)
    intensity = _intensity()
    prompting_event = _optional_text(LONG_TEXT)
    prompting_event_started = _optional_text(SHORT_TEXT)
    vulnerabilities = serializers.ListField(child=EnumField(Vulnerability), required=False)
    vulnerability_notes = _optional_text(LONG_TEXT)
    prevention_plan = _optional_text(LONG_TEXT)
    repair = _optional_text(LONG_TEXT)
    commitment = _optional_text(LONG_TEXT)
    knew_what_was_needed = serializers.BooleanField(required=False, allow_null=True)
    knowing_barrier = _optional_text(LONG_TEXT)
    was_willing = serializers.BooleanField(required=False, allow_null=True)
    willingness_barrier = _optional_text(LONG_TEXT)
    thought_occurred = serializers.BooleanField(required=False, allow_null=True)
    thought_barrier = _optional_text(LONG_TEXT)
    what_got_in_the_way = _optional_text(LONG_TEXT)
    problem_solving_plan = _optional_text(LONG_TEXT)
    assumptions = _citations("assumptions")
    agreements = _citations("agreements")
    identifier_override = _identifier_override()


class ChainStartInput(ChainWorksheetInput):
    team = serializers.UUIDField(
        required=False, help_text="The team's id. For a client's behaviour, the case's team."
    )
    case = serializers.UUIDField(
        required=False, allow_null=True, help_text="The case's id: for a client's behaviour."
    )
    subject = EnumField(ChainSubject)
    kind = EnumField(ChainKind, default=ChainKind.BEHAVIOR_CHAIN)
    problem_behavior = _text(LONG_TEXT)
    behavior_on = serializers.DateField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("team") is None and attrs.get("case") is None:
            raise serializers.ValidationError(
                {"team": "Name the team (or, for a client, the case)."}
            )
        return attrs


class ChainUpdateInput(ChainWorksheetInput):
    version = _version()


class ChainStatusInput(Input):
    status = EnumField(ChainStatus)
    version = _version()


class VersionQuery(QueryParams):
    """The query of a DELETE within a chain analysis: ?version=N."""

    version = _version()


def _check_skill_module(attrs: Mapping[str, Any]) -> None:
    """A skill names its module; other solutions have none (when both are given)."""
    if "solution_type" not in attrs or "skill_module" not in attrs:
        return
    if attrs["solution_type"] == SolutionType.SKILL and not attrs["skill_module"]:
        raise serializers.ValidationError({"skill_module": "Name the module the skill is from."})
    if attrs["solution_type"] != SolutionType.SKILL and attrs["skill_module"]:
        raise serializers.ValidationError({"skill_module": "Only a skill has a module."})


class ChainLinkFieldsInput(Input):
    kind = EnumField(LinkKind, required=False)
    description = _text(LINK_TEXT, required=False)
    intensity = _intensity()
    solution_type = serializers.ChoiceField(
        choices=SolutionType.choices, required=False, allow_blank=True
    )
    skill_module = serializers.ChoiceField(
        choices=SkillModule.choices, required=False, allow_blank=True
    )
    replacement_behavior = _optional_text(REPLACEMENT_TEXT)
    identifier_override = _identifier_override()


class ChainLinkAddInput(ChainLinkFieldsInput):
    version = _version()
    kind = EnumField(LinkKind)
    description = _text(LINK_TEXT)
    position = serializers.IntegerField(
        min_value=1, required=False, help_text="Where to insert it (1 is first); default last."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_skill_module({"solution_type": "", "skill_module": "", **attrs})
        return attrs


class ChainLinkUpdateInput(ChainLinkFieldsInput):
    version = _version()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_skill_module(attrs)
        return attrs


class ChainLinksReorderInput(Input):
    version = _version()
    order = serializers.ListField(
        child=serializers.UUIDField(),
        help_text="Every link's id once, first to last.",
    )


class ChainConsequenceAddInput(Input):
    version = _version()
    description = _text(CONSEQUENCE_TEXT)
    timing = EnumField(ConsequenceTiming)
    locus = EnumField(ConsequenceLocus)
    identifier_override = _identifier_override()
