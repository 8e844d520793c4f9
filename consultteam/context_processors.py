"""What every page's navigation needs to know about the signed-in person."""

from __future__ import annotations

from django.http import HttpRequest

from consultteam.audit.permissions import can_view_audit_trail
from reminders.permissions import can_operate_reminders


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_can_view_audit": can_view_audit_trail(user),
        "nav_can_operate_reminders": can_operate_reminders(user),
    }
