"""Routes of this app: `urlpatterns` are pages, `api_urlpatterns` live under /api/v1/. A team's
patterns page (teams/<id>/patterns/) reads the meetings and the record too: clinic/urls.py."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from consultteam.teams import api, invitation_urls, roles_api, setup_views, views
from consultteam.textcheck import views as textcheck_views

router = SimpleRouter()
router.register("teams", api.TeamViewSet, basename="api-team")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.team_list, name="team-list"),
    path("new/", setup_views.team_create_page, name="team-create"),
    path("<uuid:team_id>/", views.team_detail, name="team-detail"),
    path("<uuid:team_id>/edit/", setup_views.team_edit_page, name="team-edit"),
    path(
        "<uuid:team_id>/members/<uuid:member_id>/role/",
        setup_views.member_role_page,
        name="team-member-role",
    ),
    path(
        "<uuid:team_id>/language-rules/",
        textcheck_views.team_language_rules,
        name="team-language-rules",
    ),
    path(
        "<uuid:team_id>/language-rules/<uuid:rule_id>/edit/",
        textcheck_views.team_language_rule_edit,
        name="team-language-rule-edit",
    ),
    path(
        "<uuid:team_id>/language-rules/<uuid:rule_id>/deactivate/",
        textcheck_views.team_language_rule_deactivate,
        name="team-language-rule-deactivate",
    ),
    *invitation_urls.urlpatterns,
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    *invitation_urls.api_urlpatterns,
    path(
        "teams/<uuid:team_id>/members/<uuid:member_id>/",
        roles_api.MemberRoleView.as_view(),
        name="api-team-member-detail",
    ),
    path("", include(router.urls)),
]
