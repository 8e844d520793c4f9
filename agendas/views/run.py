"""Running the meeting: the current item against its time box, discussed or deferred, action
items, the observer's flags, the note-taker's minutes, and completing with carry-over.

The run page is for whoever has a part in running it: the meeting's leader and the team leader
(the agenda, completion), the note-taker (minutes, action items) and the observer (flags). Each
sees the parts their role may use; the services re-check every rule."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agendas import services
from agendas.choices import (
    OPEN_MEETING_STATUSES,
    SETTLED_ITEM_STATUSES,
    ActionStatus,
    FlagReason,
    MeetingStatus,
)
from agendas.forms import (
    ActionItemForm,
    AgendaItemDiscussForm,
    AttendanceRecordForm,
    CompleteForm,
    MinutesForm,
    ObserverFlagAcknowledgeForm,
    ObserverFlagForm,
)
from agendas.models import ActionItem, AgendaItem, Attendance, Meeting, ObserverFlag
from agendas.permissions import (
    can_raise_observer_flag,
    can_run_agenda_item,
    can_run_meeting,
    can_write_minutes,
)
from agendas.views._common import (
    back_to,
    choose_prompt,
    members_of,
    person,
    visible_item,
    visible_meeting,
)
from consultteam.accounts.models import User
from consultteam.audit.services import audit_read
from consultteam.errors import Conflict
from consultteam.plural import counted
from consultteam.web.attempt import attempt
from consultteam.web.pages import is_htmx, varies_with_htmx


def _has_a_part(user: User, meeting: Meeting) -> bool:
    return can_write_minutes(user, meeting) or can_raise_observer_flag(user, meeting)


def _action_form(meeting: Meeting, data: Any = None) -> ActionItemForm:
    return choose_prompt(
        ActionItemForm(
            data, members=members_of(meeting), items=AgendaItem.objects.filter(meeting=meeting)
        )
    )


def run_page(
    request: HttpRequest,
    user: User,
    meeting: Meeting,
    *,
    status: int = 200,
    discuss_form: AgendaItemDiscussForm | None = None,
    action_form: ActionItemForm | None = None,
    flag_form: ObserverFlagForm | None = None,
    minutes_form: MinutesForm | None = None,
    attendance_form: AttendanceRecordForm | None = None,
    failed_ack: tuple[ObserverFlag, ObserverFlagAcknowledgeForm] | None = None,
) -> HttpResponse:
    audit_read(meeting, team=meeting.team_id, parts=["agenda", "minutes"])
    """The run page; a failed form comes back bound, with what was typed and why."""
    if not _has_a_part(user, meeting):
        raise PermissionDenied(
            "The run page is for the meeting's leader, note-taker, observer and the team leader."
        )
    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("case", "submitter"))
    agenda = services.agenda_for(meeting, items)
    current = agenda.items[0] if agenda.items else None
    open_meeting = meeting.status in OPEN_MEETING_STATUSES
    runs = can_run_meeting(user, meeting)
    writes = can_write_minutes(user, meeting)
    flags = can_raise_observer_flag(user, meeting)
    if action_form is None and writes:
        action_form = _action_form(meeting)
        if current is not None:
            action_form.initial["agenda_item"] = current.public_id
    if attendance_form is None and writes and open_meeting:
        attendance_form = choose_prompt(AttendanceRecordForm(members=members_of(meeting)))
    acknowledges = runs and open_meeting
    flag_rows = [
        (flag, _ack_form(flag, failed_ack, offer=acknowledges and not flag.acknowledged))
        for flag in ObserverFlag.objects.filter(meeting=meeting).select_related(
            "agreement", "agenda_item"
        )
    ]
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "current": current,
        "next_items": agenda.items[1:],
        "imminent": agenda.imminent,
        "done": [item for item in items if item.status in SETTLED_ITEM_STATUSES],
        "open_meeting": open_meeting,
        "runs": runs,
        "writes": writes,
        "flags": flags,
        "discuss_form": discuss_form or AgendaItemDiscussForm(),
        "flag_form": flag_form or ObserverFlagForm(),
        "flag_reasons": FlagReason.choices,
        "minutes_form": minutes_form
        or MinutesForm(initial={"minutes_text": meeting.minutes_text, "version": meeting.version}),
        **_actions_context(meeting, action_form),
        "attendance": Attendance.objects.filter(meeting=meeting).select_related("member"),
        "attendance_form": attendance_form,
        "flag_rows": flag_rows,
    }
    return render(request, "agendas/meeting_run.html", context, status=status)


def _ack_form(
    flag: ObserverFlag,
    failed: tuple[ObserverFlag, ObserverFlagAcknowledgeForm] | None,
    *,
    offer: bool,
) -> ObserverFlagAcknowledgeForm | None:
    """The flag's own acknowledge form when ``offer``ed; the one that failed always comes back,
    with what was typed and why (even when the meeting closed meanwhile)."""
    if failed is not None and failed[0].pk == flag.pk:
        return failed[1]
    return ObserverFlagAcknowledgeForm(auto_id=f"ack-{flag.public_id}-%s") if offer else None


def _to_run(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return back_to("meeting-run", meeting, anchor)


@login_required
@require_GET
def meeting_run(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    user = person(request)
    return run_page(request, user, visible_meeting(user, meeting_id))


@login_required
@require_POST
def meeting_start(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Mark the meeting in progress. Safe to repeat."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if not can_run_meeting(user, meeting):
        raise PermissionDenied("Only the meeting's leader or the team leader starts it.")
    try:
        services.meeting_start(meeting=meeting, by=user)
    except Conflict as error:
        messages.error(request, error.message)
        return run_page(request, user, meeting, status=409)
    messages.success(request, "The meeting is in progress.")
    return _to_run(meeting)


def _runnable_item(request: HttpRequest, item_id: uuid.UUID) -> tuple[User, AgendaItem]:
    user = person(request)
    item = visible_item(user, item_id)
    if not can_run_agenda_item(user, item):
        raise PermissionDenied("Only the meeting's leader or the team leader runs the agenda.")
    return user, item


@login_required
@require_POST
def agenda_item_discuss(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    """Mark the item discussed, with what came of it and the minutes it took."""
    user, item = _runnable_item(request, item_id)
    form = AgendaItemDiscussForm(request.POST)
    discussed = attempt(
        form,
        lambda data: services.agenda_item_discuss(
            item=item,
            by=user,
            outcome=data["outcome"],
            actual_minutes=data["actual_minutes"],
            identifier_override=data["identifier_override"] or None,
        ),
    )
    if discussed.done:
        messages.success(request, f"Discussed: “{item.title}”.")
        return _to_run(item.meeting, "current-heading")
    return run_page(request, user, item.meeting, status=discussed.status, discuss_form=form)


@login_required
@require_POST
def agenda_item_defer(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    """Leave the item for the next meeting: completing this one carries it there."""
    user, item = _runnable_item(request, item_id)
    try:
        services.agenda_item_defer(item=item, by=user)
    except Conflict as error:
        messages.error(request, error.message)
        return run_page(request, user, item.meeting, status=409)
    messages.success(
        request, f"Deferred: “{item.title}” goes to the next meeting when this one is completed."
    )
    return _to_run(item.meeting, "current-heading")


@login_required
@require_POST
def action_item_new(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Record a commitment with its owner; followed up at the next meeting unless dated."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if not can_write_minutes(user, meeting):
        raise PermissionDenied(
            "The note-taker, the meeting's leader or the team leader adds actions."
        )
    form = _action_form(meeting, request.POST)
    added = attempt(
        form,
        lambda data: services.action_item_add(
            meeting=meeting,
            by=user,
            identifier_override=data.pop("identifier_override") or None,
            **data,
        ),
    )
    if is_htmx(request):
        # Only the section changes, so an outcome being typed on the page is kept.
        if not added.done:
            return _actions_section(request, meeting, form, status=added.status)
        fresh = _action_form(meeting)
        fresh.initial["agenda_item"] = request.POST.get("agenda_item", "")
        recorded = f"Action recorded for {added.result.owner.display_name}."
        return _actions_section(request, meeting, fresh, recorded=recorded)
    if added.done:
        messages.success(request, f"Action recorded for {added.result.owner.display_name}.")
        return varies_with_htmx(_to_run(meeting, "actions-heading"))
    return varies_with_htmx(run_page(request, user, meeting, status=added.status, action_form=form))


def _actions_section(
    request: HttpRequest,
    meeting: Meeting,
    form: ActionItemForm,
    *,
    status: int = 200,
    recorded: str = "",
) -> HttpResponse:
    """The run page's action items alone (templates/agendas/_run_actions.html), for htmx."""
    context = {
        "meeting": meeting,
        "open_meeting": meeting.status in OPEN_MEETING_STATUSES,
        "recorded": recorded,
        **_actions_context(meeting, form),
    }
    return varies_with_htmx(render(request, "agendas/_run_actions.html", context, status=status))


def _actions_context(meeting: Meeting, form: ActionItemForm | None) -> dict[str, Any]:
    """What the action items section shows, on the run page and in its htmx answer."""
    return {
        "action_form": form,
        "actions": ActionItem.objects.filter(meeting=meeting).select_related("owner"),
    }


@login_required
@require_POST
def observer_flag_new(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Name what was noticed: the meeting's observer or the team leader. Read back only as the
    team's counts."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if not can_raise_observer_flag(user, meeting):
        raise PermissionDenied("Only this meeting's observer or the team leader raises flags.")
    form = ObserverFlagForm(request.POST)
    raised = attempt(
        form,
        lambda data: services.observer_flag_raise(
            meeting=meeting, by=user, reason=data["reason"], agreement=data["agreement"]
        ),
    )
    if raised.done:
        messages.success(request, f"Noted: {raised.result.get_reason_display()}.")
        return _to_run(meeting, "flag-heading")
    return run_page(request, user, meeting, status=raised.status, flag_form=form)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Save the minutes against the version the writer started from: a save after someone
    else's answers 409 and keeps what was typed."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if not can_write_minutes(user, meeting):
        raise PermissionDenied(
            "The note-taker, the meeting's leader or the team leader writes minutes."
        )
    form = MinutesForm(request.POST)
    saved = attempt(
        form,
        lambda data: services.meeting_update(
            meeting=meeting,
            by=user,
            expected_version=data["version"],
            changes={"minutes_text": data["minutes_text"]},
            identifier_override=data["identifier_override"] or None,
        ),
    )
    if saved.done:
        messages.success(request, "Minutes saved.")
        return _to_run(meeting, "minutes-heading")
    return run_page(request, user, meeting, status=saved.status, minutes_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_complete(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Ask first, then complete: minutes locked, undiscussed items and open actions carried to
    the next meeting. The answer says where they went."""
    user = person(request)
    meeting = visible_meeting(user, meeting_id)
    if not can_run_meeting(user, meeting):
        raise PermissionDenied("Only the meeting's leader or the team leader completes it.")
    form = CompleteForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        completed = attempt(form, lambda _: services.meeting_complete(meeting=meeting, by=user))
        if completed.done:
            messages.success(request, _carried_note(meeting))
            return redirect("meeting-detail", meeting_id=meeting.public_id)
        status = completed.status
    audit_read(meeting, team=meeting.team_id, parts=["agenda", "action_items"])
    context = {
        "meeting": meeting,
        "form": form,
        "undiscussed": AgendaItem.objects.filter(meeting=meeting)
        .exclude(status__in=SETTLED_ITEM_STATUSES)
        .select_related("case"),
        "open_actions": ActionItem.objects.filter(
            meeting=meeting, status=ActionStatus.OPEN
        ).select_related("owner"),
        "following": services.next_meeting(meeting, plan=False),
        "completed": meeting.status == MeetingStatus.COMPLETED,
    }
    return render(request, "agendas/meeting_complete.html", context, status=status)


def _carried_note(meeting: Meeting) -> str:
    items = AgendaItem.objects.filter(carried_from__meeting=meeting).select_related("meeting__team")
    actions = ActionItem.objects.filter(carried_from__meeting=meeting).select_related(
        "meeting__team"
    )
    note = "The meeting is completed and its minutes are locked."
    first: AgendaItem | ActionItem | None = items.first() or actions.first()
    if first is None:
        return f"{note} Nothing was left to carry over."
    following = first.meeting
    when = following.local_start()
    return (
        f"{note} {counted(items.count(), 'undiscussed item')} and "
        f"{counted(actions.count(), 'open action item')} went to the meeting of "
        f"{when:%a %d %b %Y %H:%M} ({following.team.time_zone})."
    )
