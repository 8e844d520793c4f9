"""Routes of this app: `urlpatterns` are pages, `api_urlpatterns` live under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from consultteam.reference import api, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.reference_index, name="reference-index"),
    path("assumptions/<str:code>/", views.assumption_detail, name="assumption-detail"),
    path("agreements/<str:code>/", views.agreement_detail, name="agreement-detail"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("agreements/", api.AgreementList.as_view(), name="api-agreement-list"),
    path("agreements/<str:code>/", api.AgreementDetail.as_view(), name="api-agreement-detail"),
    path("assumptions/", api.AssumptionList.as_view(), name="api-assumption-list"),
    path("assumptions/<str:code>/", api.AssumptionDetail.as_view(), name="api-assumption-detail"),
]
