"""Pages for one's own account: API tokens, and changing the password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from consultteam.accounts.models import ApiToken, User
from consultteam.accounts.services import api_token_revoke, user_sessions_end_others


@login_required
def api_token_list(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.visible_to(request.user).order_by("-created_at", "-id")
    return render(request, "accounts/api_tokens.html", {"tokens": tokens})


@require_POST
@login_required
def api_token_revoke_page(request: HttpRequest, token_id: str) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), public_id=token_id)
    by = request.user
    assert isinstance(by, User)  # login_required
    api_token_revoke(token=token, by=by)
    messages.success(request, f"Token “{token}” is revoked; requests using it are refused.")
    return redirect("api-token-list")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, new one twice, the configured validators), on
    our template. The current session stays signed in; every other session is ended."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        previous_key = self.request.session.session_key
        # Saves the password and keeps this session signed in (update_session_auth_hash),
        # which gives the session a new key.
        response = super().form_valid(form)
        current_key = self.request.session.session_key
        assert current_key is not None
        user = form.user
        assert isinstance(user, User)
        ended = user_sessions_end_others(
            user=user, current_session_key=current_key, previous_session_key=previous_key
        )
        note = " You were signed out everywhere else." if ended else ""
        messages.success(self.request, f"Your password is changed.{note}")
        return response
