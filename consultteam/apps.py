from django.apps import AppConfig


class ConsultTeamConfig(AppConfig):
    """The project package as an app: project-wide commands, templates and shared core."""

    name = "consultteam"
    verbose_name = "ConsultTeam"
