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
from consultteam.compiled import PERSON, compiled_read
from consultteam.teams.models import LEADER_ROLES, OVERSEER_ROLES, Role

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

CASE_GRANTS = ("view_case", "co_treat_case")
# A co-therapist of a case holds this grant on it, directly or through a group: the one
# definition (`co_treated_case_ids`, `co_therapist_ids`) reads and writes both use.
CO_THERAPIST_GRANT = "co_treat_case"
# The column naming a case's team (`access.grant_parts`).
CASE_TEAM = "team_id"


def co_treated_case_ids(person: int) -> models.QuerySet[Any, Any]:
    """Ids of the cases on which the person is a co-therapist (an ORM definition)."""
    from cases.models import CaseGroupObjectPermission, CaseUserObjectPermission

    return access.granted(
        person,
        CaseUserObjectPermission,
        CaseGroupObjectPermission,
        [CO_THERAPIST_GRANT],
        team_of_object=CASE_TEAM,
    )


def co_therapist_ids(case_id: int) -> list[int]:
    """Ids of the people who are co-therapists of the case: of those granted it (directly or
    through a group), the ones `co_treated_case_ids` counts, so the rule that a grant ends
    with its holder's membership is written once. One query for the people granted it, and
    one for each of them (a case has one or two)."""
    from django.contrib.auth.models import Group

    from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
    from consultteam.accounts.models import User

    directly = CaseUserObjectPermission.objects.filter(
        content_object_id=case_id, permission__codename=CO_THERAPIST_GRANT
    ).values("user_id")
    groups = CaseGroupObjectPermission.objects.filter(
        content_object_id=case_id, permission__codename=CO_THERAPIST_GRANT
    ).values("group_id")
    via_groups = User.objects.filter(
        groups__in=Group.objects.filter(pk__in=groups).values("pk")
    ).values("pk")
    granted = User.objects.filter(pk__in=access.union_of(directly, via_groups))
    return [
        person
        for person in granted.order_by("pk").values_list("pk", flat=True)
        if Case.objects.filter(pk=case_id, pk__in=co_treated_case_ids(person)).exists()
    ]


def _case_grant_parts(person: int) -> list[models.QuerySet[Any, Any]]:
    """Cases granted to the person one by one: directly, through a group, or by an unexpired
    emergency (break-glass) access, which reads like a co-therapist's grant until it expires
    (then 404 again). Expiry is compared with the database's clock, so the compiled text
    holds no time of its own."""
    from cases.models import CaseGroupObjectPermission, CaseUserObjectPermission, EmergencyAccess

    return [
        *access.grant_parts(
            person,
            CaseUserObjectPermission,
            CaseGroupObjectPermission,
            CASE_GRANTS,
            team_of_object=CASE_TEAM,
        ),
        EmergencyAccess.objects.filter(user_id=person, expires_at__gt=Now()).values("case_id"),
    ]


@compiled_read(PERSON)
def granted_case_ids(*, person: int) -> models.QuerySet[Any, Any]:
    """Cases granted to the person one by one (see `_case_grant_parts`)."""
    return access.union_of(*_case_grant_parts(person))


def _reached_case_ids(person: int) -> models.QuerySet[Any, Any]:
    """The cases granted to the person, and those where they are the primary therapist in a
    team they are still on: every case whose record reaches them through the case."""
    from cases.models import Case

    own = Case.objects.filter(primary_therapist_id=person, team_id__in=_teams(person, None))
    return access.union_of(own.values("pk"), *_case_grant_parts(person))


def _teams(person: int, roles: tuple[Role, ...] | None, *, compiled: bool = False) -> Any:
    return access.member_team_ids.subquery(compiled=compiled, person=person, roles=roles)


def case_scope(person: int, *, compiled: bool = True) -> Q:
    """Who reads a case: every active member of its team, and those granted it one by one.
    Made of compiled reads (``compiled``; the tests pass False to hold it to the reads' ORM
    definitions).

    Two subqueries on the case's own columns, not one `pk IN (every visible case)` as for the
    record below: with that one, PostgreSQL read a caseload by scanning the whole case table
    (EXPLAIN ANALYZE on the bench seed); with these it stays on the index of the caseload's
    own filter and checks each case against two hashed sets."""
    granted = granted_case_ids.subquery(compiled=compiled, person=person)
    return Q(team_id__in=_teams(person, None, compiled=compiled)) | Q(pk__in=granted)


@compiled_read(PERSON)
def reached_case_ids(*, person: int) -> models.QuerySet[Any, Any]:
    """The cases whose record reaches the person (see `_reached_case_ids`)."""
    return _reached_case_ids(person)


@compiled_read(PERSON)
def reviewed_chain_ids(*, person: int) -> models.QuerySet[Any, Any]:
    """The chain analyses an outside reviewer is granted one by one."""
    from cases.models import ChainAnalysisGroupObjectPermission, ChainAnalysisUserObjectPermission

    return access.granted(
        person,
        ChainAnalysisUserObjectPermission,
        ChainAnalysisGroupObjectPermission,
        ["view_chainanalysis"],
        team_of_object="team_id",
    )


def case_record_scope(person: int, *, compiled: bool = True) -> Q:
    """The cases whose whole client record the person reads, shared or not (every TIB entry
    and chain analysis of the case, `_record_scope` below): those that reach them and those of
    the teams they oversee. What is derived from the whole record (missed sessions in a row)
    is shown only here."""
    return Q(team_id__in=_teams(person, OVERSEER_ROLES, compiled=compiled)) | Q(
        pk__in=reached_case_ids.subquery(compiled=compiled, person=person)
    )


def _record_scope(person: int, shared: Q, *, compiled: bool) -> Q:
    """Rows of the clinical record (TIB entries, chain analyses) the person may read: those of
    the teams they oversee; their teams' rows they wrote or that are shared; the rows of the
    cases that reach them.

    On the rows' own columns, as `case_scope`, not one `pk IN (every visible row)`: with that
    one PostgreSQL read a case's TIB history by scanning the whole table through the rule and
    hashing it against the case's rows when its statistics had it expect most rows visible
    (45.6 ms instead of 0.2 ms on the bench seed at 0.05; docs/performance.md). On its own
    columns the rule filters the rows the list's own filter and order find (the case's index;
    the primary key backwards for a whole list), never more."""
    return (
        Q(team_id__in=_teams(person, OVERSEER_ROLES, compiled=compiled))
        | (Q(team_id__in=_teams(person, None, compiled=compiled)) & (Q(author_id=person) | shared))
        | Q(case_id__in=reached_case_ids.subquery(compiled=compiled, person=person))
    )


def tib_scope(person: int, *, compiled: bool = True) -> Q:
    """Who reads a TIB entry: `_record_scope`, an entry being shared once brought to team
    (and the team's own TIBs always). Made of compiled reads, as `case_scope`."""
    from cases.choices import Actor

    shared = Q(shared_with_team=True) | Q(actor=Actor.TEAM)
    return _record_scope(person, shared, compiled=compiled)


def chain_scope(person: int, *, compiled: bool = True) -> Q:
    """Who reads a chain analysis: as a TIB entry, shared once ready for team or later, and
    the analyses an outside reviewer is granted one by one."""
    from cases.choices import SHARED_CHAIN_STATUSES

    reviewed = reviewed_chain_ids.subquery(compiled=compiled, person=person)
    shared = Q(status__in=SHARED_CHAIN_STATUSES)
    return _record_scope(person, shared, compiled=compiled) | Q(pk__in=reviewed)


# The record's id reads, for the reads nested in others (feedback, reviews): the same scopes,
# from their ORM definitions.


@compiled_read(PERSON)
def visible_tib_ids(*, person: int) -> models.QuerySet[Any, Any]:
    from cases.models import TIBEntry

    return TIBEntry.objects.filter(tib_scope(person, compiled=False)).values("pk")


@compiled_read(PERSON)
def visible_chain_ids(*, person: int) -> models.QuerySet[Any, Any]:
    from cases.models import ChainAnalysis

    return ChainAnalysis.objects.filter(chain_scope(person, compiled=False)).values("pk")


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return self.filter(case_scope(user.pk))


class TIBEntryQuerySet(models.QuerySet["TIBEntry"]):
    def visible_to(self, user: AnyUser) -> TIBEntryQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return self.filter(tib_scope(user.pk))


class ChainAnalysisQuerySet(models.QuerySet["ChainAnalysis"]):
    def visible_to(self, user: AnyUser) -> ChainAnalysisQuerySet:
        if not access.is_active_person(user):
            return self.none()
        return self.filter(chain_scope(user.pk))


def _addressed_to(person: int) -> Q:
    """Feedback or reviews whose item the person wrote or whose case they treat (primary or
    co-therapist), among the items they can still read. Subqueries, never joins."""
    from cases.models import Case, ChainAnalysis, TIBEntry

    treats = (
        Q(author_id=person)
        | Q(case_id__in=Case.objects.filter(primary_therapist_id=person).values("pk"))
        | Q(case_id__in=co_treated_case_ids(person))
    )
    chains = ChainAnalysis.objects.filter(treats, pk__in=visible_chain_ids.queryset(person=person))
    tibs = TIBEntry.objects.filter(treats, pk__in=visible_tib_ids.queryset(person=person))
    return Q(chain_analysis_id__in=chains.values("pk")) | Q(tib_entry_id__in=tibs.values("pk"))


def _readable_items(person: int) -> Q:
    return Q(chain_analysis_id__in=visible_chain_ids.queryset(person=person)) | Q(
        tib_entry_id__in=visible_tib_ids.queryset(person=person)
    )


@compiled_read(PERSON)
def visible_feedback_ids(*, person: int) -> models.QuerySet[Any, Any]:
    """Feedback is read by its author (while they can still read the item), by those it is
    addressed to (the item's author and the case's therapists), and by the team leader
    (DOMAIN.md section 3). A supervisor reads the feedback they wrote, not other
    supervisors'; other teammates do not read feedback given to a colleague, even on an item
    shared with the team."""
    from cases.models import Feedback

    return Feedback.objects.filter(
        Q(team_id__in=_teams(person, LEADER_ROLES))
        | (Q(author_id=person) & _readable_items(person))
        | _addressed_to(person)
    ).values("pk")


@compiled_read(PERSON)
def feedback_addressed_ids(*, person: int) -> models.QuerySet[Any, Any]:
    from cases.models import Feedback

    return Feedback.objects.filter(_addressed_to(person)).values("pk")


@compiled_read(PERSON)
def visible_review_ids(*, person: int) -> models.QuerySet[Any, Any]:
    """A review is read by the one who asked for it and the one asked to give it (while they
    can read the item), by those the item is addressed to, and by the team leader and the
    supervisors of the team."""
    from cases.models import ReviewRequest

    return ReviewRequest.objects.filter(
        Q(team_id__in=_teams(person, OVERSEER_ROLES))
        | ((Q(requested_by_id=person) | Q(reviewer_id=person)) & _readable_items(person))
        | _addressed_to(person)
    ).values("pk")


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def visible_to(self, user: AnyUser) -> FeedbackQuerySet:
        """See `visible_feedback_ids`."""
        if not access.is_active_person(user):
            return self.none()
        return self.filter(pk__in=visible_feedback_ids(person=user.pk))

    def addressed_to(self, user: AnyUser) -> FeedbackQuerySet:
        """Feedback on items ``user`` wrote or whose case ``user`` treats."""
        if not access.is_active_person(user):
            return self.none()
        return self.filter(pk__in=feedback_addressed_ids(person=user.pk))


class ReviewRequestQuerySet(models.QuerySet["ReviewRequest"]):
    def visible_to(self, user: AnyUser) -> ReviewRequestQuerySet:
        """See `visible_review_ids`."""
        if not access.is_active_person(user):
            return self.none()
        return self.filter(pk__in=visible_review_ids(person=user.pk))


class EmergencyAccessQuerySet(models.QuerySet["EmergencyAccess"]):
    def active(self) -> EmergencyAccessQuerySet:
        from django.utils import timezone

        return self.filter(expires_at__gt=timezone.now())

    def to_review_by(self, user: AnyUser) -> EmergencyAccessQuerySet:
        """Emergency accesses ``user`` oversees: staff all of them, a team leader those on
        their teams' cases. Others none (their answer is 404)."""
        from cases.models import Case

        if not access.is_active_person(user):
            return self.none()
        if user.is_staff:
            return self.all()
        leader_of = access.team_ids_subquery(user, roles=LEADER_ROLES)
        return self.filter(case_id__in=Case.objects.filter(team_id__in=leader_of).values("pk"))
