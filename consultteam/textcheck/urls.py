"""Routes of this app: `urlpatterns` are pages (under /text-flags/), `api_urlpatterns` live under
/api/v1/. The team's patterns page is a team page: consultteam/teams/urls.py routes it here."""

from django.urls import URLPattern, URLResolver, path

from consultteam.textcheck import api, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("of/<uuid:object_id>/", views.text_flags_of, name="text-flags-of"),
    path("<uuid:flag_id>/resolve/", views.text_flag_resolve, name="text-flag-resolve"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("text-checks/", api.TextCheckView.as_view(), name="api-text-check"),
    path("text-flags/", api.TextFlagListView.as_view(), name="api-text-flag-list"),
    path(
        "text-flags/<uuid:flag_id>/resolve/",
        api.TextFlagResolveView.as_view(),
        name="api-text-flag-resolve",
    ),
    path(
        "language-rules/",
        api.LanguageRuleViewSet.as_view({"get": "list", "post": "create"}, detail=False),
        name="api-language-rule-list",
    ),
    path(
        "language-rules/<uuid:rule_id>/",
        api.LanguageRuleViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update"}, detail=True
        ),
        name="api-language-rule-detail",
    ),
]
