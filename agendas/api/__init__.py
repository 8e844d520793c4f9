"""Meetings in the API: the schedule, the agenda, roles, attendance, action items, the
observer's team counts and the minutes as Markdown.

Thin views. Every lookup starts from `visible_to`, so a meeting (or item) of another team
answers 404 and never appears in a list. Each action has its rule in `rules` (ActionRules
refuses an action without one); every write goes through `agendas.services`, which re-checks
its own rule (403 for something the caller can see) and answers with the fresh object.
"""

from agendas.api.calendar import CalendarFeedView, MeetingCalendarView
from agendas.api.common import action_items_query, agenda_items_of
from agendas.api.items import (
    ActionItemViewSet,
    AgendaItemViewSet,
    ObserverFlagViewSet,
    ObserverSummaryView,
)
from agendas.api.meetings import MeetingViewSet
from agendas.api.team_settings import TeamMeetingSettingsView

__all__ = [
    "ActionItemViewSet",
    "AgendaItemViewSet",
    "CalendarFeedView",
    "MeetingCalendarView",
    "MeetingViewSet",
    "ObserverFlagViewSet",
    "ObserverSummaryView",
    "TeamMeetingSettingsView",
    "action_items_query",
    "agenda_items_of",
]
