from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "consultteam.reference"
    label = "reference"
    verbose_name = "Team agreements and DBT assumptions"
