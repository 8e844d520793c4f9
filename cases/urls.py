"""Routes of this app: `urlpatterns` are pages, `api_urlpatterns` live under /api/v1/."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from cases import api, views
from cases.views import emergency as emergency_views
from cases.views import review as review_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_new, name="case-new"),
    # Emergency (break-glass) access (cases/views/emergency.py)
    path("emergency/", emergency_views.emergency_access, name="emergency-access"),
    path("emergency/review/", emergency_views.emergency_review, name="emergency-review"),
    path(
        "emergency/<uuid:access_id>/review/",
        emergency_views.emergency_review_mark,
        name="emergency-review-mark",
    ),
    path("<uuid:case_id>/", views.case_detail, name="case-detail"),
    path("<uuid:case_id>/attended/", views.case_session_attended, name="case-attended"),
    # Feedback and review (cases/views/review.py)
    path("reviews/", review_views.review_queue, name="review-queue"),
    path("feedback/", review_views.my_feedback, name="my-feedback"),
    path("chains/<uuid:chain_id>/feedback/", review_views.chain_feedback, name="chain-feedback"),
    path("chains/<uuid:chain_id>/review/", review_views.chain_review, name="chain-review"),
    path("tib/<uuid:tib_id>/feedback/", review_views.tib_feedback, name="tib-feedback"),
    path("tib/<uuid:tib_id>/review/", review_views.tib_review, name="tib-review"),
    path("reviews/<uuid:review_id>/start/", review_views.review_start, name="review-start"),
    path("reviews/<uuid:review_id>/revise/", review_views.review_revise, name="review-revise"),
    path(
        "reviews/<uuid:review_id>/sign-off/", review_views.review_sign_off, name="review-sign-off"
    ),
    path(
        "reviews/<uuid:review_id>/resubmit/", review_views.review_resubmit, name="review-resubmit"
    ),
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
router.register("feedback", api.FeedbackViewSet, basename="api-feedback")
router.register("reviews", api.ReviewViewSet, basename="api-review")
router.register("emergency-access", api.EmergencyAccessViewSet, basename="api-emergency-access")

api_urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
