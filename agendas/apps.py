import uuid
from typing import Any

from django.apps import AppConfig


class AgendasConfig(AppConfig):
    name = "agendas"
    verbose_name = "Meetings and agendas"

    def ready(self) -> None:
        from agendas import models as m
        from consultteam.audit.signals import audited

        audited(m.TeamMeetingSettings, team_of=lambda settings: settings.team_id)
        audited(m.Meeting, team_of=lambda meeting: meeting.team_id)
        for part in (m.RoleAssignment, m.Attendance, m.AgendaItem, m.ActionItem, m.ObserverFlag):
            audited(part, team_of=lambda row: row.meeting.team_id)
        audited(m.CalendarFeed, team_of=lambda feed: None)
        _register_text_flag_rules()


def _register_text_flag_rules() -> None:
    """Who may read the text flags of an agenda item or of a meeting's minutes (whoever may see
    it) and keep or dismiss them (whoever may change it): the text checks ask, since they
    cannot import this app."""
    from agendas.models import AgendaItem, Meeting
    from agendas.permissions import can_change_agenda_item, can_write_minutes
    from consultteam.textcheck.registry import register

    def visible(user: Any, object_id: uuid.UUID) -> AgendaItem | None:
        return AgendaItem.objects.visible_to(user).filter(public_id=object_id).first()

    register(
        "agendas.agendaitem",
        can_view=lambda user, oid: visible(user, oid) is not None,
        can_change=lambda user, oid: (
            (item := visible(user, oid)) is not None and can_change_agenda_item(user, item)
        ),
    )

    def meeting(user: Any, object_id: uuid.UUID) -> Meeting | None:
        return Meeting.objects.visible_to(user).filter(public_id=object_id).first()

    register(
        "agendas.meeting",
        can_view=lambda user, oid: meeting(user, oid) is not None,
        can_change=lambda user, oid: (
            (found := meeting(user, oid)) is not None and can_write_minutes(user, found)
        ),
    )
