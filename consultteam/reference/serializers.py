"""The shape of reference data in the API. Shape only: who may read is decided in
permissions.py and querysets.py, and nothing is ever written through these."""

from __future__ import annotations

from rest_framework import serializers

from consultteam.reference.models import Agreement, Assumption
from consultteam.web.api import ApiModelSerializer


class AgreementSerializer(ApiModelSerializer[Agreement]):
    class Meta:
        model = Agreement
        fields = ["public_id", "code", "name", "description", "position"]
        read_only_fields = fields


class AssumptionSerializer(ApiModelSerializer[Assumption]):
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Assumption
        fields = [
            "public_id",
            "code",
            "statement",
            "source",
            "source_display",
            "restated_in_2015_skills",
            "intent",
            "guards_against",
            "reframe_example",
            "position",
        ]
        read_only_fields = fields
