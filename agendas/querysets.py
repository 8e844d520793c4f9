"""Who sees which part of a meeting: the only definition of read access for this app
(DOMAIN.md section 3).

Every active member of a team (therapist, team leader, supervisor, trainee) reads its meetings,
roles, attendance, agenda items and action items; nobody else sees anything of them, not even
administrators (they manage teams, not meetings). Observer flags are read only as team counts.
Built from compiled reads (consultteam/compiled.py) of the person's teams and meetings, used as
subqueries, so rows never duplicate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL

from consultteam import access
from consultteam.compiled import PERSON, compiled_read

if TYPE_CHECKING:
    from agendas.models import (  # noqa: F401 (quoted generics)
        ActionItem,
        AgendaItem,
        Meeting,
        ObserverFlag,
    )
    from consultteam.access import AnyUser

M = TypeVar("M", bound=models.Model)


def meeting_scope(person: int, *, compiled: bool = True) -> Q:
    """Who reads a meeting: every active member of its team, by team on the meeting's own
    column (the membership read compiled, or its ORM definition for a compiled read's
    builder)."""
    teams = access.member_team_ids.subquery(compiled=compiled, person=person, roles=None)
    return Q(team_id__in=teams)


@compiled_read(PERSON)
def visible_meeting_ids(*, person: int) -> models.QuerySet[Any, Any]:
    """The meetings of the teams the person is an active member of."""
    from agendas.models import Meeting

    return Meeting.objects.filter(meeting_scope(person, compiled=False)).values("pk")


def _visible_meeting_ids(user: AnyUser) -> RawSQL:
    return visible_meeting_ids(person=user.pk)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        """Every active member of the team reads its meetings; by team, on its own index."""
        if not access.is_active_person(user):
            return self.none()
        return self.filter(meeting_scope(user.pk))


class MeetingPartQuerySet(models.QuerySet[M]):
    """Rows that belong to a meeting (roles, attendance): visible with their meeting."""

    def visible_to(self, user: AnyUser) -> MeetingPartQuerySet[M]:
        if not access.is_active_person(user):
            return self.none()
        return self.filter(meeting_id__in=_visible_meeting_ids(user))


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def visible_to(self, user: AnyUser) -> AgendaItemQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return self.filter(meeting_id__in=_visible_meeting_ids(user))


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def visible_to(self, user: AnyUser) -> ActionItemQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return self.filter(meeting_id__in=_visible_meeting_ids(user))


class ObserverFlagQuerySet(models.QuerySet["ObserverFlag"]):
    def visible_to(self, user: AnyUser) -> ObserverFlagQuerySet:
        """Flags of the user's teams, for counting only: no view lists them one by one."""
        if not access.is_active_person(user):
            return self.none()
        return self.filter(meeting_id__in=_visible_meeting_ids(user))
