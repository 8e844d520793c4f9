from django.apps import AppConfig


class TextCheckConfig(AppConfig):
    name = "consultteam.textcheck"
    label = "textcheck"
    verbose_name = "Language and identifier checks"

    def ready(self) -> None:
        from consultteam.audit.signals import audited
        from consultteam.textcheck import signals  # noqa: F401  (connects the receivers)
        from consultteam.textcheck.models import LanguageRule

        # Teams keep rules of their own: who added or changed one is on the team's trail.
        audited(LanguageRule, team_of=lambda rule: rule.team_id)
