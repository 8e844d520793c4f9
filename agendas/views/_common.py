"""What the meeting's pages share: who is asking, the one way to fetch what they may see (404
otherwise), and the people a form may name."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from agendas.models import ActionItem, AgendaItem, Meeting, ObserverFlag
from consultteam.accounts.models import User
from consultteam.teams.models import Membership
from consultteam.web import person

__all__ = [
    "back_to",
    "choose_prompt",
    "members_of",
    "person",
    "visible_item",
    "visible_meeting",
    "visible_part",
]

Part = TypeVar("Part", ActionItem, ObserverFlag)
AnyForm = TypeVar("AnyForm", bound=forms.Form)

# What Django shows in a required choice of a model before anything is chosen.
DJANGO_BLANK = "---------"


def visible_meeting(user: User, meeting_id: uuid.UUID) -> Meeting:
    """A meeting of one of the user's teams, or 404: a meeting of another team does not exist
    for them."""
    return get_object_or_404(
        Meeting.objects.visible_to(user).select_related("team", "agreement"),
        public_id=meeting_id,
    )


def visible_item(user: User, item_id: uuid.UUID) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.visible_to(user).select_related("meeting__team", "case"),
        public_id=item_id,
    )


def visible_part(user: User, model: type[Part], public_id: uuid.UUID) -> Part:
    """An action item or a flag of a meeting the user may see (404 otherwise), with the
    meeting a page about it renders."""
    found: Part = get_object_or_404(
        model.objects.visible_to(user).select_related("meeting__team", "meeting__agreement"),
        public_id=public_id,
    )
    return found


def members_of(meeting: Meeting) -> QuerySet[User]:
    """The team's current members, by name: whom a role, an action or a notice may name."""
    ids = Membership.objects.current().filter(team_id=meeting.team_id).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "pk")


def back_to(route: str, meeting: Meeting, anchor: str = "") -> HttpResponse:
    """Redirect to one of the meeting's pages (``route``), at ``anchor`` if given: where a
    change made from that page shows."""
    url = reverse(route, kwargs={"meeting_id": meeting.public_id})
    return redirect(f"{url}#{anchor}" if anchor else url)


def choose_prompt(form: AnyForm) -> AnyForm:
    """Show "Choose…" where Django would show "---------" in a required choice of a person (an
    action's owner, whom a role goes to, whose attendance): the prompt the chain editor uses.
    Choices with a blank of their own ("Me", "No case") keep it. Changes only the form."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.empty_label == DJANGO_BLANK:
            field.empty_label = "Choose…"
    return form
