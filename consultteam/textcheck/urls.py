"""Routes of this app: `urlpatterns` are pages (none yet), `api_urlpatterns` live under
/api/v1/."""

from django.urls import URLPattern, URLResolver, path

from consultteam.textcheck import api

urlpatterns: list[URLPattern | URLResolver] = []
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("text-checks/", api.TextCheckView.as_view(), name="api-text-check"),
]
