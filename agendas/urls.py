"""Routes of this app: `urlpatterns` are pages (none yet), `api_urlpatterns` live under
/api/v1/."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from agendas import api

urlpatterns: list[URLPattern | URLResolver] = []

router = SimpleRouter()
router.register("meetings", api.MeetingViewSet, basename="api-meeting")
router.register("agenda-items", api.AgendaItemViewSet, basename="api-agenda-item")
router.register("action-items", api.ActionItemViewSet, basename="api-action-item")

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    path(
        "observer-summary/<uuid:team_id>/",
        api.ObserverSummaryView.as_view(),
        name="api-observer-summary",
    ),
]
