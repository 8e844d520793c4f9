"""Routes of this app: the home page and a team's patterns, at the addresses they had when they
lived in the project and the text checks, and a member's last day (the handover) under the
team's address, page and API (`api_urlpatterns`, under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from clinic import handover_api, handover_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("teams/<uuid:team_id>/patterns/", views.team_patterns, name="team-patterns"),
    path(
        "teams/<uuid:team_id>/members/<uuid:member_id>/handover/",
        handover_views.member_handover,
        name="member-handover",
    ),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "teams/<uuid:team_id>/members/<uuid:member_id>/handover/",
        handover_api.MembershipHandoverView.as_view(),
        name="api-member-handover",
    ),
    path(
        "teams/<uuid:team_id>/members/<uuid:member_id>/end/",
        handover_api.MembershipEndView.as_view(),
        name="api-member-end",
    ),
]
