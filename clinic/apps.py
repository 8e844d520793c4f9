from django.apps import AppConfig


class ClinicConfig(AppConfig):
    """The house over the apps: the pages that read several of them (my week, a team's
    patterns), the navigation and the demo data. It may import every app; none imports it."""

    name = "clinic"
    verbose_name = "The clinic"
