"""Pages: one's notifications (and marking them read), and the operators' view of delivery."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from consultteam.errors import Conflict
from reminders import services
from reminders.choices import Channel, ReminderKind, ReminderStatus
from reminders.messages import wording_of
from reminders.models import Reminder, ReminderPreference
from reminders.permissions import can_operate_reminders

PAGE_SIZE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    sent = list(
        Reminder.objects.for_recipient(request.user).select_related("recipient", "meeting__team")[
            :PAGE_SIZE
        ]
    )
    rows = [(reminder, wording_of(reminder)) for reminder in sent]
    return render(request, "reminders/notification_list.html", {"rows": rows})


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    reminder = get_object_or_404(
        Reminder.objects.for_recipient(request.user), public_id=notification_id
    )
    services.notification_mark_read(reminder=reminder, by=request.user)
    return redirect("notification-list")


@login_required
def reminder_preferences(request: HttpRequest) -> HttpResponse:
    """One's choices for every kind of reminder. Saving checks every kind first: one bad value
    saves nothing and says which (400)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                for kind in ReminderKind.values:
                    _save_preference(request, kind, errors)
                if errors:
                    raise _Invalid
        except _Invalid:
            pass
        else:
            messages.success(request, "Your reminder choices are saved.")
            return redirect("reminder-preferences")
    rows = [
        (pref, ReminderKind(pref.kind).label, errors.get(pref.kind), pref.kind in services.NEWS)
        for pref in services.preferences_of(request.user)
    ]
    if errors:  # show what was typed, not what is stored
        rows = [(_typed(request, pref), label, error, news) for pref, label, error, news in rows]
    context = {"rows": rows, "channels": Channel.choices, "errors": errors}
    return render(request, "reminders/preferences.html", context, status=400 if errors else 200)


class _Invalid(Exception):
    """Rolls back the choices saved before a bad one."""


def _save_preference(request: HttpRequest, kind: str, errors: dict[str, str]) -> None:
    lead = request.POST.get(f"{kind}-lead_minutes", "").strip()
    if not lead.lstrip("-").isdigit():
        errors[kind] = "Give the lead time as a whole number of minutes."
        return
    try:
        services.preference_set(
            user=request.user,
            kind=kind,
            enabled=request.POST.get(f"{kind}-enabled") == "on",
            lead_minutes=int(lead),
            channel=request.POST.get(f"{kind}-channel", Channel.EMAIL),
        )
    except ValidationError as error:
        errors[kind] = " ".join(error.messages)


def _typed(request: HttpRequest, pref: ReminderPreference) -> ReminderPreference:
    typed = ReminderPreference(user=pref.user, kind=pref.kind, lead_minutes=pref.lead_minutes)
    typed.enabled = request.POST.get(f"{pref.kind}-enabled") == "on"
    typed.channel = request.POST.get(f"{pref.kind}-channel", pref.channel)
    lead = request.POST.get(f"{pref.kind}-lead_minutes", "")
    typed.lead_minutes = int(lead) if lead.lstrip("-").isdigit() else pref.lead_minutes
    return typed


@login_required
def reminder_operations(request: HttpRequest) -> HttpResponse:
    """Operators: the latest reminders of each state, with the error of those that failed."""
    if not can_operate_reminders(request.user):
        raise PermissionDenied
    base = Reminder.objects.select_related("recipient", "meeting__team")
    context = {
        "sections": [
            (label, list(base.filter(status=status).order_by(order, "-id")[:PAGE_SIZE]))
            for label, status, order in [
                ("Failed", ReminderStatus.FAILED, "-updated_at"),
                ("Waiting", ReminderStatus.PENDING, "send_at"),
                ("Sent", ReminderStatus.SENT, "-sent_at"),
            ]
        ],
    }
    return render(request, "reminders/operations.html", context)


@require_POST
@login_required
def reminder_retry(request: HttpRequest, reminder_id: str) -> HttpResponse:
    if not can_operate_reminders(request.user):
        raise PermissionDenied
    reminder = get_object_or_404(Reminder, public_id=reminder_id)
    try:
        services.reminder_retry(reminder=reminder, by=request.user)
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The reminder is queued again; the next sweep sends it.")
    return redirect("reminder-operations")
