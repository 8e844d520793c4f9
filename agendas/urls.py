"""Routes of this app: `urlpatterns` are pages (under /meetings/), `api_urlpatterns` live under
/api/v1/."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from agendas import api, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.meeting_list, name="meeting-list"),
    path("plan/", views.meetings_plan, name="meetings-plan"),
    path("<uuid:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("<uuid:meeting_id>/absence/", views.meeting_absence, name="meeting-absence"),
    path("<uuid:meeting_id>/roles/swap/", views.meeting_role_swap, name="meeting-role-swap"),
    path("<uuid:meeting_id>/items/new/", views.agenda_item_new, name="agenda-item-new"),
    path("items/<uuid:item_id>/move/", views.agenda_item_move, name="agenda-item-move"),
    path("<uuid:meeting_id>/run/", views.meeting_run, name="meeting-run"),
    path("<uuid:meeting_id>/start/", views.meeting_start, name="meeting-start"),
    path("items/<uuid:item_id>/discuss/", views.agenda_item_discuss, name="agenda-item-discuss"),
    path("items/<uuid:item_id>/defer/", views.agenda_item_defer, name="agenda-item-defer"),
    path("<uuid:meeting_id>/actions/new/", views.action_item_new, name="action-item-new"),
    path("<uuid:meeting_id>/flags/new/", views.observer_flag_new, name="observer-flag-new"),
    path("<uuid:meeting_id>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path("<uuid:meeting_id>/complete/", views.meeting_complete, name="meeting-complete"),
    path("<uuid:meeting_id>/minutes.md", views.meeting_minutes_md, name="meeting-minutes-md"),
    path("<uuid:meeting_id>/meeting.ics", views.meeting_calendar_file, name="meeting-ics"),
    path("calendar/", views.calendar_settings, name="calendar-settings"),
    path("calendar/<str:key>.ics", views.calendar_feed, name="calendar-feed"),
]

router = SimpleRouter()
router.register("meetings", api.MeetingViewSet, basename="api-meeting")
router.register("agenda-items", api.AgendaItemViewSet, basename="api-agenda-item")
router.register("action-items", api.ActionItemViewSet, basename="api-action-item")

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    path(
        "meetings/<uuid:meeting_id>/ics",
        api.MeetingCalendarView.as_view(),
        name="api-meeting-ics",
    ),
    path(
        "observer-summary/<uuid:team_id>/",
        api.ObserverSummaryView.as_view(),
        name="api-observer-summary",
    ),
    path("calendar-feed/", api.CalendarFeedView.as_view(), name="api-calendar-feed"),
]
