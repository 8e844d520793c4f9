from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "consultteam.teams"
    label = "teams"
    verbose_name = "Teams and membership"

    def ready(self) -> None:
        from consultteam.audit.models import Action
        from consultteam.audit.signals import audited
        from consultteam.teams.models import (
            Invitation,
            Membership,
            Team,
            TeamGroupObjectPermission,
            TeamUserObjectPermission,
        )

        audited(Team, team_of=lambda team: team.pk)
        audited(Membership, team_of=lambda membership: membership.team_id)
        # Sent (CREATE), resent (UPDATE of sent_at), revoked, accepted: never the token.
        audited(Invitation, team_of=lambda invitation: invitation.team_id)
        for grant_model in (TeamUserObjectPermission, TeamGroupObjectPermission):
            audited(
                grant_model,
                team_of=lambda grant: grant.content_object_id,
                on_create=Action.GRANT,
                on_delete=Action.REVOKE,
            )
