from django.apps import AppConfig


class TextCheckConfig(AppConfig):
    name = "consultteam.textcheck"
    label = "textcheck"
    verbose_name = "Language and identifier checks"

    def ready(self) -> None:
        from consultteam.textcheck import signals  # noqa: F401  (connects the receivers)
