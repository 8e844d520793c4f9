"""Administrators see a team's meeting settings and the calendar of its meetings, never the
agenda, the minutes or the observer's flags (clinical or personal material)."""

from django.contrib import admin
from django.http import HttpRequest

from agendas.models import Meeting, TeamMeetingSettings


@admin.register(TeamMeetingSettings)
class TeamMeetingSettingsAdmin(admin.ModelAdmin[TeamMeetingSettings]):
    list_display = ["team", "location_kind"]
    list_select_related = ["team"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ["team", "starts_at", "minutes", "status"]
    list_filter = ["team", "status"]
    list_select_related = ["team"]
    fields = ["team", "slot", "starts_at", "minutes", "status", "location_kind", "join_link"]

    # Read only: planning, moving and cancelling go through the services (and their rules).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False
