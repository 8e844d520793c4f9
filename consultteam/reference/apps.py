from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "consultteam.reference"
    label = "reference"
    verbose_name = "Team agreements and DBT assumptions"

    def ready(self) -> None:
        # Edits of the shared reference texts (in the admin) are changes everyone relies on.
        from consultteam.audit.signals import audited
        from consultteam.reference.models import Agreement, Assumption

        for model in (Agreement, Assumption):
            audited(model, team_of=lambda row: None)
