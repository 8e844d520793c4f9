from django.contrib import admin
from django.http import HttpRequest

from consultteam.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Browse and filter only: the trail is append-only, also for administrators."""

    list_display = ["at", "action", "actor", "object_type", "object_id", "team", "ip"]
    list_filter = ["action", "team", "object_type"]
    search_fields = ["object_id", "request_id", "actor__email"]
    date_hierarchy = "at"
    list_select_related = ["actor", "team"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
