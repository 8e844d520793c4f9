"""Routes of this app: `urlpatterns` are pages, `api_urlpatterns` live under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from consultteam.audit import api, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.audit_list, name="audit-list"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("audit-events/", api.AuditEventList.as_view(), name="api-audit-event-list"),
]
