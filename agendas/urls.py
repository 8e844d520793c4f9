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
    path(
        "<uuid:meeting_id>/roles/rotate/", views.meeting_roles_rotate, name="meeting-roles-rotate"
    ),
    path("<uuid:meeting_id>/roles/assign/", views.meeting_role_assign, name="meeting-role-assign"),
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
    path("<uuid:meeting_id>/minutes.pdf", views.meeting_minutes_pdf, name="meeting-minutes-pdf"),
    path("<uuid:meeting_id>/record/", views.meeting_record_page, name="meeting-record"),
    path("teams/<uuid:team_id>/past/", views.meeting_past, name="meeting-past"),
    path(
        "teams/<uuid:team_id>/settings/",
        views.team_meeting_settings,
        name="team-meeting-settings",
    ),
    path("<uuid:meeting_id>/reschedule/", views.meeting_reschedule, name="meeting-reschedule"),
    path("<uuid:meeting_id>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("<uuid:meeting_id>/attendance/", views.attendance_record, name="attendance-record"),
    path("actions/<uuid:action_id>/status/", views.action_item_status, name="action-item-status"),
    path("items/<uuid:item_id>/edit/", views.agenda_item_edit, name="agenda-item-edit"),
    path("items/<uuid:item_id>/withdraw/", views.agenda_item_withdraw, name="agenda-item-withdraw"),
    path(
        "flags/<uuid:flag_id>/acknowledge/",
        views.observer_flag_acknowledge,
        name="observer-flag-acknowledge",
    ),
    path("<uuid:meeting_id>/meeting.ics", views.meeting_calendar_file, name="meeting-ics"),
    path("calendar/", views.calendar_settings, name="calendar-settings"),
    path("calendar/<str:key>.ics", views.calendar_feed, name="calendar-feed"),
]

router = SimpleRouter()
router.register("meetings", api.MeetingViewSet, basename="api-meeting")
router.register("agenda-items", api.AgendaItemViewSet, basename="api-agenda-item")
router.register("action-items", api.ActionItemViewSet, basename="api-action-item")
router.register("observer-flags", api.ObserverFlagViewSet, basename="api-observer-flag")

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
    path(
        "teams/<uuid:team_id>/meeting-settings/",
        api.TeamMeetingSettingsView.as_view(),
        name="api-team-meeting-settings",
    ),
]
