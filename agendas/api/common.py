"""What the meeting API views share: pagination, renderers, lookups, answers (those of every
app's API, such as REFUSED and `invalid`, are consultteam/web/api.py's)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import BaseRenderer

from agendas.models import ActionItem, AgendaItem, Meeting
from cases.models import ChainAnalysis, TIBEntry
from consultteam.access import AnyUser
from consultteam.accounts.models import User
from consultteam.web.api import REFUSED, invalid

LOCKED = OpenApiResponse(
    description="The meeting has started or is completed (its record is locked), or someone "
    "saved the meeting after the version you name."
)


__all__ = [
    "LOCKED",
    "REFUSED",
    "CalendarRenderer",
    "MarkdownRenderer",
    "MeetingsInTimeOrder",
    "PdfRenderer",
    "TextRenderer",
    "action_items_query",
    "agenda_items_of",
    "invalid",
    "item_of",
    "member_named",
    "visible_target",
]


class MeetingsInTimeOrder(CursorPagination):
    # Latest first; the id breaks ties between meetings at the same moment.
    ordering = ("-starts_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class TextRenderer(BaseRenderer):
    """A document that is already text (or bytes): passed through as it is."""

    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        # An error (404, 401) comes as a dict: written out as JSON text.
        return (data if isinstance(data, str) else json.dumps(data)).encode()


class MarkdownRenderer(TextRenderer):
    media_type = "text/markdown"
    format = "md"


class PdfRenderer(TextRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None  # type: ignore[assignment]  # binary: no charset on the content type


class CalendarRenderer(TextRenderer):
    media_type = "text/calendar"
    format = "ics"


def member_named(meeting: Meeting, user_id: Any, field: str) -> User:
    """A person a request names, among the current members of the meeting's team (else 400)."""
    person = User.objects.filter(
        public_id=user_id,
        is_active=True,
        memberships__team_id=meeting.team_id,
        memberships__is_active=True,
    ).first()
    if person is None:
        raise invalid(field, "There is no current member of this team with this id.")
    return person


def item_of(meeting: Meeting, item_id: Any, field: str = "agenda_item") -> AgendaItem | None:
    if item_id is None:
        return None
    item = AgendaItem.objects.filter(meeting=meeting, public_id=item_id).first()
    if item is None:
        raise invalid(field, "There is no item with this id on this meeting.")
    return item


def visible_target(
    user: AnyUser, model: type[TIBEntry | ChainAnalysis], obj_id: Any, field: str
) -> Any:
    if obj_id is None:
        return None
    found = model.objects.visible_to(user).filter(public_id=obj_id).first()
    if found is None:
        raise invalid(field, "There is nothing with this id that you can see.")
    return found


def agenda_items_of(meeting: Meeting) -> QuerySet[AgendaItem]:
    """A meeting's items with everything their rendering reads (two queries).

    Read through the meeting's own related manager, so every item gets ``meeting`` itself (with
    the team its caller fetched) instead of joining the meeting and its team again per row, and
    ordered without the meeting (all items share it), so the meeting is not joined to sort.
    The submitters are fetched by key, only those of the items shown: joined, PostgreSQL
    hashes the whole table of people to name a handful (docs/performance.md).
    """
    return (
        meeting.agenda_items.select_related(
            "case",
            "tib_entry",
            "chain_analysis",
            "carried_from__meeting__team",
        )
        .prefetch_related(Prefetch("submitter", User.objects.only("public_id", "display_name")))
        .order_by("submitted_at", "id")
    )


def action_items_query() -> QuerySet[ActionItem]:
    return ActionItem.objects.select_related(
        "meeting", "owner", "agenda_item", "due_meeting", "carried_from"
    )
