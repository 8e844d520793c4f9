"""Rotating roles and the agreement of the week.

A meeting's turn is its position in the team's sequence of meetings (the ones not cancelled, by
start time). At turn ``k`` the ``r``-th rotating role starts from the ``(k + r)``-th member of
the rotation pool, so each role moves one member on every week and the roles sit one member
apart. From there it goes to the first member who is coming (no notice of absence) and holds
the fewest roles at this meeting so far: while enough members are coming, nobody holds two
roles; with fewer members than roles, the doubling is spread as evenly as it can be. A role
swapped or assigned by hand is kept, and its holder counts as busy.

Nothing is read from the other meetings' roles, only their number: rotating the same meeting
twice changes nothing, and rotating week 3 before week 2 gives what rotating in order gives.
(Planning, moving or cancelling an earlier meeting changes the turn of the later ones; a later
rotation of those then follows the new sequence.) The agreement of the week goes through the
six agreements in their order by the same turn.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from agendas.choices import AttendanceStatus, MeetingRole, MeetingStatus, RoleSource
from agendas.models import Attendance, Meeting, RoleAssignment
from agendas.permissions import can_plan_meetings, can_swap_role
from agendas.services.common import bump, lock_meeting, now, refuse, require_open, save_valid
from agendas.services.schedule import meeting_settings_of
from cases.permissions import CLINICIANS
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.events import meetings_changed
from consultteam.reference.models import Agreement
from consultteam.teams.models import Membership, Team


def rotation_pool(team: Team) -> list[int]:
    """Ids of the members who take rotating roles, in a stable order: the team's active
    clinicians (supervisors read the meeting but do not take its roles)."""
    return list(
        Membership.objects.current()
        .filter(team=team, role__in=list(CLINICIANS))
        .order_by("user__display_name", "user_id")
        .values_list("user_id", flat=True)
    )


def _absent(meeting: Meeting) -> set[int]:
    return set(
        Attendance.objects.filter(
            meeting=meeting, status=AttendanceStatus.ABSENT_NOTIFIED
        ).values_list("member_id", flat=True)
    )


def meeting_turn(meeting: Meeting) -> int:
    """How many of the team's meetings (not cancelled) come before this one, by start time
    then creation: 0 for the team's first meeting."""
    return (
        Meeting.objects.filter(team_id=meeting.team_id)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk=meeting.pk)
        .filter(
            Q(starts_at__lt=meeting.starts_at) | Q(starts_at=meeting.starts_at, pk__lt=meeting.pk)
        )
        .count()
    )


def _in_turn(pool: list[int], start: int, skip: set[int], load: dict[int, int]) -> int | None:
    """The first member of ``pool`` from ``start`` on (going round) who is not in ``skip``
    and holds no more roles than anyone else not skipped; None if everyone is skipped."""
    coming = [member for member in pool if member not in skip]
    if not coming:
        return None
    fewest = min(load.get(member, 0) for member in coming)
    for step in range(len(pool)):
        candidate = pool[(start + step) % len(pool)]
        if candidate not in skip and load.get(candidate, 0) == fewest:
            return candidate
    return None  # not reached: some coming member holds the fewest


def _agreement_of_turn(turn: int) -> Agreement | None:
    agreements = list(Agreement.objects.active().order_by("position", "code"))
    if not agreements:
        return None
    return agreements[turn % len(agreements)]


def rotate(meeting: Meeting) -> list[RoleAssignment]:
    """Give each of the team's rotating roles at ``meeting`` to the member whose turn it is
    (module docstring), and set the agreement of the week. A role swapped or assigned by hand
    is kept unless its holder has left or since sent notice of absence. Saves only what
    changes (each save is audited); no rule check (callers check theirs); runs in the
    caller's transaction. Safe to run twice."""
    pool = rotation_pool(meeting.team)
    absent = _absent(meeting)
    turn = meeting_turn(meeting)
    rotating = list(meeting_settings_of(meeting.team).rotating_roles)
    current = {assignment.role: assignment for assignment in meeting.roles.all()}
    load: dict[int, int] = {}
    kept: set[str] = set()
    for role, held in current.items():
        by_hand = held.source != RoleSource.ROTATION
        if role not in rotating or (
            by_hand and held.member_id in pool and held.member_id not in absent
        ):
            kept.add(role)
            load[held.member_id] = load.get(held.member_id, 0) + 1
    for index, role in enumerate(rotating):
        if role in kept:
            continue
        assignment = current.get(role)
        member_id = _in_turn(pool, turn + index, absent, load) if pool else None
        if member_id is None:
            if assignment is not None:
                assignment.delete()
                del current[role]
            continue
        load[member_id] = load.get(member_id, 0) + 1
        if assignment is None:
            assignment = RoleAssignment(meeting=meeting, role=role)
            current[role] = assignment
        elif assignment.member_id == member_id and assignment.source == RoleSource.ROTATION:
            continue
        assignment.member_id = member_id
        assignment.source = RoleSource.ROTATION
        save_valid(assignment)
    agreement = _agreement_of_turn(turn)
    if agreement is not None and meeting.agreement_id != agreement.pk:
        meeting.agreement = agreement
        bump(meeting, ["agreement"])
    meetings_changed(meeting)
    return sorted(
        current.values(), key=lambda assignment: MeetingRole.values.index(assignment.role)
    )


def _before_start(meeting: Meeting, doing: str) -> None:
    require_open(meeting, doing)
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= now():
        raise Conflict(f"This meeting has started: cannot {doing}.")


@transaction.atomic
def roles_rotate(*, meeting: Meeting, by: User) -> list[RoleAssignment]:
    """Assign the meeting's rotating roles in turn and its agreement of the week (the team
    leader). Audited per assignment. Safe to run twice: the second run changes nothing."""
    if not can_plan_meetings(by, meeting.team):
        raise refuse("Only the team leader rotates the roles.")
    meeting = lock_meeting(meeting)
    _before_start(meeting, "rotate its roles")
    return rotate(meeting)


def _available(meeting: Meeting, member: User, field: str) -> None:
    if member.pk not in rotation_pool(meeting.team):
        raise ValidationError({field: "This person is not a current clinician on the team."})
    if member.pk in _absent(meeting):
        raise ValidationError({field: "This person sent notice they will miss the meeting."})


@transaction.atomic
def role_assign(*, meeting: Meeting, role: str, member: User, by: User) -> RoleAssignment:
    """Give ``role`` at ``meeting`` to ``member`` by hand (the team leader), recorded as
    MANUAL; rotation keeps it. A role someone else holds is refused (409, saving nothing): a
    swap hands it on, so its holder is never replaced unawares. Safe to run twice."""
    if not can_plan_meetings(by, meeting.team):
        raise refuse("Only the team leader assigns roles by hand.")
    if role not in MeetingRole.values:
        raise ValidationError({"role": "Choose a meeting role."})
    meeting = lock_meeting(meeting)
    _before_start(meeting, "change its roles")
    _available(meeting, member, "member")
    assignment = (
        RoleAssignment.objects.filter(meeting=meeting, role=role).select_related("member").first()
    )
    if assignment is None:
        assignment = RoleAssignment(meeting=meeting, role=role)
    elif assignment.member_id != member.pk:
        raise Conflict(
            f"{assignment.member.display_name} already holds the role of "
            f"{MeetingRole(role).label.lower()} at this meeting; one person holds each role. "
            "To hand it on, swap it instead (the holder or the team leader can)."
        )
    elif assignment.source == RoleSource.MANUAL:
        return assignment
    assignment.member = member
    assignment.source = RoleSource.MANUAL
    save_valid(assignment)
    meetings_changed(meeting)
    return assignment


@transaction.atomic
def role_swap(*, meeting: Meeting, role: str, with_member: User, by: User) -> list[RoleAssignment]:
    """Hand ``role`` from its holder to ``with_member``; any role ``with_member`` held at this
    meeting goes to the first holder in exchange. Both are recorded as SWAP. By the holder or
    the team leader, before the meeting starts. Returns the meeting's roles. Not idempotent:
    a second swap hands the role back."""
    if role not in MeetingRole.values:
        raise ValidationError({"role": "Choose a meeting role."})
    meeting = lock_meeting(meeting)
    assignment = RoleAssignment.objects.filter(meeting=meeting, role=role).first()
    if assignment is None:
        raise ValidationError({"role": "Nobody holds this role at this meeting yet."})
    if not can_swap_role(by, assignment):
        raise refuse("Only the holder of the role or the team leader can swap it.")
    _before_start(meeting, "swap its roles")
    _available(meeting, with_member, "with_member")
    holder_id = assignment.member_id
    if holder_id == with_member.pk:
        raise ValidationError({"with_member": "This person already holds the role."})
    for theirs in RoleAssignment.objects.filter(meeting=meeting, member=with_member):
        theirs.member_id = holder_id
        theirs.source = RoleSource.SWAP
        save_valid(theirs)
    assignment.member = with_member
    assignment.source = RoleSource.SWAP
    save_valid(assignment)
    meetings_changed(meeting)
    return sorted(
        meeting.roles.all(), key=lambda assignment: MeetingRole.values.index(assignment.role)
    )
