from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from cases.models import ChainAnalysis, TIBEntry
    from consultteam.access import AnyUser
    from consultteam.textcheck.registry import ObjectRule


def _visible_tib(user: AnyUser, object_id: uuid.UUID) -> TIBEntry | None:
    from cases.models import TIBEntry

    entries = TIBEntry.objects.visible_to(user).select_related("case", "team")
    return entries.filter(public_id=object_id).first()


def _visible_chain_of(user: AnyUser, model: Any, object_id: uuid.UUID) -> ChainAnalysis | None:
    """The analysis a record (the analysis itself, a link, a consequence) belongs to, if the
    user may see it."""
    from cases.models import ChainAnalysis

    chains = ChainAnalysis.objects.visible_to(user).select_related("case", "team")
    if model is ChainAnalysis:
        return chains.filter(public_id=object_id).first()
    owner = model.objects.filter(public_id=object_id).values("chain_id")
    return chains.filter(pk__in=owner).first()


def _register_text_flag_rules() -> None:
    """Who may read the text flags of a record (whoever may see it) and keep or dismiss them
    (whoever may change it): the text checks ask, since they cannot import this app."""
    from cases import models as m
    from cases.permissions import can_change_chain, can_change_tib
    from consultteam.textcheck.registry import register

    register(
        "cases.tibentry",
        can_view=lambda user, oid: _visible_tib(user, oid) is not None,
        can_change=lambda user, oid: can_change_tib(user, _visible_tib(user, oid)),
    )

    def rules_for(model: Any) -> tuple[ObjectRule, ObjectRule]:
        def can_view(user: AnyUser, oid: uuid.UUID) -> bool:
            return _visible_chain_of(user, model, oid) is not None

        def can_change(user: AnyUser, oid: uuid.UUID) -> bool:
            return can_change_chain(user, _visible_chain_of(user, model, oid))

        return can_view, can_change

    for model in (m.ChainAnalysis, m.ChainLink, m.ChainConsequence):
        can_view, can_change = rules_for(model)
        register(model._meta.label_lower, can_view=can_view, can_change=can_change)


def _register_citations() -> None:
    """What cites an assumption or an agreement, for its reference page: the reference data
    asks, since it cannot import this app."""
    from cases.selectors import cited_by
    from consultteam.reference.citations import register

    register(cited_by)


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
        audited(m.EmergencyAccess, team_of=lambda emergency: emergency.case.team_id)
        for grant_model, team_of in (
            (m.CaseUserObjectPermission, lambda grant: grant.content_object.team_id),
            (m.CaseGroupObjectPermission, lambda grant: grant.content_object.team_id),
            (m.ChainAnalysisUserObjectPermission, lambda grant: grant.content_object.team_id),
            (m.ChainAnalysisGroupObjectPermission, lambda grant: grant.content_object.team_id),
        ):
            audited(grant_model, team_of=team_of, on_create=Action.GRANT, on_delete=Action.REVOKE)
        _register_text_flag_rules()
        _register_citations()
        # Feedback and reviews: audited like the rest; the flags on feedback are read by
        # whoever reads the feedback and kept or dismissed by its author.
        audited(m.Feedback, team_of=lambda feedback: feedback.team_id)
        audited(m.ReviewRequest, team_of=lambda review: review.team_id)
        from consultteam.textcheck.registry import register

        register(
            "cases.feedback",
            can_view=lambda user, oid: (
                m.Feedback.objects.visible_to(user).filter(public_id=oid).exists()
            ),
            can_change=lambda user, oid: (
                m.Feedback.objects.visible_to(user)
                .filter(public_id=oid, author_id=user.pk)
                .exists()
            ),
        )
