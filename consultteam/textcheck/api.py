"""`POST /api/v1/text-checks/`: text in, flags out. Stores nothing, audits nothing (the text
is the caller's own and is never kept), and answers 400 with a message for a text it refuses.

`/api/v1/text-flags/`: the flags remembered on saved records, for those who may see the record,
and keeping or dismissing one, for those who may change it."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from consultteam.access import ActionRules
from consultteam.accounts.models import User
from consultteam.queryparams import QueryParams
from consultteam.teams.models import Team
from consultteam.textcheck import services
from consultteam.textcheck.models import MAX_PHRASES, LanguageCategory, LanguageRule, Severity
from consultteam.textcheck.permissions import (
    can_change_language_rule,
    can_check_text,
    can_view_language_rule,
    language_rules_visible_to,
    team_for_text_check,
    visible_flag,
    visible_flags_of,
)
from consultteam.textcheck.serializers import (
    StoredTextFlagSerializer,
    TextCheckInput,
    TextCheckResult,
    TextFlagListQuery,
    TextFlagResolveInput,
)
from consultteam.web.api import ApiModelSerializer, Input


class TextCheckView(APIView):
    permission_classes = [ActionRules]
    rules: ClassVar = {"post": can_check_text}
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "text-checks"

    @extend_schema(
        operation_id="text_check",
        summary="Check a text for judgmental wording and identifiers",
        description=(
            "Runs the language check (wording the DBT assumptions and team agreements warn "
            "against, with a behavioural reframe) and the identifier check (names, dates, "
            "phone numbers...) on the text. Nothing is stored. Quoted and reported speech is "
            "exempt from the language check. Offsets count Unicode code points."
        ),
        request=TextCheckInput,
        responses={
            200: TextCheckResult,
            400: OpenApiResponse(
                description="Empty, over 20,000 characters, or with control characters."
            ),
            404: OpenApiResponse(description="No team with this id among your teams."),
            429: OpenApiResponse(description="Too many checks this minute: see Retry-After."),
        },
    )
    def post(self, request: Request) -> Response:
        given = TextCheckInput(data=request.data)
        given.is_valid(raise_exception=True)
        team = None
        team_id = given.validated_data.get("team")
        if team_id is not None:
            team = team_for_text_check(request.user, team_id)
            if team is None:
                raise NotFound("There is no team with this id among your teams.")
        flags = services.text_check(text=given.validated_data["text"], team=team)
        return Response(TextCheckResult({"flags": flags}).data)


# --- Flags remembered on records ----------------------------------------------------------------


def _person(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # ActionRules let only active, signed-in people this far
    return user


@extend_schema(tags=["text-flags"])
class TextFlagListView(APIView):
    permission_classes = [ActionRules]
    rules: ClassVar = {"get": can_check_text}

    @extend_schema(
        operation_id="text_flags_list",
        summary="The flags remembered on one record",
        description=(
            "Every language and identifier flag raised on the record's text when it was "
            "saved, and what became of it. A record you cannot see has no flags for you."
        ),
        parameters=[TextFlagListQuery],
        responses={200: StoredTextFlagSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        query = TextFlagListQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        flags = visible_flags_of(request.user, query.validated_data["object"])
        return Response(StoredTextFlagSerializer(flags, many=True).data)


@extend_schema(tags=["text-flags"])
class TextFlagResolveView(APIView):
    permission_classes = [ActionRules]
    # Who may resolve depends on the flagged record: text_flag_resolve asks its app's rule.
    rules: ClassVar = {"post": can_check_text}

    @extend_schema(
        operation_id="text_flag_resolve",
        summary="Keep (with a reason) or dismiss a language flag",
        request=TextFlagResolveInput,
        responses={
            200: StoredTextFlagSerializer,
            400: OpenApiResponse(description="Keeping needs a reason."),
            403: OpenApiResponse(description="You can see the record but not change it."),
            404: OpenApiResponse(description="No such flag on a record you can see."),
            409: OpenApiResponse(description="The flag was already settled otherwise."),
        },
    )
    def post(self, request: Request, flag_id: uuid.UUID) -> Response:
        flag = visible_flag(request.user, flag_id)
        if flag is None:
            raise NotFound("There is no such flag on a record you can see.")
        body = TextFlagResolveInput(data=request.data)
        body.is_valid(raise_exception=True)
        flag = services.text_flag_resolve(
            flag=flag,
            by=_person(request),
            status=body.validated_data["status"],
            reason=body.validated_data.get("reason", ""),
        )
        return Response(StoredTextFlagSerializer(flag).data)


# --- Language rules: the defaults and a team's own ------------------------------------------------


def _phrases(**options: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=200),
        min_length=1,
        max_length=MAX_PHRASES,
        help_text="The wording to notice, one phrase per entry, in the syntax of the admin's "
        "help: whole words, word* any ending, * any one word, a-b with or without the hyphen, "
        "(a|b) choices, !(a|b) at either end to skip a match next to those words.",
        **options,
    )


def _codes(what: str, **options: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=20,
        help_text=f"Codes of the {what} the suggestion draws on (see /api/v1/{what}/).",
        **options,
    )


class LanguageRuleSerializer(ApiModelSerializer[LanguageRule]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(
        source="team.public_id",
        read_only=True,
        allow_null=True,
        help_text="The team whose rule it is; null for a default that applies to every team.",
    )
    category = serializers.ChoiceField(choices=LanguageCategory.choices, read_only=True)
    phrases = serializers.ListField(child=serializers.CharField(), read_only=True)
    assumptions = serializers.ListField(child=serializers.CharField(), read_only=True)
    agreements = serializers.ListField(child=serializers.CharField(), read_only=True)
    severity = serializers.ChoiceField(choices=Severity.values, read_only=True)

    class Meta:
        model = LanguageRule
        fields = [
            "id",
            "team",
            "category",
            "phrases",
            "suggestion",
            "assumptions",
            "agreements",
            "severity",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LanguageRuleListQuery(QueryParams):
    team = serializers.UUIDField(help_text="A team you are an active member of.")


class LanguageRuleAddInput(Input):
    team = serializers.UUIDField(help_text="Your team (you lead it).")
    category = serializers.ChoiceField(choices=LanguageCategory.choices)
    phrases = _phrases()
    suggestion = serializers.CharField(max_length=2000)
    assumptions = _codes("assumptions", default=list)
    agreements = _codes("agreements", default=list)
    severity = serializers.ChoiceField(choices=Severity.values, default=Severity.CAUTION)


class LanguageRuleUpdateInput(Input):
    category = serializers.ChoiceField(choices=LanguageCategory.choices, required=False)
    phrases = _phrases(required=False)
    suggestion = serializers.CharField(max_length=2000, required=False)
    assumptions = _codes("assumptions", required=False)
    agreements = _codes("agreements", required=False)
    severity = serializers.ChoiceField(choices=Severity.values, required=False)
    is_active = serializers.BooleanField(
        required=False, help_text="false stops checking for it; true brings it back."
    )


RULE_REFUSED = OpenApiResponse(description="Only the team leader changes the team's rules.")
NO_TEAM = OpenApiResponse(description="No team with this id among your teams.")


@extend_schema(tags=["language-rules"])
class LanguageRuleViewSet(viewsets.GenericViewSet[LanguageRule]):
    """The rules of the language check: the defaults, which the administrators keep, and a
    team's own, which its leader adds, changes and deactivates. A new or changed rule applies
    to the team's text from the next check."""

    serializer_class = LanguageRuleSerializer
    permission_classes = [ActionRules]
    rules: ClassVar = {
        # The team comes in the query or body: the views answer 404 for a team one is not a
        # member of, and language_rule_add refuses (403) anyone but its leader.
        "list": can_check_text,
        "create": can_check_text,
        "retrieve": can_view_language_rule,
        "partial_update": can_change_language_rule,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "rule_id"
    pagination_class = None  # a team's rules are a few dozen rows

    def get_queryset(self) -> QuerySet[LanguageRule]:
        return language_rules_visible_to(self.request.user).select_related("team")

    def _team(self, team_id: uuid.UUID) -> Team:
        team = team_for_text_check(self.request.user, team_id)
        if team is None:
            raise NotFound("There is no team with this id among your teams.")
        return team

    @extend_schema(
        operation_id="language_rules_list",
        summary="The default rules and the team's own",
        description="The active default rules and every rule of the team (active or not).",
        parameters=[LanguageRuleListQuery],
        responses={200: LanguageRuleSerializer(many=True), 404: NO_TEAM},
    )
    def list(self, request: Request) -> Response:
        query = LanguageRuleListQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        team = self._team(query.validated_data["team"])
        rules = (
            self.get_queryset()
            .filter(Q(team__isnull=True, is_active=True) | Q(team=team))
            .order_by("team_id", "category", "id")
        )
        return Response(LanguageRuleSerializer(rules, many=True).data)

    @extend_schema(
        operation_id="language_rules_create",
        summary="Add a rule of the team's own",
        request=LanguageRuleAddInput,
        responses={
            201: LanguageRuleSerializer,
            400: OpenApiResponse(description="A phrase that does not compile, or unknown code."),
            403: RULE_REFUSED,
            404: NO_TEAM,
        },
    )
    def create(self, request: Request) -> Response:
        body = LanguageRuleAddInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        team = self._team(data.pop("team"))
        rule = services.language_rule_add(team=team, by=_person(request), **data)
        return Response(
            LanguageRuleSerializer(self.get_queryset().get(pk=rule.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(operation_id="language_rules_retrieve", summary="One rule")
    def retrieve(self, request: Request, rule_id: str) -> Response:
        return Response(LanguageRuleSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="language_rules_partial_update",
        summary="Change or deactivate a rule of the team's own",
        request=LanguageRuleUpdateInput,
        responses={
            200: LanguageRuleSerializer,
            400: OpenApiResponse(description="A phrase that does not compile, or unknown code."),
            403: RULE_REFUSED,
            404: OpenApiResponse(description="No such rule among those you can see."),
        },
    )
    def partial_update(self, request: Request, rule_id: str) -> Response:
        rule = self.get_object()
        body = LanguageRuleUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.language_rule_update(rule=rule, by=_person(request), changes=body.validated_data)
        return Response(LanguageRuleSerializer(self.get_queryset().get(pk=rule.pk)).data)
