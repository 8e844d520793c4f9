from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "consultteam.teams"
    label = "teams"
    verbose_name = "Teams and membership"
