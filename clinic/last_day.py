"""A member's last day on a team: their work handed over, then their access to the team ended.

`membership_end` does it all in one transaction: every piece of work listed by
`clinic/handover.py` is handed over or closed as decided, every per-object grant the person
holds on the team's record ends, the membership is marked left on the day given, the team's
coming meetings recompute their reminders, and, when this was the person's last team (and they
do not administer the service), their sessions and API tokens end. A refusal or a failure
anywhere changes nothing.

Reads need no change of their own: every `visible_to` keys on active membership, and a grant
never counts on the record of a team its holder has left (`consultteam/access.py`), so the
person gets 404 on everything of the team from the moment this commits, and keeps their other
teams.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from guardian.models import UserObjectPermissionBase

from agendas.choices import ActionStatus, ItemStatus, MeetingStatus, RoleSource
from agendas.models import ActionItem, AgendaItem, Meeting, RoleAssignment
from cases.choices import CaseStatus
from cases.models import Case, ReviewRequest
from clinic.handover import ROLES_SAID, Handover, HandoverItem, HandoverKind, Outcome, handover_of
from clinic.permissions import can_end_membership
from consultteam.accounts.models import User
from consultteam.accounts.services import api_tokens_end, user_sessions_end
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.errors import Conflict
from consultteam.events import ReviewRequested, announce, meetings_changed
from consultteam.teams.models import Membership, Team
from consultteam.teams.roles import refuse_if_last_leader
from consultteam.writes import refuse, save_valid


@dataclass(frozen=True)
class Decision:
    """What becomes of one item of the handover: handed over to the current member whose
    membership is ``to``, or closed."""

    kind: str
    id: uuid.UUID
    outcome: str
    to: uuid.UUID | None = None


@dataclass(frozen=True)
class MembershipEnded:
    membership: Membership
    reassigned: dict[str, int]
    closed: dict[str, int]
    grants_ended: int
    sessions_ended: int
    tokens_ended: int


@transaction.atomic
def membership_end(
    *, membership: Membership, by: User, left_on: dt.date, decisions: Iterable[Decision]
) -> MembershipEnded:
    """End ``membership`` on ``left_on`` (today or earlier, not before the person joined) after
    handing over or closing each of its handover items as ``decisions`` say: one decision for
    every item listed now, or nothing is done (400 naming what is missing or wrong).

    Side effects, all in one transaction: the records change hands or close (each audited by
    the apps' registries), the person's grants on the team's record are deleted (REVOKE), the
    membership is marked inactive (UPDATE), the coming meetings' reminders are recomputed, one
    REVOKE event on the membership counts what was handed over (never any text), and if no
    other team is left the person's sessions and API tokens end. Refused with 403 unless
    ``by`` leads the team or is an administrator; with 409 if the membership has already
    ended (so a second call changes nothing) and when it would leave the team without a
    leader (`refuse_if_last_leader`, the rule role changes keep).
    """
    if not can_end_membership(by, membership):
        raise refuse("Only the team's leader or an administrator can end a membership.")
    membership = (
        Membership.objects.select_for_update().select_related("team", "user").get(pk=membership.pk)
    )
    name = membership.user.display_name
    if not membership.is_active:
        raise Conflict(f"{name} already left this team on {membership.left_on}. Reload the page.")
    _check_last_day(membership, left_on)
    refuse_if_last_leader(membership, doing=f"end {name}'s membership")
    handover = handover_of(membership)
    plan = _matched(handover, list(decisions))

    reassigned: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    reviews_asked_again: list[ReviewRequest] = []
    for item, decision, successor in plan:
        if decision.outcome == Outcome.CLOSE:
            _close(item, left_on)
            closed[str(item.kind)] += 1
            continue
        assert successor is not None  # `_matched` gives one for every REASSIGN
        review = _reassign(item, successor)
        if review is not None:
            reviews_asked_again.append(review)
        reassigned[str(item.kind)] += 1

    grants_ended = _end_grants(membership)
    membership.is_active = False
    membership.left_on = left_on
    save_valid(membership, update_fields=["is_active", "left_on"])

    # Reminders follow the rows: the coming meetings recompute theirs, so the person who left
    # is reminded of nothing of this team and those who took over are.
    meetings_changed(*_coming_meetings(membership.team))
    for review in reviews_asked_again:
        announce(
            ReviewRequested(
                review_id=review.pk, reviewer_id=review.reviewer_id, asked_at=timezone.now()
            )
        )

    sessions_ended = tokens_ended = 0
    last_team = not Membership.objects.filter(user_id=membership.user_id, is_active=True).exists()
    # Their last team: nothing is left for a session or a token to open; unless they administer
    # the service, which they still do (an administrator who led a new team until its leader
    # joined steps down without being signed out).
    if last_team and not membership.user.is_staff:
        sessions_ended = user_sessions_end(user=membership.user)
        tokens_ended = api_tokens_end(user=membership.user)

    audit_record(
        action=Action.REVOKE,
        obj=membership,
        team=membership.team,
        fields=_counted(reassigned, closed, grants_ended, sessions_ended, tokens_ended),
    )
    return MembershipEnded(
        membership=membership,
        reassigned=dict(reassigned),
        closed=dict(closed),
        grants_ended=grants_ended,
        sessions_ended=sessions_ended,
        tokens_ended=tokens_ended,
    )


def _latest_today(team: Team) -> dt.date:
    """Today where the team meets, or where the person asking is if that is later: a leader
    a few zones ahead of the team may end a membership on their own today."""
    return max(timezone.now().astimezone(ZoneInfo(team.time_zone)).date(), timezone.localdate())


def _check_last_day(membership: Membership, left_on: dt.date) -> None:
    if left_on > _latest_today(membership.team):
        raise ValidationError(
            {
                "left_on": "The last day can be today or earlier: access ends as the membership "
                "does, so end it on the day."
            }
        )
    if left_on < membership.joined_on:
        raise ValidationError(
            {
                "left_on": f"{membership.user.display_name} joined on {membership.joined_on}: "
                "the last day cannot be before it."
            }
        )


Step = tuple[HandoverItem, Decision, User | None]


def _matched(handover: Handover, decisions: list[Decision]) -> list[Step]:
    """Each item with its decision and the person who takes it over, or a 400 that names
    every item left undecided and every decision that does not fit (all at once, so the
    form can be put right in one go)."""
    by_key = {item.key: item for item in handover.items}
    chosen: dict[tuple[str, str], Decision] = {}
    problems: list[str] = []
    for decision in decisions:
        key = (str(decision.kind), str(_as_uuid(decision.id) or decision.id))
        if key not in by_key:
            problems.append(
                f"There is no {decision.kind} {decision.id} to hand over (any more): reload."
            )
        elif key in chosen:
            problems.append(f"{by_key[key].label}: decided twice; keep one decision.")
        else:
            chosen[key] = decision
    steps: list[Step] = []
    for item in handover.items:
        found = chosen.get(item.key)
        if found is None:
            problems.append(f"{item.label}: choose who takes it over, or close it.")
            continue
        decision = found
        if decision.outcome == Outcome.CLOSE:
            if decision.to is not None:
                problems.append(f"{item.label}: a closed item goes to no one; leave 'to' out.")
            steps.append((item, decision, None))
            continue
        to = _as_uuid(decision.to)
        successor = next((m for m in item.candidates if m.public_id == to), None)
        if successor is None:
            problems.append(
                f"{item.label}: choose one of the current members who may take it over "
                f"({ROLES_SAID[item.kind]})."
            )
            continue
        steps.append((item, decision, successor.user))
    if problems:
        raise ValidationError({"decisions": problems})
    return steps


def _as_uuid(value: object) -> uuid.UUID | None:
    """A public id as given (a UUID, or its text from a form), or None if it is none."""
    try:
        return None if value is None else uuid.UUID(str(value))
    except ValueError:
        return None


def _close(item: HandoverItem, left_on: dt.date) -> None:
    """Close one item, as the clinic would: a case is discharged in the month of the last day,
    an action dropped, an item withdrawn, a meeting role left open (the leader or rotation fills
    it), a review request withdrawn (the feedback already given stays), a grant ended (with
    the others, by `_end_grants`)."""
    row = item.rows[0]
    if isinstance(row, Case):
        row.status = CaseStatus.DISCHARGED
        row.closed = max(row.opened, left_on.replace(day=1))
        save_valid(row, update_fields=["status", "closed", "updated_at"])
    elif isinstance(row, ActionItem):
        row.status = ActionStatus.DROPPED
        save_valid(row, update_fields=["status", "updated_at"])
    elif isinstance(row, AgendaItem):
        row.status = ItemStatus.WITHDRAWN
        save_valid(row, update_fields=["status"])
    elif isinstance(row, (ReviewRequest, RoleAssignment)):
        row.delete()


def _reassign(item: HandoverItem, successor: User) -> ReviewRequest | None:
    """Give one item to ``successor``. Returns a review now waiting on a new reviewer (who is
    told of it, as of any review asked of them)."""
    row = item.rows[0]
    if isinstance(row, Case):
        row.primary_therapist = successor
        save_valid(row, update_fields=["primary_therapist", "updated_at"])
    elif isinstance(row, ActionItem):
        row.owner = successor
        save_valid(row, update_fields=["owner", "updated_at"])
    elif isinstance(row, AgendaItem):
        row.submitter = successor
        save_valid(row, update_fields=["submitter"])
    elif isinstance(row, RoleAssignment):
        row.member = successor
        row.source = RoleSource.MANUAL  # given by hand, so rotation keeps it
        save_valid(row, update_fields=["member", "source", "updated_at"])
    elif isinstance(row, ReviewRequest) and item.kind == HandoverKind.REVIEW_TO_GIVE:
        row.reviewer = successor
        save_valid(row, update_fields=["reviewer", "updated_at"])
        return row
    elif isinstance(row, ReviewRequest):
        row.requested_by = successor
        save_valid(row, update_fields=["requested_by", "updated_at"])
    else:  # grants: the successor gets the same permissions on the same object (GRANT)
        for grant in item.rows:
            assert isinstance(grant, UserObjectPermissionBase)
            type(grant)._default_manager.get_or_create(
                user=successor,
                permission_id=grant.permission_id,
                content_object_id=grant.content_object_id,  # type: ignore[attr-defined]
            )
    return None


def _grant_models() -> list[tuple[type[models.Model], dict[str, str]]]:
    """Every per-person grant table of the direct foreign-key kind whose objects belong to a
    team (the team itself, or a record with a `team` field), with how to find a team's rows.
    Guardian's generic table is never used here (docs/access.md), so it is left out."""
    found: list[tuple[type[models.Model], dict[str, str]]] = []
    for model in apps.get_models():
        if not issubclass(model, UserObjectPermissionBase):
            continue
        field = model._meta.get_field("content_object")  # type: ignore[misc]  # the subclasses'
        target = field.related_model if isinstance(field, models.ForeignKey) else None
        if target is Team:
            found.append((model, {"on_team": "content_object"}))
        elif isinstance(target, type) and any(f.name == "team" for f in target._meta.fields):
            found.append((model, {"on_team": "content_object__team"}))
    return found


def _end_grants(membership: Membership) -> int:
    """Delete every grant the person holds on the team or its record, one by one so each is
    audited as REVOKE. Grants to their groups are the groups' (an administrator's); they stop
    counting for the person anyway on a team they have left."""
    ended = 0
    for model, how in _grant_models():
        grant: models.Model
        for grant in model._default_manager.filter(
            user_id=membership.user_id, **{how["on_team"]: membership.team}
        ):
            grant.delete()
            ended += 1
    return ended


def _coming_meetings(team: Team) -> list[Meeting]:
    return list(
        Meeting.objects.filter(
            team=team, status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now()
        ).order_by("starts_at")
    )


def _counted(
    reassigned: Counter[str], closed: Counter[str], grants: int, sessions: int, tokens: int
) -> list[str]:
    """The audit event's names: how many of each kind were handed over or closed, and what
    access ended. Counts only, never a label or any text of the records."""
    names = [f"{kind.lower()}.reassigned={n}" for kind, n in reassigned.items()]
    names += [f"{kind.lower()}.closed={n}" for kind, n in closed.items()]
    names += [
        f"{what}.ended={n}"
        for what, n in (("grants", grants), ("sessions", sessions), ("tokens", tokens))
        if n
    ]
    return names or ["nothing_to_hand_over"]
