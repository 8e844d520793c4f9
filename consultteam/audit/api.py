"""The audit trail in the API: read-only, filtered like the page, newest first."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from consultteam.access import ActionRules
from consultteam.audit.filters import AuditFilter, cleaned_filters, filter_events, period
from consultteam.audit.models import AuditEvent
from consultteam.audit.permissions import can_view_audit_trail
from consultteam.audit.serializers import AuditEventSerializer
from consultteam.audit.trail import BY_MOMENT, team_trail_page
from consultteam.pagination import NewestFirstInTime, PagedRead
from consultteam.reads import only_shown


@extend_schema(parameters=[AuditFilter])
class AuditEventList(generics.ListAPIView[AuditEvent]):
    serializer_class = AuditEventSerializer
    pagination_class = NewestFirstInTime
    permission_classes = [ActionRules]
    rules: ClassVar = {"get": can_view_audit_trail}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One team's events over a period, read by its leader: one compiled statement a page
        (consultteam/audit/trail.py); any other list through the ORM."""
        params = cleaned_filters(request.query_params.dict())
        user = request.user
        if user.is_staff or params.keys() != {"team", "since", "until"}:
            return super().list(request, *args, **kwargs)
        start, end = period(params)
        rows = PagedRead(
            team_trail_page,
            BY_MOMENT,
            orm=self.get_queryset,
            person=user.pk,
            team=params["team"],
            start=start,
            end=end,
        )
        page = self.paginate_queryset(cast(Any, rows))
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)

    def get_queryset(self) -> QuerySet[AuditEvent]:
        params = cleaned_filters(self.request.query_params.dict())
        events = AuditEvent.objects.visible_to(self.request.user)
        return only_shown(
            filter_events(events, params).select_related("actor", "team"),
            "actor__public_id",
            "actor__display_name",
            "team__public_id",
        )
