"""Shapes of reminders in the API: shape only, the services validate."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from consultteam.web.api import ApiModelSerializer
from reminders.choices import MAX_LEAD_MINUTES, Channel
from reminders.messages import wording_of
from reminders.models import Reminder, ReminderPreference


class PreferenceSerializer(ApiModelSerializer[ReminderPreference]):
    class Meta:
        model = ReminderPreference
        fields = ["kind", "enabled", "lead_minutes", "channel"]


class PreferenceInputSerializer(serializers.Serializer[dict[str, Any]]):
    # `kind` is a plain string here so that an unknown kind reaches the service, which names
    # the known ones in its 400.
    kind = serializers.CharField(max_length=40)
    enabled = serializers.BooleanField(required=False)
    lead_minutes = serializers.IntegerField(
        required=False, help_text=f"From 0 to {MAX_LEAD_MINUTES} (14 days)."
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)


class NotificationSerializer(ApiModelSerializer[Reminder]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    subject = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    link = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = ["id", "kind", "sent_at", "read_at", "subject", "body", "link"]

    def get_subject(self, reminder: Reminder) -> str:
        return wording_of(reminder).subject

    def get_body(self, reminder: Reminder) -> str:
        return wording_of(reminder).body

    def get_link(self, reminder: Reminder) -> str:
        return wording_of(reminder).link
