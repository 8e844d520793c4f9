"""Meetings as iCalendar in the API: one meeting at `meetings/{id}/ics` (the exact path
calendar tools are given, hence no trailing slash), and a person's subscription address: see
whether one is live, make a new one (its address is answered once), revoke it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agendas.api.common import CalendarRenderer
from agendas.calendar import meeting_ics
from agendas.models import Meeting
from agendas.permissions import can_manage_own_calendar_feed, can_view_meeting
from agendas.services import feeds
from consultteam.access import ActionRules
from consultteam.web.api import UTCDateTimeField, person
from consultteam.web.rules import seen_through_lookup


@extend_schema(tags=["meetings"], responses={(200, "text/calendar"): OpenApiTypes.STR})
class MeetingCalendarView(generics.GenericAPIView[Meeting]):
    """One meeting as an iCalendar (RFC 5545) entry: team, time in the team's zone, place, a
    link back, a stable UID and a sequence that goes up when it moves or is cancelled. Nothing
    of the agenda. A meeting of another team is 404."""

    permission_classes = [ActionRules]
    rules: ClassVar = {"get": seen_through_lookup(can_view_meeting)}
    detail = True  # ActionRules asks the rule about the meeting, in get_object
    renderer_classes = [CalendarRenderer]
    lookup_field = "public_id"
    lookup_url_kwarg = "meeting_id"

    def get_queryset(self) -> QuerySet[Meeting]:
        return Meeting.objects.visible_to(self.request.user).select_related("team")

    def get(self, request: Request, meeting_id: str) -> Response:
        body = meeting_ics(self.get_object(), base_url=request.build_absolute_uri("/"))
        return Response(body, content_type="text/calendar; charset=utf-8")


class CalendarFeedSerializer(serializers.Serializer[dict[str, Any]]):
    live = serializers.BooleanField()
    created_at = UTCDateTimeField(allow_null=True)
    url = serializers.URLField(
        required=False, help_text="Only in the answer that made it: it is not kept."
    )


@extend_schema(tags=["meetings"])
class CalendarFeedView(APIView):
    """My secret iCalendar subscription address for my teams' meetings."""

    permission_classes = [ActionRules]
    rules: ClassVar = dict.fromkeys(("get", "post", "delete"), can_manage_own_calendar_feed)

    @extend_schema(responses={200: CalendarFeedSerializer})
    def get(self, request: Request) -> Response:
        feed = feeds.calendar_feed_live(person(request))
        body = {"live": feed is not None, "created_at": feed.created_at if feed else None}
        return Response(CalendarFeedSerializer(body).data)

    @extend_schema(request=None, responses={201: CalendarFeedSerializer})
    def post(self, request: Request) -> Response:
        """Make a new address (the previous one stops working)."""
        feed, key = feeds.calendar_feed_issue(user=person(request))
        url = request.build_absolute_uri(reverse("calendar-feed", args=[key]))
        body = {"live": True, "created_at": feed.created_at, "url": url}
        return Response(CalendarFeedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        """Revoke the address. Safe to run twice."""
        feeds.calendar_feed_revoke(user=person(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
