"""The grants world the tests of compiled reads share (the `grants` fixture; import it into a
test module to use it): on top of the cast's clinical record, every kind of per-object access.

- Olga's group (Outside reviewers) reads Tara's case; Olga alone reads Tara's draft analysis
  and her group Tara's self-chain (outside reviewers); Alpha is granted to Olga as a team.
- Theo co-treats Olga's case by a grant of his own; Lena through a group (Cover).
- Sam has an unexpired emergency access to Olga's case, Lena an expired one.
- Feedback from Sam and Lena on Tara's analysis ready for team, a review asked of Sam; a
  meeting of Alpha with an item and an action item; Theo signed in once.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

FEEDBACK = {
    "validation": "Leaving the room when fear rose so fast makes sense: it brought relief.",
    "suggestion": "Rehearse one skill for the first minute of fear before the next group.",
}


def emergency(case, user, *, hours: float):
    """An emergency access of ``user`` to ``case`` that expires ``hours`` from now (written
    directly: the service opens only unexpired ones, and only for overseers)."""
    from cases.models import EmergencyAccess

    now = timezone.now()
    return EmergencyAccess.objects.create(
        case=case,
        user=user,
        reason="Out-of-hours crisis call; the primary therapist cannot be reached.",
        opened_at=now - dt.timedelta(hours=8),
        expires_at=now + dt.timedelta(hours=hours),
    )


@pytest.fixture
def grants(world: SimpleNamespace) -> SimpleNamespace:
    from guardian.shortcuts import assign_perm

    from agendas import services as meeting_services
    from agendas.models import ActionItem, Meeting
    from cases import services as clinical
    from consultteam.accounts.models import UserSession
    from consultteam.teams.services import team_access_grant

    reviewers = Group.objects.create(name="Outside reviewers")
    world.olga.groups.add(reviewers)
    assign_perm("cases.view_case", reviewers, world.tara_case)
    assign_perm("cases.view_chainanalysis", world.olga, world.tara_chain_draft)
    assign_perm("cases.view_chainanalysis", reviewers, world.tara_self_chain)
    assign_perm("cases.co_treat_case", world.theo, world.olga_case)
    cover = Group.objects.create(name="Cover")
    world.lena.groups.add(cover)
    assign_perm("cases.co_treat_case", cover, world.olga_case)
    team_access_grant(team=world.alpha, grantee=world.olga, by=world.lena)
    emergency(world.olga_case, world.sam, hours=4)
    emergency(world.olga_case, world.lena, hours=-1)
    clinical.feedback_give(by=world.sam, item=world.tara_chain_ready, **FEEDBACK)
    clinical.feedback_give(by=world.lena, item=world.tara_tib_shared, **FEEDBACK)
    clinical.review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.sam)
    meeting_services.meetings_plan(team=world.alpha, by=world.lena, weeks=1)
    meeting = Meeting.objects.filter(team=world.alpha).order_by("starts_at").first()
    assert meeting is not None
    meeting_services.agenda_item_submit(meeting=meeting, by=world.tara, title="Group dropout")
    ActionItem.objects.create(meeting=meeting, owner=world.theo, description="Call the group lead.")
    UserSession.objects.create(user=world.theo, session_key="theo-signed-in-on-the-ward-pc")
    return world
