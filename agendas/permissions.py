"""Every access rule of the meeting, as predicates `can_<verb>_<noun>(user, obj)` used by the
API, the services and (later) the pages. Reads defer to `visible_to` (agendas/querysets.py).

DOMAIN.md section 3: every member of the team reads the meeting, its roles, minutes and agenda;
members write their own agenda items until the meeting starts; the team leader plans, reorders
(with a reason) and completes; the meeting's rotating leader runs it; the note-taker writes the
minutes; observer flags are raised by that meeting's observer (or the team leader) and read only
as team counts. Supervisors read; they do not take rotating roles or submit items.
"""

from __future__ import annotations

from django.db.models import QuerySet

from agendas.choices import MeetingRole
from agendas.models import ActionItem, AgendaItem, Meeting, ObserverFlag, RoleAssignment
from cases.permissions import CLINICIANS
from consultteam.access import AnyUser, is_active_person
from consultteam.accounts.models import User
from consultteam.teams.models import LEADER_ROLES, OVERSEER_ROLES, Membership, Role, Team
from consultteam.teams.permissions import can_lead_team, role_in

# --- Rules of a role, for pages that already hold the person's membership -----------------------
# (`my_week` reads every membership of a person in one query; these say what each role may do,
# the same rules the predicates below ask the database for.)


def role_leads(role: str | None) -> bool:
    """The team leader plans and runs the team's meetings (`can_plan_meetings`)."""
    return role in LEADER_ROLES


def role_brings_items(role: str | None) -> bool:
    """Clinicians bring items to the agenda (`can_submit_agenda_item`)."""
    return role in CLINICIANS


def role_reviews(role: str | None) -> bool:
    """The team leader and supervisors review the team's record and see its patterns."""
    return role in OVERSEER_ROLES


def holds_role(user: AnyUser, meeting: Meeting, *roles: MeetingRole) -> bool:
    """Whether ``user``, still an active member of the team, holds one of ``roles`` at
    ``meeting``."""
    if not is_active_person(user) or role_in(user, meeting.team) is None:
        return False
    return RoleAssignment.objects.filter(
        meeting_id=meeting.pk, member_id=user.pk, role__in=list(roles)
    ).exists()


def can_list_meetings(user: AnyUser, _: None = None) -> bool:
    return is_active_person(user)


def can_view_meeting(user: AnyUser, meeting: Meeting | None) -> bool:
    return meeting is not None and Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()


def can_plan_meetings(user: AnyUser, team: Team | None) -> bool:
    """Plan, reschedule and cancel meetings, rotate and assign roles: the team leader."""
    return can_lead_team(user, team)


def can_schedule_meeting(user: AnyUser, meeting: Meeting | None) -> bool:
    return meeting is not None and can_plan_meetings(user, meeting.team)


def can_run_meeting(user: AnyUser, meeting: Meeting | None) -> bool:
    """Mark items discussed or deferred, move items, complete: the team leader or this
    meeting's leader."""
    if meeting is None:
        return False
    return can_lead_team(user, meeting.team) or holds_role(
        user, meeting, MeetingRole.MEETING_LEADER
    )


def meeting_runner_ids(meeting: Meeting) -> set[int]:
    """Who `can_run_meeting` lets run ``meeting``, as ids, for telling them: the team's leaders
    and this meeting's leader, each while an active member of the team. Two queries."""
    members = Membership.objects.current().filter(team_id=meeting.team_id)
    leaders = members.filter(role=Role.TEAM_LEADER).values_list("user_id", flat=True)
    holders = RoleAssignment.objects.filter(
        meeting_id=meeting.pk,
        role=MeetingRole.MEETING_LEADER,
        member_id__in=members.values("user_id"),
    ).values_list("member_id", flat=True)
    return {*leaders, *holders}


def can_write_minutes(user: AnyUser, meeting: Meeting | None) -> bool:
    """Minutes, attendance and action items: whoever runs the meeting and its note-taker."""
    if meeting is None:
        return False
    return can_run_meeting(user, meeting) or holds_role(user, meeting, MeetingRole.NOTE_TAKER)


def can_submit_agenda_item(user: AnyUser, meeting: Meeting | None) -> bool:
    """Clinicians of the team (therapists, trainees, the team leader) bring items."""
    return meeting is not None and role_brings_items(role_in(user, meeting.team))


def can_view_agenda_item(user: AnyUser, item: AgendaItem | None) -> bool:
    return item is not None and AgendaItem.objects.visible_to(user).filter(pk=item.pk).exists()


def can_change_agenda_item(user: AnyUser, item: AgendaItem | None) -> bool:
    """Its submitter (while on the team) or the team leader. Until when is the service's to
    say: items are locked once the meeting starts."""
    if item is None or not is_active_person(user):
        return False
    role = role_in(user, item.meeting.team)
    return role == Role.TEAM_LEADER or (item.submitter_id == user.pk and role is not None)


def can_move_agenda_item(user: AnyUser, item: AgendaItem | None) -> bool:
    return item is not None and can_run_meeting(user, item.meeting)


def can_run_agenda_item(user: AnyUser, item: AgendaItem | None) -> bool:
    """Mark it discussed or defer it."""
    return item is not None and can_run_meeting(user, item.meeting)


def can_notify_absence(user: AnyUser, meeting: Meeting, member_id: int) -> bool:
    """A member sends notice for themselves; the team leader for anyone on the team."""
    if not is_active_person(user) or role_in(user, meeting.team) is None:
        return False
    return member_id == user.pk or can_lead_team(user, meeting.team)


def absence_notice_for(user: User, members: QuerySet[User], *, leads: bool) -> QuerySet[User]:
    """`can_notify_absence` for the meeting's page, which sees the meeting (so ``user`` is on
    the team) and knows whether they lead it (``leads``): of the team's ``members``, the ones
    ``user`` may send notice for, everyone for the team leader, else themselves. No query."""
    return members if leads else members.filter(pk=user.pk)


def can_swap_role(user: AnyUser, assignment: RoleAssignment) -> bool:
    """The holder of the role, or the team leader."""
    if not is_active_person(user) or role_in(user, assignment.meeting.team) is None:
        return False
    return swaps_role(user, assignment, leads=can_lead_team(user, assignment.meeting.team))


def swaps_role(user: AnyUser, assignment: RoleAssignment, *, leads: bool) -> bool:
    """`can_swap_role` for a page that already knows ``user`` is on the team (it sees the
    meeting) and whether they lead it (``leads``: `can_lead_team`). No query."""
    return leads or assignment.member_id == user.pk


def can_view_action_item(user: AnyUser, action: ActionItem | None) -> bool:
    return action is not None and ActionItem.objects.visible_to(user).filter(pk=action.pk).exists()


def can_change_action_item(user: AnyUser, action: ActionItem | None) -> bool:
    """Its owner marks it done; whoever writes the minutes of its meeting changes it."""
    if action is None or not is_active_person(user):
        return False
    if action.owner_id == user.pk and role_in(user, action.meeting.team) is not None:
        return True
    return can_write_minutes(user, action.meeting)


def changes_action_item(user: AnyUser, action: ActionItem, *, writes: bool) -> bool:
    """`can_change_action_item` for the meeting's page, which sees the meeting (so ``user`` is
    on the team) and has asked `can_write_minutes` once (``writes``): its owner or whoever
    writes the minutes. No query."""
    return writes or action.owner_id == user.pk


def can_raise_observer_flag(user: AnyUser, meeting: Meeting | None) -> bool:
    """The meeting's observer, or the team leader."""
    if meeting is None:
        return False
    return can_lead_team(user, meeting.team) or holds_role(user, meeting, MeetingRole.OBSERVER)


def can_acknowledge_observer_flag(user: AnyUser, flag: ObserverFlag | None) -> bool:
    """Record that a flag was heard and how it was repaired: whoever runs the meeting (its
    leader or the team leader), as it closes the moment for the whole room."""
    return flag is not None and can_run_meeting(user, flag.meeting)


def can_view_observer_summary(user: AnyUser, team: Team | None) -> bool:
    """Team counts, no person in them: every member of the team (the observer's summary closes
    the meeting for all)."""
    return team is not None and role_in(user, team) is not None


def can_manage_own_calendar_feed(user: AnyUser, _: None = None) -> bool:
    """See, issue or revoke one's own calendar subscription address: anyone signed in, and only
    their own (the feed services act on the person asking). No side effects."""
    return is_active_person(user)
