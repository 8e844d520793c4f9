from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "consultteam.accounts"
    label = "accounts"
    verbose_name = "People and sign-in"

    def ready(self) -> None:
        from consultteam.accounts import (  # noqa: F401  (schema registers itself)
            schema,
            signals,
            two_factor,
        )
        from consultteam.accounts.models import ApiToken, AuthenticatorReset, User
        from consultteam.audit.models import Action
        from consultteam.audit.signals import audited

        signals.connect()
        two_factor.connect()
        # last_login is bookkeeping of a sign-in, which is recorded as LOGIN.
        audited(User, team_of=lambda user: None, quiet_fields=frozenset({"last_login"}))
        # Issuing a token is its CREATE and revoking it (deleting the row) its REVOKE; the
        # once-a-minute `last_used_at` update is a QuerySet.update and records nothing.
        audited(ApiToken, team_of=lambda token: None, on_delete=Action.REVOKE)
        # A lost authenticator reset, on the trail of the team whose leader did it.
        audited(AuthenticatorReset, team_of=lambda reset: reset.team_id)
