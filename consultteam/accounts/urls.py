"""Routes of this app: `urlpatterns` are pages, `api_urlpatterns` live under /api/v1/."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, path

from consultteam.accounts import api, password_reset, views
from consultteam.accounts.forms import SignInForm

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    # Signing out ends all of the person's sessions (see signals.on_logged_out).
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    # A forgotten password (password_reset.py): ask, check the email, the link, done.
    path(
        "password/reset/",
        password_reset.PasswordResetRequestView.as_view(),
        name="password-reset",
    ),
    path(
        "password/reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        password_reset.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("tokens/", views.api_token_list, name="api-token-list"),
    path("tokens/<uuid:token_id>/revoke/", views.api_token_revoke_page, name="api-token-revoke"),
    path("two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify_page, name="two-factor-verify"),
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/<uuid:session_id>/end/", views.session_end_page, name="session-end"),
    path("sessions/end-others/", views.session_end_others_page, name="session-end-others"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", api.ApiTokenIssueView.as_view(), name="api-token-issue"),
    path("auth/tokens/", api.ApiTokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<uuid:token_id>/", api.ApiTokenDetailView.as_view(), name="api-token-detail"),
]
