from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "consultteam.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from consultteam.audit import signals  # noqa: F401  (connects the receivers)
