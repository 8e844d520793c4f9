"""The signed-in person's reminder preferences and notifications."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consultteam.access import ActionRules
from reminders import services
from reminders.models import Reminder
from reminders.permissions import can_manage_own_reminders, can_mark_read
from reminders.serializers import (
    NotificationSerializer,
    PreferenceInputSerializer,
    PreferenceSerializer,
)


class PreferenceView(APIView):
    """Every kind of reminder with one's choice (defaults where none was made); POST changes
    one kind."""

    permission_classes = [ActionRules]
    rules: ClassVar = {"get": can_manage_own_reminders, "post": can_manage_own_reminders}

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        prefs = services.preferences_of(request.user)
        return Response(PreferenceSerializer(prefs, many=True).data)

    @extend_schema(request=PreferenceInputSerializer, responses=PreferenceSerializer)
    def post(self, request: Request) -> Response:
        data = PreferenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pref = services.preference_set(user=request.user, **data.validated_data)
        return Response(PreferenceSerializer(pref).data)


class LatestSentFirst(CursorPagination):
    ordering = ("-sent_at", "-id")
    page_size = 50


class NotificationList(generics.ListAPIView[Reminder]):
    """One's own reminders that have been sent, newest first."""

    serializer_class = NotificationSerializer
    pagination_class = LatestSentFirst
    permission_classes = [ActionRules]
    rules: ClassVar = {"get": can_manage_own_reminders}

    def get_queryset(self) -> QuerySet[Reminder]:
        return Reminder.objects.for_recipient(self.request.user).select_related(
            "recipient", "meeting__team"
        )


class NotificationRead(APIView):
    """Mark one of one's notifications read (another person's answers 404)."""

    permission_classes = [ActionRules]
    rules: ClassVar = {"post": can_mark_read}
    detail = True  # the rule is decided on the notification itself

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, notification_id: str) -> Response:
        reminder = get_object_or_404(
            Reminder.objects.for_recipient(request.user).select_related(
                "recipient", "meeting__team"
            ),
            public_id=notification_id,
        )
        self.check_object_permissions(request, reminder)
        services.notification_mark_read(reminder=reminder, by=request.user)
        return Response(NotificationSerializer(reminder).data)
