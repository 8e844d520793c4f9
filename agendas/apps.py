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
