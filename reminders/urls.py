"""Routes of reminders: pages in `urlpatterns`, the API in `api_urlpatterns`."""

from django.urls import URLPattern, URLResolver, path

from reminders import api, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("notifications/", views.notification_list, name="notification-list"),
    path(
        "notifications/<uuid:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
    path("notifications/preferences/", views.reminder_preferences, name="reminder-preferences"),
    path("reminders/", views.reminder_operations, name="reminder-operations"),
    path("reminders/<uuid:reminder_id>/retry/", views.reminder_retry, name="reminder-retry"),
]

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("reminder-preferences/", api.PreferenceView.as_view(), name="api-reminder-preferences"),
    path("notifications/", api.NotificationList.as_view(), name="api-notification-list"),
    path(
        "notifications/<uuid:notification_id>/read/",
        api.NotificationRead.as_view(),
        name="api-notification-read",
    ),
]
