"""Who sees which part of a meeting: the only definition of read access for this app
(DOMAIN.md section 3).

Every active member of a team (therapist, team leader, supervisor, trainee) reads its meetings,
roles, attendance, agenda items and action items; nobody else sees anything of them, not even
administrators (they manage teams, not meetings). Observer flags are read only as team counts.
Built from subqueries of `consultteam.access.team_ids_subquery`, so rows never duplicate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from consultteam import access

if TYPE_CHECKING:
    from agendas.models import (  # noqa: F401 (quoted generics)
        ActionItem,
        AgendaItem,
        Meeting,
        ObserverFlag,
    )
    from consultteam.access import AnyUser
    from consultteam.accounts.models import User

M = TypeVar("M", bound=models.Model)


def _visible_meeting_ids(user: User) -> models.QuerySet[Any, Any]:
    from agendas.models import Meeting

    return Meeting.objects.filter(team_id__in=access.team_ids_subquery(user)).values("pk")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return self.filter(team_id__in=access.team_ids_subquery(user))


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
