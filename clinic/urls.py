"""Routes of this app, all pages (it has no API): the home page and a team's patterns, at the
addresses they had when they lived in the project and the text checks."""

from django.urls import URLPattern, URLResolver, path

from clinic import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("teams/<uuid:team_id>/patterns/", views.team_patterns, name="team-patterns"),
]
