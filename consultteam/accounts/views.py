"""Pages for one's own account: API tokens, changing the password, two-factor sign-in, and
the list of signed-in sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from consultteam.accounts import two_factor
from consultteam.accounts.forms import TwoFactorCodeForm
from consultteam.accounts.models import ApiToken, RecoveryCode, User, UserSession
from consultteam.accounts.services import (
    api_token_revoke,
    recovery_codes_renew,
    two_factor_device,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_verify,
    user_session_end,
    user_sessions_end_elsewhere,
    user_sessions_end_others,
)
from consultteam.errors import DomainError


@login_required
def api_token_list(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.visible_to(request.user).order_by("-created_at", "-id")
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": tokens,
            "now": timezone.now(),
            "token_days": settings.API_TOKEN_DAYS,
            "idle_days": settings.API_TOKEN_IDLE_DAYS,
        },
    )


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


# --- Two-factor sign-in -----------------------------------------------------------------------


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponse:
    # Shown once, in the answer to the POST that made them (never stored, never cached).
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": enrolled})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor sign-in: scan the QR code (or type the secret), then confirm with one
    code. For someone who has it on already: the state, and new recovery codes on request."""
    user = _person(request)
    if two_factor_device(user) is not None:
        return _two_factor_on(request, user)
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_enrol_confirm(user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            if two_factor_device(user) is not None:  # confirmed meanwhile, in another tab
                return redirect("two-factor-setup")
            form.add_error("code", error.message)
            status = error.status
        else:
            two_factor.session_verified(request)
            # Sessions opened before, with the password alone, must sign in again with a code.
            session_key = request.session.session_key
            assert session_key is not None
            user_sessions_end_elsewhere(user=user, keep_session_key=session_key)
            return _recovery_codes_page(request, codes, enrolled=True)
    device = two_factor_enrol_start(user=user)
    context = {
        "form": form,
        "qr": two_factor.qr_data_uri(device),
        "secret": two_factor.secret_for_manual_entry(device),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


def _two_factor_on(request: HttpRequest, user: User) -> HttpResponse:
    if request.method == "POST" and "renew_recovery_codes" in request.POST:
        if two_factor.session_state(request, user) != two_factor.VERIFIED:
            messages.error(request, "Sign in again with a code before making new recovery codes.")
            return redirect("two-factor-setup")
        return _recovery_codes_page(request, recovery_codes_renew(user=user), enrolled=False)
    left = RecoveryCode.objects.filter(user=user).count()
    return render(request, "accounts/two_factor_on.html", {"recovery_codes_left": left})


@login_required
def two_factor_verify_page(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for a person with an authenticator: one code."""
    user = _person(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if two_factor.session_state(request, user) != two_factor.PENDING:
        return redirect(next_url or "home")
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            kind = two_factor_verify(user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
            status = error.status
        else:
            two_factor.session_verified(request)
            if kind == "recovery":
                left = RecoveryCode.objects.filter(user=user).count()
                messages.warning(
                    request,
                    f"You signed in with a recovery code; it cannot be used again. {left} left: "
                    "make new ones on the two-factor page if you are running low.",
                )
            return redirect(next_url or "home")
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=status,
    )


# --- Signed-in sessions -----------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    """One's signed-in sessions and API tokens, each with its way out."""
    sessions = UserSession.objects.visible_to(request.user).order_by("-last_seen_at", "-id")
    tokens = ApiToken.objects.visible_to(request.user).order_by("-created_at", "-id")
    context = {
        "sessions": sessions,
        "current_key": request.session.session_key,
        "tokens": tokens,
    }
    return render(request, "accounts/sessions.html", context)


@require_POST
@login_required
def session_end_page(request: HttpRequest, session_id: str) -> HttpResponse:
    session = get_object_or_404(UserSession.objects.visible_to(request.user), public_id=session_id)
    is_current = session.session_key == request.session.session_key
    user_session_end(session=session, by=_person(request))
    if is_current:
        # Its stored data is gone; drop what this request holds too, or it would be saved back.
        request.session.flush()
        return redirect("login")
    messages.success(request, f"The session on {session.device} is signed out.")
    return redirect("session-list")


@require_POST
@login_required
def session_end_others_page(request: HttpRequest) -> HttpResponse:
    session_key = request.session.session_key
    assert session_key is not None  # signed in
    ended = user_sessions_end_elsewhere(user=_person(request), keep_session_key=session_key)
    if ended:
        messages.success(request, f"Signed out of {ended} other session{'s' if ended > 1 else ''}.")
    else:
        messages.info(request, "You had no other sessions.")
    return redirect("session-list")
