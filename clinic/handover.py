"""What a member leaves behind on one team, and who of the team may take each piece over.

Before a membership ends, the person's work on that team is listed so that none of it stays
under the name of someone who can no longer open it: the cases they treat as primary therapist,
the action items they still owe, the items they brought to a meeting not yet held and the roles
they hold at one (observer, note-taker...), the reviews
they were asked to give or asked for and that are still open, and the per-object grants they
hold on the team's record (co-therapist on a case, reader of one chain analysis). The service
that ends the membership (`clinic/last_day.py`) hands each over or closes it.

It reads cases and meetings together, which only the house over the apps may do: the core
(`consultteam/teams`) imports neither. Nothing here writes.

Labels name no clinical content: a case code, a kind of item, a date, a status. The leader and
an administrator both read them, and an administrator sees no clinical text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from agendas.choices import ActionStatus, ItemStatus, MeetingStatus
from agendas.models import ActionItem, AgendaItem, RoleAssignment
from cases.choices import CaseStatus
from cases.models import (
    OPEN_REVIEW_STATUSES,
    Case,
    CaseUserObjectPermission,
    ChainAnalysisUserObjectPermission,
    ReviewRequest,
)
from cases.permissions import CLINICIANS
from clinic.permissions import can_end_membership
from consultteam.access import AnyUser
from consultteam.teams.models import OVERSEER_ROLES, Membership, Role


class HandoverKind(models.TextChoices):
    CASE = "CASE", "A case they treat as primary therapist"
    ACTION_ITEM = "ACTION_ITEM", "An open action item they own"
    AGENDA_ITEM = "AGENDA_ITEM", "An item they brought to a meeting not yet held"
    MEETING_ROLE = "MEETING_ROLE", "A role they hold at a meeting not yet held"
    REVIEW_TO_GIVE = "REVIEW_TO_GIVE", "A review they were asked to give"
    REVIEW_ASKED = "REVIEW_ASKED", "A review they asked for, still open"
    CO_THERAPY = "CO_THERAPY", "Co-therapist on a case of the team"
    CHAIN_READER = "CHAIN_READER", "Allowed to read one chain analysis of the team"


class Outcome(models.TextChoices):
    REASSIGN = "REASSIGN", "Hand over to another member"
    CLOSE = "CLOSE", "Close"


# What closing means for each kind, in the words the handover page shows.
CLOSE_MEANS: dict[str, str] = {
    HandoverKind.CASE: "Discharge the case",
    HandoverKind.ACTION_ITEM: "Drop the action",
    HandoverKind.AGENDA_ITEM: "Withdraw the item",
    HandoverKind.MEETING_ROLE: "Leave the role open",
    HandoverKind.REVIEW_TO_GIVE: "Withdraw the review request",
    HandoverKind.REVIEW_ASKED: "Withdraw the review request",
    HandoverKind.CO_THERAPY: "End the grant",
    HandoverKind.CHAIN_READER: "End the grant",
}

# Who may take each kind over, by role on the team (the same role sets the apps' own rules
# use): a case, an agenda item or a co-therapy goes to a clinician; a review to give goes to
# a supervisor or the team leader (`is_eligible_reviewer`); an action to anyone on the team.
ROLES_FOR: dict[str, Iterable[Role] | None] = {
    HandoverKind.CASE: CLINICIANS,
    HandoverKind.ACTION_ITEM: None,
    HandoverKind.AGENDA_ITEM: CLINICIANS,
    HandoverKind.MEETING_ROLE: CLINICIANS,
    HandoverKind.REVIEW_TO_GIVE: OVERSEER_ROLES,
    HandoverKind.REVIEW_ASKED: CLINICIANS,
    HandoverKind.CO_THERAPY: CLINICIANS,
    HandoverKind.CHAIN_READER: None,
}

ROLES_SAID: dict[str, str] = {
    HandoverKind.CASE: "a case goes to a therapist, a trainee or the team leader",
    HandoverKind.ACTION_ITEM: "an action goes to any current member",
    HandoverKind.AGENDA_ITEM: "an item goes to a therapist, a trainee or the team leader",
    HandoverKind.MEETING_ROLE: (
        "a meeting role goes to a therapist, a trainee or the team leader (supervisors take none)"
    ),
    HandoverKind.REVIEW_TO_GIVE: (
        "a review is given by a supervisor or the team leader, not by whoever asked for it"
    ),
    HandoverKind.REVIEW_ASKED: (
        "a review is asked for by a therapist, a trainee or the team leader, not its reviewer"
    ),
    HandoverKind.CO_THERAPY: (
        "a co-therapist is a therapist, a trainee or the team leader other than the primary"
    ),
    HandoverKind.CHAIN_READER: "a reader is any current member other than the author",
}

OPEN_AGENDA_STATUSES = (ItemStatus.DRAFT, ItemStatus.SUBMITTED, ItemStatus.SCHEDULED)
OPEN_CASE_STATUSES = (CaseStatus.ACTIVE, CaseStatus.ON_HOLD)


@dataclass(frozen=True)
class HandoverItem:
    """One piece of work to hand over. ``id`` is the public id of the record (for a grant, of
    the case or analysis it opens); ``rows`` are what changes hands (the record itself, or the
    grant rows on it); ``candidates`` are the current members who may take it over."""

    kind: HandoverKind
    id: uuid.UUID
    label: str
    rows: tuple[models.Model, ...]
    candidates: tuple[Membership, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (str(self.kind), str(self.id))

    @property
    def close_means(self) -> str:
        return CLOSE_MEANS[self.kind]


@dataclass(frozen=True)
class Handover:
    membership: Membership
    items: tuple[HandoverItem, ...]

    def count_of(self, kind: HandoverKind) -> int:
        return sum(1 for item in self.items if item.kind == kind)


def membership_handover(membership: Membership, *, by: AnyUser) -> Handover:
    """What ``membership``'s person would hand over on its team, for the team's leader or an
    administrator (PermissionDenied otherwise). Reads only."""
    if not can_end_membership(by, membership):
        raise PermissionDenied("Only the team's leader or an administrator can see this.")
    return handover_of(membership)


def handover_of(membership: Membership) -> Handover:
    """`membership_handover` without the rule: for the service that ends the membership, which
    has asked it already, inside its transaction. Ten queries whatever the number of items."""
    person_id, team = membership.user_id, membership.team
    zone = ZoneInfo(team.time_zone)
    others = list(
        Membership.objects.current()
        .filter(team=team)
        .exclude(pk=membership.pk)
        .select_related("user")
        .order_by("user__display_name", "pk")
    )

    def who(kind: HandoverKind, *, besides: Iterable[int | None] = ()) -> tuple[Membership, ...]:
        roles = ROLES_FOR[kind]
        allowed = None if roles is None else set(roles)
        excluded = set(besides)
        return tuple(
            member
            for member in others
            if (allowed is None or member.role in allowed) and member.user_id not in excluded
        )

    def day(moment: dt.datetime) -> str:
        return f"{moment.astimezone(zone):%d %b %Y}"

    items: list[HandoverItem] = []
    for case in Case.objects.filter(
        team=team, primary_therapist_id=person_id, status__in=OPEN_CASE_STATUSES
    ).order_by("code"):
        label = f"Case {case.code} ({case.get_status_display().lower()})"
        items.append(_item(HandoverKind.CASE, case, label, who(HandoverKind.CASE)))
    for action in (
        ActionItem.objects.filter(meeting__team=team, owner_id=person_id, status=ActionStatus.OPEN)
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    ):
        label = f"Action from the meeting of {day(action.meeting.starts_at)}"
        items.append(_item(HandoverKind.ACTION_ITEM, action, label, who(HandoverKind.ACTION_ITEM)))
    for agenda_item in (
        AgendaItem.objects.filter(
            meeting__team=team,
            meeting__status=MeetingStatus.SCHEDULED,
            submitter_id=person_id,
            status__in=OPEN_AGENDA_STATUSES,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    ):
        label = (
            f"{agenda_item.get_item_type_display()} for the meeting of "
            f"{day(agenda_item.meeting.starts_at)} ({agenda_item.get_status_display().lower()})"
        )
        candidates = who(HandoverKind.AGENDA_ITEM)
        items.append(_item(HandoverKind.AGENDA_ITEM, agenda_item, label, candidates))
    for assignment in (
        RoleAssignment.objects.filter(
            meeting__team=team,
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__starts_at__gte=timezone.now(),
            member_id=person_id,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "role")
    ):
        label = (
            f"{assignment.get_role_display()} at the meeting of {day(assignment.meeting.starts_at)}"
        )
        candidates = who(HandoverKind.MEETING_ROLE)
        items.append(_item(HandoverKind.MEETING_ROLE, assignment, label, candidates))
    open_reviews = ReviewRequest.objects.filter(team=team, status__in=OPEN_REVIEW_STATUSES)
    for review in open_reviews.filter(reviewer_id=person_id).order_by("created_at", "pk"):
        label = f"Review of {_what(review)} asked for on {day(review.created_at)}"
        candidates = who(HandoverKind.REVIEW_TO_GIVE, besides=[review.requested_by_id])
        items.append(_item(HandoverKind.REVIEW_TO_GIVE, review, label, candidates))
    for review in open_reviews.filter(requested_by_id=person_id).order_by("created_at", "pk"):
        label = f"Review of {_what(review)} asked for on {day(review.created_at)}"
        candidates = who(HandoverKind.REVIEW_ASKED, besides=[review.reviewer_id])
        items.append(_item(HandoverKind.REVIEW_ASKED, review, label, candidates))
    items += _grants(
        HandoverKind.CO_THERAPY,
        CaseUserObjectPermission.objects.filter(user_id=person_id, content_object__team=team),
        lambda case: f"Co-therapist on case {case.code}",
        lambda case: who(HandoverKind.CO_THERAPY, besides=[case.primary_therapist_id]),
    )
    items += _grants(
        HandoverKind.CHAIN_READER,
        ChainAnalysisUserObjectPermission.objects.filter(
            user_id=person_id, content_object__team=team
        ),
        lambda chain: f"Reader of a chain analysis of {chain.behavior_on:%d %b %Y}",
        lambda chain: who(HandoverKind.CHAIN_READER, besides=[chain.author_id]),
    )
    return Handover(membership=membership, items=tuple(items))


def _item(
    kind: HandoverKind, row: models.Model, label: str, candidates: tuple[Membership, ...]
) -> HandoverItem:
    public_id: uuid.UUID = row.public_id  # type: ignore[attr-defined]
    return HandoverItem(kind, public_id, label, (row,), candidates)


def _what(review: ReviewRequest) -> str:
    return "a chain analysis" if review.chain_analysis_id else "a TIB entry"


def _grants(
    kind: HandoverKind,
    grants: models.QuerySet[CaseUserObjectPermission]
    | models.QuerySet[ChainAnalysisUserObjectPermission],
    label: Callable[[Any], str],
    candidates: Callable[[Any], tuple[Membership, ...]],
) -> list[HandoverItem]:
    """One item per object granted (a person may hold several permissions on one object)."""
    by_object: dict[int, list[models.Model]] = {}
    objects: dict[int, models.Model] = {}
    for grant in grants.select_related("content_object", "permission").order_by("pk"):
        target = grant.content_object
        by_object.setdefault(target.pk, []).append(grant)
        objects[target.pk] = target
    return [
        HandoverItem(
            kind,
            objects[pk].public_id,  # type: ignore[attr-defined]
            label(objects[pk]),
            tuple(rows),
            candidates(objects[pk]),
        )
        for pk, rows in by_object.items()
    ]
