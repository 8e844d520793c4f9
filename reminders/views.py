"""Pages: one's notifications (and marking them read), and the operators' view of delivery."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from consultteam.errors import Conflict
from reminders import services
from reminders.choices import ReminderStatus
from reminders.messages import wording_of
from reminders.models import Reminder
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
