"""The meeting's pages. Thin: each view fetches through `visible_to` (404 for a meeting of
another team), asks a predicate before showing or taking a change (403), and leaves every write
to agendas/services."""

from agendas.views.calendar import calendar_feed, calendar_settings, meeting_calendar_file
from agendas.views.changes import (
    action_item_status,
    agenda_item_edit,
    agenda_item_withdraw,
    attendance_record,
    meeting_cancel,
    meeting_reschedule,
    observer_flag_acknowledge,
)
from agendas.views.meetings import (
    agenda_item_move,
    agenda_item_new,
    meeting_absence,
    meeting_detail,
    meeting_list,
    meeting_role_assign,
    meeting_role_swap,
    meeting_roles_rotate,
    meetings_plan,
)
from agendas.views.record import (
    meeting_minutes_md,
    meeting_minutes_pdf,
    meeting_past,
    meeting_record_page,
)
from agendas.views.run import (
    action_item_new,
    agenda_item_defer,
    agenda_item_discuss,
    meeting_complete,
    meeting_minutes,
    meeting_run,
    meeting_start,
    observer_flag_new,
)
from agendas.views.team_settings import team_meeting_settings

__all__ = [
    "action_item_new",
    "action_item_status",
    "agenda_item_defer",
    "agenda_item_discuss",
    "agenda_item_edit",
    "agenda_item_move",
    "agenda_item_new",
    "agenda_item_withdraw",
    "attendance_record",
    "calendar_feed",
    "calendar_settings",
    "meeting_absence",
    "meeting_calendar_file",
    "meeting_cancel",
    "meeting_complete",
    "meeting_detail",
    "meeting_list",
    "meeting_minutes",
    "meeting_minutes_md",
    "meeting_minutes_pdf",
    "meeting_past",
    "meeting_record_page",
    "meeting_reschedule",
    "meeting_role_assign",
    "meeting_role_swap",
    "meeting_roles_rotate",
    "meeting_run",
    "meeting_start",
    "meetings_plan",
    "observer_flag_acknowledge",
    "observer_flag_new",
    "team_meeting_settings",
]
