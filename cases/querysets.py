"""Who sees which part of the clinical record: the only definition of read access for cases,
TIB entries and chain analyses (DOMAIN.md section 3).

- A case: every active member of its team; co-therapists by per-object grant.
- A client's TIB entries and chain analyses: the case's primary therapist and co-therapists,
  the author, the team leader and supervisors; other teammates once it is shared with the team
  (a TIB entry brought to team, a chain analysis ready for team or later).
- A therapist's own TIB or self-chain: the author, the team leader and supervisors; teammates
  once the author brings it to team. The team's own TIBs: every member.
- Outside reviewers of one chain analysis: by per-object grant.
Administrators (staff) see no clinical record here; they manage cases in the admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from consultteam import access

if TYPE_CHECKING:
    from cases.models import (  # noqa: F401 (quoted generics)
        Case,
        ChainAnalysis,
        EmergencyAccess,
        Feedback,
        ReviewRequest,
        TIBEntry,
    )
    from consultteam.access import AnyUser
    from consultteam.accounts.models import User

CASE_GRANTS = ("view_case", "co_treat_case")


def _case_grant_parts(person_id: int) -> list[models.QuerySet[Any, Any]]:
    """Cases granted to the person one by one: directly, through a group, or by an unexpired
    emergency (break-glass) access, which reads like a co-therapist's grant until it expires
    (then 404 again). Expiry is compared with the database's clock, so the compiled text
    holds no time of its own."""
    from cases.models import CaseGroupObjectPermission, CaseUserObjectPermission, EmergencyAccess

    return [
        *access.grant_parts(
            person_id, CaseUserObjectPermission, CaseGroupObjectPermission, CASE_GRANTS
        ),
        EmergencyAccess.objects.filter(user_id=person_id, expires_at__gt=Now()).values("case_id"),
    ]


@access.compiled_once
def _granted_case_ids(person_id: int) -> models.QuerySet[Any, Any]:
    return access.union_of(*_case_grant_parts(person_id))


@access.compiled_once
def _reached_case_ids(person_id: int) -> models.QuerySet[Any, Any]:
    """The cases granted to the person, and those where they are the primary therapist in a
    team they are still on: every case whose record reaches them through the case."""
    from cases.models import Case

    own = Case.objects.filter(
        primary_therapist_id=person_id,
        team_id__in=access.member_team_ids.queryset(person_id, None),  # type: ignore[attr-defined]
    ).values("pk")
    return access.union_of(own, *_case_grant_parts(person_id))


def _record_scope(person_id: int, *, shared: Q) -> Q:
    """Rows of the clinical record (TIB entries, chain analyses) that the person may read."""
    from consultteam.teams.models import Role

    overseer_of = access.member_team_ids(person_id, (Role.TEAM_LEADER, Role.SUPERVISOR))
    return (
        Q(team_id__in=overseer_of)
        | (
            Q(team_id__in=access.member_team_ids(person_id, None))
            & (Q(author_id=person_id) | shared)
        )
        | Q(case_id__in=_reached_case_ids(person_id))
    )


@access.compiled_rule
def _case_rule(person_id: int) -> Q:
    return Q(team_id__in=access.member_team_ids(person_id, None)) | Q(
        pk__in=_granted_case_ids(person_id)
    )


@access.compiled_rule
def _tib_rule(person_id: int) -> Q:
    from cases.choices import Actor

    return _record_scope(person_id, shared=Q(shared_with_team=True) | Q(actor=Actor.TEAM))


@access.compiled_rule
def _chain_rule(person_id: int) -> Q:
    from cases.choices import SHARED_CHAIN_STATUSES
    from cases.models import ChainAnalysisGroupObjectPermission, ChainAnalysisUserObjectPermission

    reviewed = access.granted_ids(
        person_id,
        ChainAnalysisUserObjectPermission,
        ChainAnalysisGroupObjectPermission,
        "view_chainanalysis",
    )
    return _record_scope(person_id, shared=Q(status__in=SHARED_CHAIN_STATUSES)) | Q(pk__in=reviewed)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return _case_rule(self, user.pk)


class TIBEntryQuerySet(models.QuerySet["TIBEntry"]):
    def visible_to(self, user: AnyUser) -> TIBEntryQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return _tib_rule(self, user.pk)


class ChainAnalysisQuerySet(models.QuerySet["ChainAnalysis"]):
    def visible_to(self, user: AnyUser) -> ChainAnalysisQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return _chain_rule(self, user.pk)


def _addressed_to(user: User) -> Q:
    """Feedback or reviews whose item ``user`` wrote or whose case ``user`` treats (primary
    or co-therapist), among the items ``user`` can still read. Subqueries, never joins."""
    from cases.models import (
        Case,
        CaseGroupObjectPermission,
        CaseUserObjectPermission,
        ChainAnalysis,
        TIBEntry,
    )

    co_treats = access.granted_ids(
        user.pk, CaseUserObjectPermission, CaseGroupObjectPermission, "co_treat_case"
    )
    treats = (
        Q(author_id=user.pk)
        | Q(case_id__in=Case.objects.filter(primary_therapist_id=user.pk).values("pk"))
        | Q(case_id__in=co_treats)
    )
    return Q(
        chain_analysis_id__in=ChainAnalysis.objects.visible_to(user).filter(treats).values("pk")
    ) | Q(tib_entry_id__in=TIBEntry.objects.visible_to(user).filter(treats).values("pk"))


def _readable_items(user: User) -> Q:
    from cases.models import ChainAnalysis, TIBEntry

    return Q(chain_analysis_id__in=ChainAnalysis.objects.visible_to(user).values("pk")) | Q(
        tib_entry_id__in=TIBEntry.objects.visible_to(user).values("pk")
    )


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def visible_to(self, user: AnyUser) -> FeedbackQuerySet:
        """Feedback is read by its author (while they can still read the item), by those it
        is addressed to (the item's author and the case's therapists), and by the team leader
        (DOMAIN.md section 3). A supervisor reads the feedback they wrote, not other
        supervisors'; other teammates do not read feedback given to a colleague, even on an
        item shared with the team."""
        from consultteam.teams.models import Role

        if not access.is_active_person(user):
            return self.none()
        leader_of = access.team_ids_subquery(user, roles=[Role.TEAM_LEADER])
        return self.filter(
            Q(team_id__in=leader_of)
            | (Q(author_id=user.pk) & _readable_items(user))
            | _addressed_to(user)
        )

    def addressed_to(self, user: AnyUser) -> FeedbackQuerySet:
        """Feedback on items ``user`` wrote or whose case ``user`` treats."""
        if not access.is_active_person(user):
            return self.none()
        return self.filter(_addressed_to(user))


class ReviewRequestQuerySet(models.QuerySet["ReviewRequest"]):
    def visible_to(self, user: AnyUser) -> ReviewRequestQuerySet:
        """A review is read by the one who asked for it and the one asked to give it (while
        they can read the item), by those the item is addressed to, and by the team leader and
        the supervisors of the team."""
        from consultteam.teams.models import Role

        if not access.is_active_person(user):
            return self.none()
        overseer_of = access.team_ids_subquery(user, roles=[Role.TEAM_LEADER, Role.SUPERVISOR])
        return self.filter(
            Q(team_id__in=overseer_of)
            | ((Q(requested_by_id=user.pk) | Q(reviewer_id=user.pk)) & _readable_items(user))
            | _addressed_to(user)
        )


class EmergencyAccessQuerySet(models.QuerySet["EmergencyAccess"]):
    def active(self) -> EmergencyAccessQuerySet:
        from django.utils import timezone

        return self.filter(expires_at__gt=timezone.now())

    def to_review_by(self, user: AnyUser) -> EmergencyAccessQuerySet:
        """Emergency accesses ``user`` oversees: staff all of them, a team leader those on
        their teams' cases. Others none (their answer is 404)."""
        from cases.models import Case
        from consultteam.teams.models import Role

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self.all()
        leader_of = access.team_ids_subquery(user, roles=[Role.TEAM_LEADER])
        return self.filter(case_id__in=Case.objects.filter(team_id__in=leader_of).values("pk"))
