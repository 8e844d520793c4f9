"""The meetings of my teams, one meeting's page (roles, attendance, the agenda and its time
budget), bringing an item, a leader's move, and the Markdown minutes."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agendas import services
from agendas.choices import (
    OPEN_MEETING_STATUSES,
    ActionStatus,
    AttendanceStatus,
    MeetingRole,
    MeetingStatus,
    Section,
)
from agendas.forms import (
    AbsenceForm,
    AgendaItemForm,
    AgendaItemMoveForm,
    MeetingsPlanForm,
    RoleAssignForm,
    RoleSwapForm,
)
from agendas.models import ActionItem, AgendaItem, Attendance, Meeting, RoleAssignment
from agendas.permissions import (
    absence_notice_for,
    can_move_agenda_item,
    can_plan_meetings,
    can_raise_observer_flag,
    can_run_meeting,
    can_schedule_meeting,
    can_submit_agenda_item,
    can_write_minutes,
    changes_action_item,
    swaps_role,
)
from agendas.views._common import (
    back_to,
    choose_prompt,
    members_of,
    person,
    visible_item,
    visible_meeting,
)
from cases.models import Case
from consultteam.accounts.models import User
from consultteam.audit.services import audit_read
from consultteam.errors import Conflict
from consultteam.plural import counted
from consultteam.teams.models import Team
from consultteam.teams.permissions import can_lead_team
from consultteam.web.attempt import attempt
from consultteam.web.pages import member_teams

UPCOMING = 6  # meetings shown ahead, per team
RECENT = 5  # meetings shown behind, per team
BAR_WIDTH = 400  # the time budget's SVG, in its own units
# The role-giving form sits on the page beside the swap ("role") and absence ("member") forms:
# ids of its own, so each label names its own field.
ASSIGN_IDS = "assign-%s"


# --- Meetings of my teams ------------------------------------------------------------------------


def _with_mine(meetings: Any, user: User) -> Any:
    """Each meeting with the user's own roles and attendance, two queries for the whole list."""
    return meetings.select_related("team").prefetch_related(
        Prefetch("roles", queryset=RoleAssignment.objects.filter(member=user), to_attr="my_roles"),
        Prefetch(
            "attendance", queryset=Attendance.objects.filter(member=user), to_attr="my_attendance"
        ),
    )


def _list_page(
    request: HttpRequest, user: User, *, plan_errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    # Started up to a day ago and not closed: still "upcoming" (it may be running now).
    recent_edge = now - dt.timedelta(hours=24)
    teams = []
    for team in member_teams(user).order_by("name"):
        visible = Meeting.objects.visible_to(user).filter(team=team)
        upcoming = _with_mine(
            visible.filter(status__in=OPEN_MEETING_STATUSES, starts_at__gte=recent_edge).order_by(
                "starts_at", "id"
            ),
            user,
        )[:UPCOMING]
        recent = _with_mine(
            visible.filter(starts_at__lt=now)
            .exclude(status__in=OPEN_MEETING_STATUSES, starts_at__gte=recent_edge)
            .order_by("-starts_at", "-id"),
            user,
        )[:RECENT]
        teams.append(
            {
                "team": team,
                "upcoming": list(upcoming),
                "recent": list(recent),
                "can_plan": can_plan_meetings(user, team),
            }
        )
    context = {"teams": teams, "plan_errors": plan_errors or []}
    return render(request, "agendas/meeting_list.html", context, status=status)


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming and recent meetings of each of my teams, with my roles and attendance."""
    return _list_page(request, person(request))


@login_required
@require_POST
def meetings_plan(request: HttpRequest) -> HttpResponse:
    """Plan the coming weeks of a team I lead from its cadence. Safe to repeat."""
    user = person(request)
    led = [team.pk for team in member_teams(user) if can_plan_meetings(user, team)]
    if not led:
        raise PermissionDenied("Only a team leader plans the team's meetings.")
    form = MeetingsPlanForm(request.POST, teams=Team.objects.filter(pk__in=led))
    planned = attempt(
        form,
        lambda data: services.meetings_plan(team=data["team"], by=user, weeks=data["weeks"]),
    )
    if planned.done:
        team = form.cleaned_data["team"]
        if planned.result:
            messages.success(
                request, f"Planned {counted(len(planned.result), 'meeting')} for {team.name}."
            )
        else:
            messages.info(request, f"{team.name}'s coming weeks were already planned.")
        return redirect("meeting-list")
    errors = [str(error) for errors in form.errors.values() for error in errors]
    return _list_page(request, user, plan_errors=errors, status=400)


# --- One meeting -------------------------------------------------------------------------------


@dataclass
class Entry:
    """One waiting item on the agenda page, with its place and whether it fits in the time."""

    place: int
    item: AgendaItem
    fits: bool
    move_form: AgendaItemMoveForm | None
    editable: bool = False


@dataclass(frozen=True)
class TimeBar:
    """The agenda's time budget as the page draws it: widths in BAR_WIDTH units of the meeting's
    length (the top bar), the minutes asked for up to the meeting's end (the bottom bar) and the
    part past the end, with the words a screen reader and the caption give for it."""

    width: int
    length: int
    requested: int
    over_x: int
    over: int
    over_minutes: int
    label: str


def _time_bar(requested: int, length: int) -> TimeBar:
    """Scale both bars to the longer of the two, so an over-full agenda runs past the end."""
    scale = max(requested, length, 1)
    length_w = round(BAR_WIDTH * length / scale)
    requested_w = round(BAR_WIDTH * requested / scale)
    over_minutes = max(0, requested - length)
    # However small the overrun, it is drawn: a minute over is still over.
    over_w = max(requested_w - length_w, 1 if over_minutes else 0)
    length_w = min(length_w, BAR_WIDTH - over_w)
    label = f"{requested} of {length} minutes requested"
    if over_minutes:
        label += f", {over_minutes} past the end of the meeting"
    return TimeBar(
        width=BAR_WIDTH,
        length=length_w,
        requested=min(requested_w, length_w),
        over_x=length_w,
        over=over_w,
        over_minutes=over_minutes,
        label=label,
    )


def _move_form(item: AgendaItem, data: Any = None) -> AgendaItemMoveForm:
    return AgendaItemMoveForm(data, auto_id=f"move-{item.public_id}-%s")


def detail_page(
    request: HttpRequest,
    user: User,
    meeting: Meeting,
    *,
    status: int = 200,
    failed_move: tuple[AgendaItem, AgendaItemMoveForm] | None = None,
    swap_form: RoleSwapForm | None = None,
    assign_form: RoleAssignForm | None = None,
) -> HttpResponse:
    """The meeting's page; a failed form comes back bound, with what was typed."""
    audit_read(meeting, team=meeting.team_id, parts=["agenda", "minutes"])
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case", "submitter", "carried_from__meeting__team")
        .prefetch_related("carried_to__meeting__team")
    )
    agenda = services.agenda_for(meeting, items)
    will_not_fit = {item.pk for item in agenda.will_not_fit}
    open_meeting = meeting.status in OPEN_MEETING_STATUSES
    runs = can_run_meeting(user, meeting)
    may_move = open_meeting and runs
    before_start = meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at > timezone.now()
    is_team_leader = can_lead_team(user, meeting.team)
    entries = []
    for place, item in enumerate(agenda.items, start=1):
        form = None
        if may_move:
            form = failed_move[1] if failed_move and failed_move[0].pk == item.pk else None
            form = form or _move_form(item)
        # `can_change_agenda_item` asked once for the page, not once per item: its submitter
        # or the team leader, until the meeting starts. The service asks again.
        editable = before_start and (is_team_leader or item.submitter_id == user.pk)
        entries.append(Entry(place, item, item.pk not in will_not_fit, form, editable))
    # Runs of the same section, in the computed order (a moved item may start a run of its own).
    sections = [
        {"label": Section(code).label, "entries": list(group)}
        for code, group in itertools.groupby(entries, key=lambda entry: entry.item.section)
    ]
    waiting = {item.pk for item in agenda.items}
    settled = sorted(
        (item for item in items if item.pk not in waiting), key=services.agenda.order_key
    )
    roles = sorted(
        RoleAssignment.objects.filter(meeting=meeting).select_related("member"),
        key=lambda assignment: MeetingRole.values.index(assignment.role),
    )
    attendance = list(Attendance.objects.filter(meeting=meeting).select_related("member"))
    my_notice = next(
        (
            row
            for row in attendance
            if row.member_id == user.pk and row.status == AttendanceStatus.ABSENT_NOTIFIED
        ),
        None,
    )
    absence_form = None
    if before_start and (is_team_leader or my_notice is None):
        members = absence_notice_for(user, members_of(meeting), leads=is_team_leader)
        absence_form = AbsenceForm(members=members)
    if swap_form is None and before_start:
        choices = [
            (assignment.role, assignment.get_role_display())
            for assignment in roles
            if swaps_role(user, assignment, leads=is_team_leader)
        ]
        if choices:
            swap_form = choose_prompt(RoleSwapForm(roles=choices, members=members_of(meeting)))
    # The team leader's own controls: rotate, and give a role nobody holds (a held one is
    # swapped, so its holder is never replaced unawares).
    # (`can_plan_meetings` is the team leader's rule, already asked above as `is_team_leader`.)
    leads_roles = before_start and is_team_leader
    if assign_form is None and leads_roles:
        unheld = _unheld_roles(roles)
        if unheld:
            assign_form = choose_prompt(
                RoleAssignForm(roles=unheld, members=members_of(meeting), auto_id=ASSIGN_IDS)
            )
    writes = can_write_minutes(user, meeting)
    actions = [
        (
            action,
            action.status == ActionStatus.OPEN and changes_action_item(user, action, writes=writes),
        )
        for action in ActionItem.objects.filter(meeting=meeting)
        .select_related("owner", "due_meeting__team", "carried_from__meeting__team")
        .prefetch_related("carried_to__meeting__team")
    ]
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "sections": sections,
        "settled": settled,
        "bar": _time_bar(agenda.minutes_requested, agenda.meeting_minutes),
        "imminent": agenda.imminent,
        "runs": runs,
        "may_move": may_move,
        "open_meeting": open_meeting,
        "can_submit": open_meeting and can_submit_agenda_item(user, meeting),
        "can_take_part": writes or can_raise_observer_flag(user, meeting),
        "is_team_leader": is_team_leader,
        "can_reschedule": before_start and can_schedule_meeting(user, meeting),
        "roles": roles,
        "attendance": attendance,
        "my_notice": my_notice,
        "absence_form": absence_form,
        "swap_form": swap_form,
        "can_rotate_roles": leads_roles,
        "assign_form": assign_form if leads_roles else None,
        "actions": actions,
        "completed": meeting.status == MeetingStatus.COMPLETED,
    }
    return render(request, "agendas/meeting_detail.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The meeting: roles, attendance, the agenda in its computed order with its time budget."""
    user = person(request)
    return detail_page(request, user, visible_meeting(user, meeting_id))


def _to_meeting(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return back_to("meeting-detail", meeting, anchor)


@login_required
@require_POST
def meeting_absence(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Send notice that I (or, the team leader, a member) will miss the meeting. Roles the
    absent member held go to the next in turn."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    form = AbsenceForm(request.POST, members=members_of(meeting))
    if not form.is_valid():
        messages.error(request, "Choose a current member of the team.")
        return detail_page(request, user, meeting, status=400)
    member = form.cleaned_data["member"] or user
    try:
        services.attendance_notify_absence(meeting=meeting, member=member, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return detail_page(request, user, meeting, status=400)
    except Conflict as error:
        messages.error(request, error.message)
        return detail_page(request, user, meeting, status=409)
    who = "your" if member.pk == user.pk else f"{member.display_name}'s"
    messages.success(request, f"Noted {who} absence. Roles held go to the next member in turn.")
    return _to_meeting(meeting, "attendance-heading")


@login_required
@require_POST
def meeting_role_swap(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Hand a role to another member: its holder, or the team leader. Recorded as a swap."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    leads = can_lead_team(user, meeting.team)
    held = [
        assignment
        for assignment in RoleAssignment.objects.filter(meeting=meeting)
        if swaps_role(user, assignment, leads=leads)
    ]
    if not leads and not held:
        raise PermissionDenied("Only the holder of a role or the team leader swaps it.")
    choices = [(a.role, a.get_role_display()) for a in held]
    form = choose_prompt(RoleSwapForm(request.POST, roles=choices, members=members_of(meeting)))
    swapped = attempt(
        form,
        lambda data: services.role_swap(
            meeting=meeting, role=data["role"], with_member=data["with_member"], by=user
        ),
    )
    if swapped.done:
        messages.success(request, "Role handed over (recorded as a swap).")
        return _to_meeting(meeting, "roles-heading")
    return detail_page(request, user, meeting, status=swapped.status, swap_form=form)


def _unheld_roles(held: Any) -> list[tuple[str, str]]:
    taken = {assignment.role for assignment in held}
    return [(code, label) for code, label in MeetingRole.choices if code not in taken]


def _leader_of(user: User, meeting: Meeting) -> None:
    if not can_plan_meetings(user, meeting.team):
        raise PermissionDenied("Only the team leader rotates and gives out roles.")


@login_required
@require_POST
def meeting_roles_rotate(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Hand the rotating roles out in turn (the team leader). Swaps and roles given by hand
    are kept. Safe to repeat."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    _leader_of(user, meeting)
    try:
        roles = services.roles_rotate(meeting=meeting, by=user)
    except Conflict as error:
        messages.error(request, error.message)
        return detail_page(request, user, meeting, status=409)
    if roles:
        messages.success(request, "Roles handed out in turn; swaps and roles given by hand kept.")
    elif not services.meeting_settings_shown(meeting.team).rotating_roles:
        messages.warning(
            request, "No roles go round in this team (see its settings): give them by hand."
        )
    else:
        messages.warning(
            request, "No roles handed out: no clinician of the team is coming to this meeting."
        )
    return _to_meeting(meeting, "roles-heading")


@login_required
@require_POST
def meeting_role_assign(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Give a role nobody holds to a member (the team leader); rotation keeps it."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    _leader_of(user, meeting)
    # Every role is offered, so a role taken meanwhile reaches the service, which says who
    # holds it (409) rather than the form calling it an unknown choice.
    form = choose_prompt(
        RoleAssignForm(
            request.POST,
            roles=list(MeetingRole.choices),
            members=members_of(meeting),
            auto_id=ASSIGN_IDS,
        )
    )
    given = attempt(
        form,
        lambda data: services.role_assign(
            meeting=meeting, role=data["role"], member=data["member"], by=user
        ),
    )
    if given.done:
        assignment = given.result
        messages.success(
            request,
            f"{assignment.member.display_name} is {assignment.get_role_display().lower()} "
            "at this meeting (given by hand; rotation keeps it).",
        )
        return _to_meeting(meeting, "roles-heading")
    return detail_page(request, user, meeting, status=given.status, assign_form=form)


# --- Bringing and moving items -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_new(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Bring an item to the meeting. Past the team's cutoff it goes to the next meeting (the
    message says which), unless it is imminent risk."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if not can_submit_agenda_item(user, meeting):
        raise PermissionDenied("Clinicians of the team bring items to its meeting.")
    cases = Case.objects.visible_to(user).filter(team_id=meeting.team_id).order_by("code")
    form = AgendaItemForm(request.POST if request.method == "POST" else None, cases=cases)
    status = 200
    if form.is_bound:
        tried = attempt(form, lambda data: _submit(meeting, user, data))
        if tried.done:
            submitted = tried.result
            messages.success(request, f"“{submitted.item.title}” is on the agenda.")
            if submitted.notice:
                messages.warning(request, submitted.notice)
            return _to_meeting(submitted.item.meeting, f"item-{submitted.item.public_id}")
        status = tried.status
    context = {"meeting": meeting, "form": form, "cutoff": services.cutoff_of(meeting)}
    return render(request, "agendas/agenda_item_form.html", context, status=status)


def _submit(meeting: Meeting, user: User, cleaned: dict[str, Any]) -> services.Submitted:
    data = dict(cleaned)
    case, title = data.pop("case"), data.pop("title")
    override = data.pop("identifier_override") or None
    return services.agenda_item_submit(
        meeting=meeting, by=user, title=title, case=case, identifier_override=override, **data
    )


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    """Put an item at another place (or back in its computed place), with a reason the team
    sees: the meeting's leader or the team leader. Audited."""
    user = person(request)
    item = visible_item(user, item_id)
    if not can_move_agenda_item(user, item):
        raise PermissionDenied("Only the meeting's leader or the team leader moves items.")
    form = _move_form(item, request.POST)
    moved = attempt(
        form,
        lambda data: services.agenda_item_move(
            item=item,
            by=user,
            position=data["position"],
            reason=data["reason"],
            identifier_override=data["identifier_override"] or None,
        ),
    )
    if moved.done:
        messages.success(request, f"Moved “{item.title}”: {form.cleaned_data['reason']}")
        return _to_meeting(item.meeting, f"item-{item.public_id}")
    return detail_page(request, user, item.meeting, status=moved.status, failed_move=(item, form))


__all__ = [
    "agenda_item_move",
    "agenda_item_new",
    "detail_page",
    "meeting_absence",
    "meeting_detail",
    "meeting_list",
    "meeting_role_assign",
    "meeting_role_swap",
    "meeting_roles_rotate",
    "meetings_plan",
]
