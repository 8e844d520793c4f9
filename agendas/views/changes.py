"""Changing a meeting and its parts from the pages: rescheduling and cancelling (the team
leader), recording who came (whoever runs the meeting or takes its notes), marking an action
done or dropped (its owner or whoever writes the minutes), changing or withdrawing one's own
item until the meeting starts, and acknowledging an observer's flag with its repair.

Thin, like the other views: each fetches through `visible_to` (404), asks the predicate (403),
and hands the form to the service through `attempt`, which re-checks every rule."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agendas import services
from agendas.choices import WAITING_ITEM_STATUSES, ItemStatus, MeetingStatus
from agendas.forms import (
    ActionItemStatusForm,
    AgendaItemEditForm,
    AttendanceRecordForm,
    MeetingCancelForm,
    MeetingRescheduleForm,
    ObserverFlagAcknowledgeForm,
)
from agendas.models import ActionItem, AgendaItem, Meeting, ObserverFlag
from agendas.permissions import (
    can_acknowledge_observer_flag,
    can_change_action_item,
    can_change_agenda_item,
    can_schedule_meeting,
    can_write_minutes,
)
from agendas.views._common import (
    back_to,
    choose_prompt,
    members_of,
    person,
    visible_item,
    visible_meeting,
    visible_part,
)
from agendas.views.meetings import detail_page
from agendas.views.run import run_page
from consultteam.accounts.models import User
from consultteam.audit.services import audit_read
from consultteam.plural import counted
from consultteam.web.attempt import attempt
from consultteam.web.forms import PageForm


def _day(meeting: Meeting) -> str:
    return f"{meeting.local_start():%a %d %b %Y, %H:%M} ({meeting.team.time_zone})"


def _reasons(form: PageForm) -> str:
    """A refused form's reasons in one line, for a page that shows them as a message."""
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _scheduled_by(request: HttpRequest, meeting_id: uuid.UUID) -> tuple[User, Meeting]:
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if not can_schedule_meeting(user, meeting):
        raise PermissionDenied("Only the team leader reschedules or cancels the team's meetings.")
    return user, meeting


# --- Reschedule and cancel ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Move a meeting that has not started to another day, time or length (in the team's own
    zone). A save against an older version of the meeting answers 409 and keeps what was typed."""
    user, meeting = _scheduled_by(request, meeting_id)
    start = meeting.local_start()
    form = MeetingRescheduleForm(
        request.POST if request.method == "POST" else None,
        time_zone=meeting.team.time_zone,
        initial={
            "day": start.date(),
            "start": start.time().replace(second=0, microsecond=0),
            "minutes": meeting.minutes,
            "version": meeting.version,
        },
    )
    status = 200
    if form.is_bound:
        moved = attempt(
            form,
            lambda data: services.meeting_reschedule(
                meeting=meeting,
                by=user,
                starts_at=form.starts_at(),
                minutes=data["minutes"],
                expected_version=data["version"],
            ),
        )
        if moved.done:
            messages.success(request, f"The meeting now starts {_day(moved.result)}.")
            return back_to("meeting-detail", meeting)
        status = moved.status
    return render(
        request,
        "agendas/meeting_reschedule.html",
        {"meeting": meeting, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Ask first, then call the meeting off: its waiting items move to the team's next
    meeting (planned if need be), and the answer says where."""
    user, meeting = _scheduled_by(request, meeting_id)
    waiting = AgendaItem.objects.filter(
        meeting=meeting, status__in=[*WAITING_ITEM_STATUSES, ItemStatus.DEFERRED]
    ).select_related("case")
    form = MeetingCancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        moving = list(waiting.values_list("pk", flat=True))
        cancelled = attempt(form, lambda _: services.meeting_cancel(meeting=meeting, by=user))
        if cancelled.done:
            note = "The meeting is cancelled."
            first = AgendaItem.objects.filter(pk__in=moving).select_related("meeting__team").first()
            if first is not None:
                note += f" {counted(len(moving), 'waiting item')} moved to {_day(first.meeting)}."
            messages.success(request, note)
            return back_to("meeting-detail", meeting)
        status = cancelled.status
    audit_read(meeting, team=meeting.team_id, parts=["agenda"])
    context = {
        "meeting": meeting,
        "form": form,
        "waiting": waiting,
        "following": services.next_meeting(meeting, plan=False),
    }
    return render(request, "agendas/meeting_cancel.html", context, status=status)


# --- Attendance ----------------------------------------------------------------------------------


@login_required
@require_POST
def attendance_record(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Record who came: whoever runs the meeting or takes its notes."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if not can_write_minutes(user, meeting):
        raise PermissionDenied(
            "The meeting's leader, the note-taker or the team leader records attendance."
        )
    form = choose_prompt(AttendanceRecordForm(request.POST, members=members_of(meeting)))
    recorded = attempt(
        form,
        lambda data: services.attendance_record(
            meeting=meeting, member=data["member"], status=data["status"], by=user
        ),
    )
    if recorded.done:
        row = recorded.result
        messages.success(request, f"{row.member.display_name}: {row.get_status_display()}.")
        return back_to("meeting-run", meeting, "attendance-heading")
    return run_page(request, user, meeting, status=recorded.status, attendance_form=form)


# --- Action items --------------------------------------------------------------------------------


@login_required
@require_POST
def action_item_status(request: HttpRequest, action_id: uuid.UUID) -> HttpResponse:
    """Mark an action done or dropped: its owner, or whoever writes the minutes."""
    user = person(request)
    action = visible_part(user, ActionItem, action_id)
    if not can_change_action_item(user, action):
        raise PermissionDenied("Only its owner or whoever writes the minutes changes an action.")
    form = ActionItemStatusForm(request.POST)
    changed = attempt(
        form,
        lambda data: services.action_item_update(
            action=action, by=user, changes={"status": data["status"]}
        ),
    )
    if changed.done:
        messages.success(request, f"Marked {changed.result.get_status_display().lower()}.")
        # Back where it was marked: my week (a fixed name, never an address from the form)
        # or the meeting's page.
        if request.POST.get("back") == "home":
            return redirect("home")
        return back_to("meeting-detail", action.meeting, f"action-{action.public_id}")
    messages.error(request, f"The action was not changed. {_reasons(form)}")
    return detail_page(request, user, action.meeting, status=changed.status)


# --- One's own item ------------------------------------------------------------------------------


def _changeable_item(request: HttpRequest, item_id: uuid.UUID) -> tuple[User, AgendaItem]:
    user = person(request)
    item = visible_item(user, item_id)
    if not can_change_agenda_item(user, item):
        raise PermissionDenied(
            "Only the person who brought the item or the team leader changes it."
        )
    return user, item


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    """Change one's own item until the meeting starts (the team leader may too)."""
    user, item = _changeable_item(request, item_id)
    meeting = item.meeting
    initial = {name: getattr(item, name) for name in services.agenda.ITEM_FIELDS}
    form = AgendaItemEditForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if form.is_bound:
        saved = attempt(
            form,
            lambda data: services.agenda_item_update(
                item=item,
                by=user,
                changes=form.changes(item),
                identifier_override=data.get("identifier_override") or None,
            ),
        )
        if saved.done:
            changed = saved.result
            if changed.meeting_id == meeting.pk:
                messages.success(request, f"Saved “{changed.title}”.")
            else:
                day = f"{changed.meeting.local_start():%Y-%m-%d}"
                messages.success(
                    request,
                    f"Saved “{changed.title}”. No longer imminent risk and past this meeting's "
                    f"cutoff, it goes to the next meeting, on {day}.",
                )
            return back_to("meeting-detail", changed.meeting, f"item-{item.public_id}")
        status = saved.status
    audit_read(item, team=meeting.team_id)
    context = {
        "meeting": meeting,
        "item": item,
        "form": form,
        "started": meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= timezone.now(),
    }
    return render(request, "agendas/agenda_item_edit.html", context, status=status)


@login_required
@require_POST
def agenda_item_withdraw(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    """Take one's own item off the agenda until the meeting starts. It can be brought back
    (edit it and submit it) until then."""
    user, item = _changeable_item(request, item_id)
    # The form has no field: it carries only the refusal, if the service gives one.
    form = PageForm(request.POST)
    withdrawn = attempt(
        form,
        lambda _: services.agenda_item_update(
            item=item, by=user, changes={"status": ItemStatus.WITHDRAWN}
        ),
    )
    if withdrawn.done:
        messages.success(request, f"Withdrew “{item.title}”: it is off the agenda.")
        return back_to("meeting-detail", item.meeting, "agenda-heading")
    messages.error(request, f"The item was not withdrawn. {_reasons(form)}")
    return detail_page(request, user, item.meeting, status=withdrawn.status)


# --- Observer flags ------------------------------------------------------------------------------


@login_required
@require_POST
def observer_flag_acknowledge(request: HttpRequest, flag_id: uuid.UUID) -> HttpResponse:
    """Record that the team heard a flag, and how it was repaired: whoever runs the meeting."""
    user = person(request)
    flag = visible_part(user, ObserverFlag, flag_id)
    if not can_acknowledge_observer_flag(user, flag):
        raise PermissionDenied("Only the meeting's leader or the team leader acknowledges flags.")
    form = ObserverFlagAcknowledgeForm(request.POST, auto_id=f"ack-{flag.public_id}-%s")
    acknowledged = attempt(
        form,
        lambda data: services.observer_flag_acknowledge(
            flag=flag,
            by=user,
            repair_note=data["repair_note"],
            identifier_override=data["identifier_override"] or None,
        ),
    )
    if acknowledged.done:
        messages.success(request, f"Acknowledged: {flag.get_reason_display()}.")
        return back_to("meeting-run", flag.meeting, "flags-heading")
    return run_page(
        request, user, flag.meeting, status=acknowledged.status, failed_ack=(flag, form)
    )
