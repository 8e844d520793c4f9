"""Every write of the meeting. Each service re-checks its rule, validates the whole row before
saving (a 400 with a message a clinician can act on), runs in one transaction, locks the
meeting's row when it changes the meeting or its agenda (so two leaders take turns), and is
audited by the registry in apps.py.

Meetings carry a `version`: a change to the meeting names the version it was made against, and
a change against an older one is refused (409). A completed meeting is locked (409)."""

from agendas.services.agenda import (
    Agenda,
    Submitted,
    agenda_for,
    agenda_item_defer,
    agenda_item_discuss,
    agenda_item_move,
    agenda_item_submit,
    agenda_item_update,
    cutoff_of,
    in_order,
)
from agendas.services.meeting import (
    ObserverSummary,
    action_item_add,
    action_item_update,
    meeting_complete,
    meeting_start,
    meeting_update,
    observer_flag_acknowledge,
    observer_flag_raise,
    observer_summary,
)
from agendas.services.roles import role_assign, role_swap, roles_rotate, rotation_pool
from agendas.services.schedule import (
    attendance_notify_absence,
    attendance_record,
    meeting_cancel,
    meeting_reschedule,
    meeting_settings_of,
    meeting_settings_shown,
    meeting_settings_update,
    meetings_plan,
    next_meeting,
    slot_start,
)

__all__ = [
    "Agenda",
    "ObserverSummary",
    "Submitted",
    "action_item_add",
    "action_item_update",
    "agenda_for",
    "agenda_item_defer",
    "agenda_item_discuss",
    "agenda_item_move",
    "agenda_item_submit",
    "agenda_item_update",
    "attendance_notify_absence",
    "attendance_record",
    "cutoff_of",
    "in_order",
    "meeting_cancel",
    "meeting_complete",
    "meeting_reschedule",
    "meeting_settings_of",
    "meeting_settings_shown",
    "meeting_settings_update",
    "meeting_start",
    "meeting_update",
    "meetings_plan",
    "next_meeting",
    "observer_flag_acknowledge",
    "observer_flag_raise",
    "observer_summary",
    "role_assign",
    "role_swap",
    "roles_rotate",
    "rotation_pool",
    "slot_start",
]
