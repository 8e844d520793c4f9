from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Clinical record"

    def ready(self) -> None:
        from cases import models as m
        from consultteam.audit.models import Action
        from consultteam.audit.signals import audited

        audited(m.Case, team_of=lambda case: case.team_id)
        audited(m.TIBEntry, team_of=lambda entry: entry.team_id)
        audited(m.ChainAnalysis, team_of=lambda chain: chain.team_id)
        audited(
            m.ChainLink,
            team_of=lambda link: link.chain.team_id,
            quiet_fields=frozenset({"position"}),
        )
        audited(m.ChainConsequence, team_of=lambda consequence: consequence.chain.team_id)
        audited(m.MissedSessions, team_of=lambda tally: tally.case.team_id)
        for grant_model, team_of in (
            (m.CaseUserObjectPermission, lambda grant: grant.content_object.team_id),
            (m.CaseGroupObjectPermission, lambda grant: grant.content_object.team_id),
            (m.ChainAnalysisUserObjectPermission, lambda grant: grant.content_object.team_id),
            (m.ChainAnalysisGroupObjectPermission, lambda grant: grant.content_object.team_id),
        ):
            audited(grant_model, team_of=team_of, on_create=Action.GRANT, on_delete=Action.REVOKE)
