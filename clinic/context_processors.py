"""What every page's navigation needs to know about the signed-in person and the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from consultteam.audit.permissions import can_view_audit_trail
from reminders.permissions import can_operate_reminders

# The main navigation, in order: (label, route name). The audit trail and reminder delivery
# are added for those who may use them.
SECTIONS = [
    ("Home", "home"),
    ("Caseload", "caseload"),
    ("Meetings", "meeting-list"),
    ("Feedback", "my-feedback"),
    ("Reviews", "review-queue"),
    ("Teams", "team-list"),
    ("Agreements & assumptions", "reference-index"),
]
AUDIT = ("Audit trail", "audit-list")
REMINDERS = ("Reminder delivery", "reminder-operations")


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: str  # the aria-current value: "page" on the page itself, "true" below it, or ""


def nav_links(path: str, sections: list[tuple[str, str]]) -> list[NavLink]:
    """The navigation with the section ``path`` belongs to marked: the link whose address is
    the longest start of the path (a chain analysis under /cases/ is in Caseload; the review
    queue at /cases/reviews/ is in Reviews). Home marks only the home page itself."""
    urls = [(label, reverse(name)) for label, name in sections]
    within = [url for _, url in urls if url != "/" and path.startswith(url)] or (
        ["/"] if path == "/" else []
    )
    best = max(within, key=len, default=None)
    return [
        NavLink(label, url, ("page" if path == url else "true") if url == best else "")
        for label, url in urls
    ]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    can_audit = can_view_audit_trail(user)
    can_remind = can_operate_reminders(user)
    sections = [*SECTIONS, *([AUDIT] if can_audit else []), *([REMINDERS] if can_remind else [])]
    return {
        "nav_can_view_audit": can_audit,
        "nav_can_operate_reminders": can_remind,
        "nav_links": nav_links(request.path, sections),
    }
