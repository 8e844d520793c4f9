"""What the clinical record's pages share: the one way to fetch what they may see (404
otherwise), and the teams a case may be opened on. Who is asking, the page forms and htmx's
conventions are every app's: consultteam/web/."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cases.models import Case, ChainAnalysis
from cases.permissions import can_open_case
from consultteam.accounts.models import User
from consultteam.teams.models import Team
from consultteam.web.pages import member_teams


def visible_case(user: User, case_id: uuid.UUID) -> Case:
    """A case the user may see, or 404: one never learns that a case outside it exists."""
    return get_object_or_404(
        Case.objects.visible_to(user).select_related("team", "primary_therapist"),
        public_id=case_id,
    )


def visible_chain(user: User, chain_id: uuid.UUID) -> ChainAnalysis:
    return get_object_or_404(
        ChainAnalysis.objects.visible_to(user).select_related("team", "case", "author"),
        public_id=chain_id,
    )


def teams_to_open_cases(user: User) -> QuerySet[Team]:
    """The user's teams where `can_open_case` lets them open a case (one rule, asked per team)."""
    allowed = [team.pk for team in member_teams(user) if can_open_case(user, team)]
    return Team.objects.filter(pk__in=allowed)
