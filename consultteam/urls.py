"""The project's routes. Each app owns its own: pages in `urlpatterns`, API in `api_urlpatterns`."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from agendas import urls as agendas_urls
from cases import urls as cases_urls
from consultteam import health, views
from consultteam.accounts import urls as accounts_urls
from consultteam.audit import urls as audit_urls
from consultteam.reference import urls as reference_urls
from consultteam.teams import urls as teams_urls
from consultteam.textcheck import urls as textcheck_urls
from reminders import urls as reminders_urls

api_v1 = [
    *accounts_urls.api_urlpatterns,
    *teams_urls.api_urlpatterns,
    *reference_urls.api_urlpatterns,
    *audit_urls.api_urlpatterns,
    *cases_urls.api_urlpatterns,
    *agendas_urls.api_urlpatterns,
    *textcheck_urls.api_urlpatterns,
    *reminders_urls.api_urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include(accounts_urls.urlpatterns)),
    path("teams/", include(teams_urls.urlpatterns)),
    path("reference/", include(reference_urls.urlpatterns)),
    path("audit/", include(audit_urls.urlpatterns)),
    path("cases/", include(cases_urls.urlpatterns)),
    path("meetings/", include(agendas_urls.urlpatterns)),
    path("text-flags/", include(textcheck_urls.urlpatterns)),
    path("", include(reminders_urls.urlpatterns)),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script, so the CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
