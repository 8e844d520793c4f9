"""Routes of this app: `urlpatterns` are pages, `api_urlpatterns` live under /api/v1/."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from cases import api, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_new, name="case-new"),
    path("<uuid:case_id>/", views.case_detail, name="case-detail"),
    path("<uuid:case_id>/attended/", views.case_session_attended, name="case-attended"),
    path("<uuid:case_id>/tib/new/", views.tib_new, name="tib-new"),
    path("tib/new/", views.tib_new_own, name="tib-new-own"),
    path("<uuid:case_id>/chains/new/", views.chain_new, name="chain-new"),
    path("chains/new/", views.chain_new_own, name="chain-new-own"),
    path("chains/<uuid:chain_id>/", views.chain_detail, name="chain-detail"),
    path("chains/<uuid:chain_id>/edit/", views.chain_edit, name="chain-edit"),
    path("chains/<uuid:chain_id>/status/", views.chain_status, name="chain-status"),
    path("chains/<uuid:chain_id>/links/", views.chain_link_add, name="chain-link-add"),
    path(
        "chains/<uuid:chain_id>/links/<uuid:link_id>/",
        views.chain_link_edit,
        name="chain-link-edit",
    ),
    path(
        "chains/<uuid:chain_id>/links/<uuid:link_id>/move/",
        views.chain_link_move,
        name="chain-link-move",
    ),
    path(
        "chains/<uuid:chain_id>/links/<uuid:link_id>/delete/",
        views.chain_link_delete,
        name="chain-link-delete",
    ),
    path(
        "chains/<uuid:chain_id>/consequences/",
        views.chain_consequence_add,
        name="chain-consequence-add",
    ),
    path(
        "chains/<uuid:chain_id>/consequences/<uuid:consequence_id>/delete/",
        views.chain_consequence_delete,
        name="chain-consequence-delete",
    ),
]

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="api-case")
router.register("tib-entries", api.TIBEntryViewSet, basename="api-tib-entry")
router.register("chain-analyses", api.ChainAnalysisViewSet, basename="api-chain-analysis")

api_urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
