"""The audit trail in the API: read-only, filtered like the page, newest first."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from consultteam.access import ActionRules
from consultteam.audit.filters import AuditFilter, cleaned_filters, filter_events
from consultteam.audit.models import AuditEvent
from consultteam.audit.permissions import can_view_audit_trail
from consultteam.audit.serializers import AuditEventSerializer
from consultteam.pagination import NewestFirstInTime
from consultteam.reads import only_shown


@extend_schema(parameters=[AuditFilter])
class AuditEventList(generics.ListAPIView[AuditEvent]):
    serializer_class = AuditEventSerializer
    pagination_class = NewestFirstInTime
    permission_classes = [ActionRules]
    rules: ClassVar = {"get": can_view_audit_trail}

    def get_queryset(self) -> QuerySet[AuditEvent]:
        params = cleaned_filters(self.request.query_params.dict())
        events = AuditEvent.objects.visible_to(self.request.user)
        return only_shown(
            filter_events(events, params).select_related("actor", "team"),
            "actor__public_id",
            "actor__display_name",
            "team__public_id",
        )
