"""Read-only API for the agreements and assumptions: lists and details by code.

Rows are looked up by their code (for example ``DIALECTICAL``), which is stable and names no
one; an unknown, retired or wrongly cased code answers 404. Every view names its permission
class, and that class refuses every write.
"""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics

from consultteam.reference.models import Agreement, Assumption
from consultteam.reference.permissions import ReferenceReadOnly
from consultteam.reference.serializers import AgreementSerializer, AssumptionSerializer


class AgreementList(generics.ListAPIView[Agreement]):
    serializer_class = AgreementSerializer
    permission_classes = [ReferenceReadOnly]
    # Six rows: one page, and a response shape that does not change if a default is set.
    pagination_class = None

    def get_queryset(self) -> QuerySet[Agreement]:
        return Agreement.objects.visible_to(self.request.user)


class AgreementDetail(generics.RetrieveAPIView[Agreement]):
    serializer_class = AgreementSerializer
    permission_classes = [ReferenceReadOnly]
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Agreement]:
        return Agreement.objects.visible_to(self.request.user)


class AssumptionList(generics.ListAPIView[Assumption]):
    serializer_class = AssumptionSerializer
    permission_classes = [ReferenceReadOnly]
    # Ten rows: one page, and a response shape that does not change if a default is set.
    pagination_class = None

    def get_queryset(self) -> QuerySet[Assumption]:
        return Assumption.objects.visible_to(self.request.user)


class AssumptionDetail(generics.RetrieveAPIView[Assumption]):
    serializer_class = AssumptionSerializer
    permission_classes = [ReferenceReadOnly]
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Assumption]:
        return Assumption.objects.visible_to(self.request.user)
