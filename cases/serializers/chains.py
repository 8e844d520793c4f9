"""Chain analyses in the API: the worksheet's shape (a line of a list, the whole worksheet
with its links and consequences), and what starting or changing one takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from cases.choices import (
    ChainKind,
    ChainStatus,
    ChainSubject,
    ConsequenceLocus,
    ConsequenceTiming,
    LinkKind,
    SkillModule,
    SolutionType,
    TargetLevel,
    Vulnerability,
)
from cases.models import (
    CHAIN_FIELDS,
    CHAIN_TEXT_FIELDS,
    LINK_FIELDS,
    LINK_TEXT_FIELDS,
    LONG_TEXT,
    WORKSHEET,
    ChainAnalysis,
    ChainConsequence,
    ChainLink,
)
from cases.serializers.fields import (
    CONSEQUENCE_TEXT,
    LINK_TEXT,
    CitedCodes,
    citations_field,
    intensity_field,
    text_field,
    version_field,
    with_model_texts,
)
from consultteam.lean import Lean
from consultteam.queryparams import QueryParams
from consultteam.web.api import ApiModelSerializer, EnumField, Input, identifier_override_field


class ChainLinkSerializer(Lean, ApiModelSerializer[ChainLink]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = EnumField(LinkKind, read_only=True)
    # Left open ("") on a link that is not a solution, or a solution that is not a skill.
    solution_type = EnumField(SolutionType, read_only=True, allow_blank=True)
    skill_module = EnumField(SkillModule, read_only=True, allow_blank=True)

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


class ChainConsequenceSerializer(Lean, ApiModelSerializer[ChainConsequence]):
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


class ChainAnalysisListSerializer(Lean, ApiModelSerializer[Any]):
    """One line of a list: no worksheet beyond the problem behaviour, no nested links.
    Expects the `link_count` annotation and `assumptions`, `agreements` prefetched. (Of `Any`:
    the detail below renders a row read as a dict.)"""

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
    """The whole worksheet in its order, links by position. Renders the row of
    `cases.chain_detail.chain_worksheet` (a dict, its children in JSON columns)."""

    vulnerabilities = serializers.ListField(child=EnumField(Vulnerability), read_only=True)
    links = ChainLinkSerializer(many=True, read_only=True, source="links_in_order")
    consequences = ChainConsequenceSerializer(
        many=True, read_only=True, source="consequences_in_order"
    )

    class Meta(ChainAnalysisListSerializer.Meta):
        fields = [
            *_CHAIN_HEAD,
            *(name for name in WORKSHEET if name not in _CHAIN_HEAD),
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ChainWorksheetInput(Input):
    """The worksheet fields a chain analysis may be started with or changed in. Its free text
    (CHAIN_TEXT_FIELDS) comes from the model, as long as the model holds and blank where the
    model allows it; the other fields are declared here."""

    target_level = EnumField(TargetLevel, required=False)
    behavior_on = serializers.DateField(required=False)
    intensity = intensity_field()
    vulnerabilities = serializers.ListField(child=EnumField(Vulnerability), required=False)
    knew_what_was_needed = serializers.BooleanField(required=False, allow_null=True)
    was_willing = serializers.BooleanField(required=False, allow_null=True)
    thought_occurred = serializers.BooleanField(required=False, allow_null=True)
    assumptions = citations_field("assumptions")
    agreements = citations_field("agreements")
    identifier_override = identifier_override_field()

    def get_fields(self) -> dict[str, Any]:
        return with_model_texts(
            super().get_fields(), ChainAnalysis, CHAIN_TEXT_FIELDS, CHAIN_FIELDS
        )


class ChainStartInput(ChainWorksheetInput):
    team = serializers.UUIDField(
        required=False, help_text="The team's id. For a client's behaviour, the case's team."
    )
    case = serializers.UUIDField(
        required=False, allow_null=True, help_text="The case's id: for a client's behaviour."
    )
    subject = EnumField(ChainSubject)
    kind = EnumField(ChainKind, default=ChainKind.BEHAVIOR_CHAIN)
    problem_behavior = text_field(LONG_TEXT)
    behavior_on = serializers.DateField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("team") is None and attrs.get("case") is None:
            raise serializers.ValidationError(
                {"team": "Name the team (or, for a client, the case)."}
            )
        return attrs


class ChainUpdateInput(ChainWorksheetInput):
    version = version_field()


class ChainStatusInput(Input):
    status = EnumField(ChainStatus)
    version = version_field()


class VersionQuery(QueryParams):
    """The query of a DELETE within a chain analysis: ?version=N."""

    version = version_field()


def _check_skill_module(attrs: Mapping[str, Any]) -> None:
    """A skill names its module; other solutions have none (when both are given)."""
    if "solution_type" not in attrs or "skill_module" not in attrs:
        return
    if attrs["solution_type"] == SolutionType.SKILL and not attrs["skill_module"]:
        raise serializers.ValidationError({"skill_module": "Name the module the skill is from."})
    if attrs["solution_type"] != SolutionType.SKILL and attrs["skill_module"]:
        raise serializers.ValidationError({"skill_module": "Only a skill has a module."})


class ChainLinkFieldsInput(Input):
    """A link's fields; its free text (LINK_TEXT_FIELDS) comes from the model, as in
    `ChainWorksheetInput`."""

    kind = EnumField(LinkKind, required=False)
    intensity = intensity_field()
    solution_type = serializers.ChoiceField(
        choices=SolutionType.choices, required=False, allow_blank=True
    )
    skill_module = serializers.ChoiceField(
        choices=SkillModule.choices, required=False, allow_blank=True
    )
    identifier_override = identifier_override_field()

    def get_fields(self) -> dict[str, Any]:
        return with_model_texts(super().get_fields(), ChainLink, LINK_TEXT_FIELDS, LINK_FIELDS)


class ChainLinkAddInput(ChainLinkFieldsInput):
    version = version_field()
    kind = EnumField(LinkKind)
    description = text_field(LINK_TEXT)
    position = serializers.IntegerField(
        min_value=1, required=False, help_text="Where to insert it (1 is first); default last."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_skill_module({"solution_type": "", "skill_module": "", **attrs})
        return attrs


class ChainLinkUpdateInput(ChainLinkFieldsInput):
    version = version_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_skill_module(attrs)
        return attrs


class ChainLinksReorderInput(Input):
    version = version_field()
    order = serializers.ListField(
        child=serializers.UUIDField(),
        help_text="Every link's id once, first to last.",
    )


class ChainConsequenceAddInput(Input):
    version = version_field()
    description = text_field(CONSEQUENCE_TEXT)
    timing = EnumField(ConsequenceTiming)
    locus = EnumField(ConsequenceLocus)
    identifier_override = identifier_override_field()
