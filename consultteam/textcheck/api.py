"""`POST /api/v1/text-checks/`: text in, flags out. Stores nothing, audits nothing (the text
is the caller's own and is never kept), and answers 400 with a message for a text it refuses."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consultteam.access import ActionRules
from consultteam.textcheck import services
from consultteam.textcheck.permissions import can_check_text, team_for_text_check
from consultteam.textcheck.serializers import TextCheckInput, TextCheckResult


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
