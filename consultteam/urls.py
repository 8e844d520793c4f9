"""The project's routes. Each app owns its own: pages in `urlpatterns`, API in `api_urlpatterns`.

The apps above the core (cases, agendas, reminders, clinic) are named by their dotted paths, as
in INSTALLED_APPS and as `include("cases.urls")` does: Django loads them; the core imports none.
"""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import import_string
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from consultteam.accounts import urls as accounts_urls
from consultteam.audit import urls as audit_urls
from consultteam.health.views import healthz
from consultteam.metrics import metrics_view
from consultteam.reference import urls as reference_urls
from consultteam.teams import urls as teams_urls
from consultteam.textcheck import urls as textcheck_urls


def api_of(app: str) -> list[URLPattern | URLResolver]:
    """The API routes of an app above the core, by its name."""
    patterns: list[URLPattern | URLResolver] = import_string(f"{app}.urls.api_urlpatterns")
    return patterns


api_v1 = [
    *accounts_urls.api_urlpatterns,
    *teams_urls.api_urlpatterns,
    *reference_urls.api_urlpatterns,
    *audit_urls.api_urlpatterns,
    *api_of("cases"),
    *api_of("agendas"),
    *textcheck_urls.api_urlpatterns,
    *api_of("reminders"),
    # A member's last day: the handover composes cases and meetings, so it lives in clinic/.
    *api_of("clinic"),
]

urlpatterns = [
    # Answered by HealthzMiddleware before routing; named here so it can be reversed.
    path("healthz", healthz, name="healthz"),
    # For a Prometheus scraper holding METRICS_TOKEN; 404 when none is configured.
    path("metrics", metrics_view, name="metrics"),
    path("accounts/", include(accounts_urls.urlpatterns)),
    path("teams/", include(teams_urls.urlpatterns)),
    path("reference/", include(reference_urls.urlpatterns)),
    path("audit/", include(audit_urls.urlpatterns)),
    path("cases/", include("cases.urls")),
    path("meetings/", include("agendas.urls")),
    path("text-flags/", include(textcheck_urls.urlpatterns)),
    path("", include("reminders.urls")),
    # The home page and a team's patterns (teams/<id>/patterns/).
    path("", include("clinic.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script, so the CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# Under /api/ an unknown address or a crash answers JSON, as the schema documents.
handler404 = "consultteam.errors.not_found"
handler500 = "consultteam.errors.server_error_answer"
