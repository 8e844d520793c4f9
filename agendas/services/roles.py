"""Rotating roles and the agreement of the week.

Each rotating role goes to the next active member after the one who held it at the team's
previous meeting, skipping members who sent notice of absence; the first time, the roles start
one member apart, so they are spread over the team. The agreement of the week goes through the
six agreements in their order. Rotation is computed from the previous meeting, so running it
again gives the same answer.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from agendas.choices import AttendanceStatus, MeetingRole, MeetingStatus, RoleSource
from agendas.models import Attendance, Meeting, RoleAssignment
from agendas.permissions import can_plan_meetings, can_swap_role
from agendas.services.common import bump, lock_meeting, now, refuse, require_open, save_valid
from agendas.services.schedule import meeting_settings_of
from cases.permissions import CLINICIANS
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.reference.models import Agreement
from consultteam.teams.models import Membership, Team
from reminders.scheduling import meeting_reminders_sync


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


def _earlier(meeting: Meeting) -> list[Meeting]:
    """The team's meetings before this one that took place or will (not cancelled), latest
    first."""
    return list(
        Meeting.objects.filter(team_id=meeting.team_id, starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at", "-id")
    )


def _previous_holder(meeting: Meeting, role: str) -> int | None:
    return (
        RoleAssignment.objects.filter(
            meeting__team_id=meeting.team_id,
            meeting__starts_at__lt=meeting.starts_at,
            role=role,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .exclude(meeting_id=meeting.pk)
        .order_by("-meeting__starts_at", "-meeting_id")
        .values_list("member_id", flat=True)
        .first()
    )


def _next_in_turn(pool: list[int], holder: int | None, skip: set[int], offset: int) -> int | None:
    if not pool:
        return None
    start = offset % len(pool) if holder is None else 0
    if holder in pool:
        start = pool.index(holder) + 1
    for step in range(len(pool)):
        candidate = pool[(start + step) % len(pool)]
        if candidate not in skip:
            return candidate
    return None


def _next_agreement(meeting: Meeting) -> Agreement | None:
    agreements = list(Agreement.objects.active().order_by("position", "code"))
    if not agreements:
        return None
    previous = next(
        (earlier.agreement_id for earlier in _earlier(meeting) if earlier.agreement_id), None
    )
    ids = [agreement.pk for agreement in agreements]
    if previous not in ids:
        return agreements[0]
    return agreements[(ids.index(previous) + 1) % len(agreements)]


def rotate(meeting: Meeting) -> list[RoleAssignment]:
    """Give each of the team's rotating roles at ``meeting`` to the next member in turn, and
    set the agreement of the week. A role swapped or assigned by hand is kept unless its holder
    has since sent notice of absence. No rule check (callers check theirs); runs in the
    caller's transaction. Safe to run twice."""
    pool = rotation_pool(meeting.team)
    absent = _absent(meeting)
    current = {assignment.role: assignment for assignment in meeting.roles.all()}
    for index, role in enumerate(meeting_settings_of(meeting.team).rotating_roles):
        assignment = current.get(role)
        if (
            assignment is not None
            and assignment.source != RoleSource.ROTATION
            and assignment.member_id in pool
            and assignment.member_id not in absent
        ):
            continue
        member_id = _next_in_turn(pool, _previous_holder(meeting, role), absent, index)
        if member_id is None:
            if assignment is not None:
                assignment.delete()
                del current[role]
            continue
        if assignment is None:
            assignment = RoleAssignment(meeting=meeting, role=role)
            current[role] = assignment
        elif assignment.member_id == member_id and assignment.source == RoleSource.ROTATION:
            continue
        assignment.member_id = member_id
        assignment.source = RoleSource.ROTATION
        save_valid(assignment)
    agreement = _next_agreement(meeting)
    if agreement is not None and meeting.agreement_id != agreement.pk:
        meeting.agreement = agreement
        bump(meeting, ["agreement"])
    meeting_reminders_sync(meeting)
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
    MANUAL; rotation keeps it. Safe to run twice."""
    if not can_plan_meetings(by, meeting.team):
        raise refuse("Only the team leader assigns roles by hand.")
    if role not in MeetingRole.values:
        raise ValidationError({"role": "Choose a meeting role."})
    meeting = lock_meeting(meeting)
    _before_start(meeting, "change its roles")
    _available(meeting, member, "member")
    assignment = RoleAssignment.objects.filter(meeting=meeting, role=role).first()
    if assignment is None:
        assignment = RoleAssignment(meeting=meeting, role=role)
    elif assignment.member_id == member.pk and assignment.source == RoleSource.MANUAL:
        return assignment
    assignment.member = member
    assignment.source = RoleSource.MANUAL
    save_valid(assignment)
    meeting_reminders_sync(meeting)
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
    meeting_reminders_sync(meeting)
    return sorted(
        meeting.roles.all(), key=lambda assignment: MeetingRole.values.index(assignment.role)
    )
