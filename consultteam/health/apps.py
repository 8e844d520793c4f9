from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "consultteam.health"
    label = "health"
    verbose_name = "Health"
