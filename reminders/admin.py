"""Reminders in the admin: read-only rows, with the same retry as the operators' page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from consultteam.errors import Conflict
from consultteam.plural import counted
from reminders import services
from reminders.models import Reminder, ReminderPreference


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin[Reminder]):
    list_display = [
        "kind",
        "recipient",
        "channel",
        "status",
        "send_at",
        "sent_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["recipient__email", "key"]
    ordering = ["-send_at"]
    actions = ["retry"]
    readonly_fields = [field.name for field in Reminder._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Retry the selected failed reminders")
    def retry(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        done = 0
        for reminder in queryset:
            try:
                services.reminder_retry(reminder=reminder, by=request.user)
                done += 1
            except Conflict:
                continue
        self.message_user(
            request, f"{counted(done, 'failed reminder')} queued again.", messages.SUCCESS
        )


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin[ReminderPreference]):
    list_display = ["user", "kind", "enabled", "lead_minutes", "channel"]
    list_filter = ["kind", "enabled"]
