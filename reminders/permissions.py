"""Every access rule of reminders. A person sees and changes only their own notifications and
preferences; operators (active staff) see every reminder's state, never more than the
reminder itself holds (kind, time, status, error), and retry failed ones."""

from __future__ import annotations

from typing import Any

from consultteam.access import is_active_person
from reminders.models import Reminder


def can_manage_own_reminders(user: Any, obj: Any = None) -> bool:
    return is_active_person(user)


def can_operate_reminders(user: Any, obj: Any = None) -> bool:
    return is_active_person(user) and bool(user.is_staff)


def can_mark_read(user: Any, reminder: Reminder | None) -> bool:
    return is_active_person(user) and reminder is not None and reminder.recipient_id == user.pk
