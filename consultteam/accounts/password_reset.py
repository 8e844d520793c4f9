"""A forgotten password, reset by email with Django's own views and token generator.

- Asking answers the same page whatever was typed: the email goes only to an active account
  with that address, and nothing on the page or in its timing of the answer says which. Asking
  is limited per address typed and per client address (PASSWORD_RESETS_PER_HOUR).
- The link is Django's (`PasswordResetTokenGenerator`): it works once (the token covers the
  password hash) and for PASSWORD_RESET_TIMEOUT. A used or expired link answers 410 with a page
  that says how to get a new one.
- A reset never signs anyone in and never bypasses the second factor: the person signs in with
  the new password and then gives their code (an enrolled person) or enrols (REQUIRE_TWO_FACTOR).
  Setting the password ends their API tokens (signals.on_user_saved) and every session; it is
  audited as UPDATE of the person (["password", "password_reset"]).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse_lazy

from consultteam.accounts.models import User, normalize_email
from consultteam.accounts.services import user_sessions_end
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.client_address import client_ip
from consultteam.rate_limits import TooManyRequests, spend

# The marker on the UPDATE event of a password set through an emailed link.
RESET_MARKER = "password_reset"


def _spend_reset(*, email: str, ip: str | None) -> None:
    """Count one request for ``email`` and from ``ip``; TooManyRequests (429) past either."""
    per_hour: int = settings.PASSWORD_RESETS_PER_HOUR
    what = "password-reset emails asked for"
    spend(scope="password-reset-email", who=normalize_email(email), per_hour=per_hour, what=what)
    if ip is not None:
        spend(scope="password-reset-ip", who=ip, per_hour=per_hour, what=what)


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Type an email address; an email with a link goes to it if it is an active account's."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-done")

    def form_invalid(self, form: PasswordResetForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            _spend_reset(email=form.cleaned_data["email"], ip=client_ip(self.request))
        except TooManyRequests as error:
            form.add_error(None, error.message)
            response = super().form_invalid(form)
            response.status_code = error.status
            return response
        # Links start with SITE_URL, never with the Host header a request happened to carry.
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=settings.DEFAULT_FROM_EMAIL,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            html_email_template_name=self.html_email_template_name,
            request=self.request,
            extra_email_context={"site_url": settings.SITE_URL},
        )
        return super(auth_views.PasswordResetView, self).form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The emailed link: a new password twice (AUTH_PASSWORD_VALIDATORS). Never signs in."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")
    post_reset_login = False

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        # A used or expired link: a calm page that says what to do, with a 4xx for clients.
        if not context.get("validlink"):
            kwargs["status"] = 410
        response: HttpResponse = super().render_to_response(context, **kwargs)
        return response

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            audit_record(
                action=Action.UPDATE, obj=user, actor_id=user.pk, fields=["password", RESET_MARKER]
            )
            # Whoever was signed in as this person (perhaps who learnt the old password) is out.
            user_sessions_end(user=user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
