"""`POST /api/v1/text-checks/`: text in, flags out. Stores nothing, audits nothing (the text
is the caller's own and is never kept), and answers 400 with a message for a text it refuses.

`/api/v1/text-flags/`: the flags remembered on saved records, for those who may see the record,
and keeping or dismissing one, for those who may change it."""

from __future__ import annotations

import uuid
from typing import ClassVar

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consultteam.access import ActionRules
from consultteam.accounts.models import User
from consultteam.textcheck import services
from consultteam.textcheck.permissions import (
    can_check_text,
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


class TextCheckView(APIView):
    permission_classes = [ActionRules]
    rules: ClassVar = {"post": can_check_text}

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
