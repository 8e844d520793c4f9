"""Invitation pages: a team's invitations (send, resend, revoke) for its leader or an
administrator, and the page the emailed link opens.

The accept page is for whoever holds the link, signed in or not. It never signs anyone in to an
existing account: for an address that has one, it asks them to sign in as that account first.
A link that is unknown, used, revoked or expired answers 404 or 410 with a calm page saying what
to do.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from consultteam.access import AnyUser
from consultteam.accounts.models import User
from consultteam.errors import DomainError
from consultteam.teams.invitations import (
    AccountExists,
    account_for_invitation,
    invitation_accept_as,
    invitation_accept_new,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitation_send,
)
from consultteam.teams.models import Invitation, Role, Team
from consultteam.teams.permissions import can_manage_invitations


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.THERAPIST)


class NewAccountForm(forms.Form):
    display_name = forms.CharField(
        label="Your name as colleagues see it", max_length=120, help_text="For example 'R. Vale'."
    )
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ: type the same one twice.")
        return cleaned


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _managed_team(request: HttpRequest, team_id: str) -> Team:
    """The team, 404 for one the person cannot see, 403 for one they see but may not invite to."""
    team = get_object_or_404(Team.objects.visible_to(request.user), public_id=team_id)
    if not can_manage_invitations(request.user, team):
        raise PermissionDenied("Only the team's leader or an administrator manages invitations.")
    return team


def pending_invitations(user: AnyUser, team: Team) -> list[Invitation]:
    """The team's pending invitations for its page, empty for who may not manage them."""
    if not can_manage_invitations(user, team):
        return []
    return list(
        Invitation.objects.visible_to(user).pending().filter(team=team).order_by("-sent_at")
    )


@login_required
def team_invitations(request: HttpRequest, team_id: str) -> HttpResponse:
    """The team's pending invitations, and the form to invite someone."""
    team = _managed_team(request, team_id)
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation_send(
                    team=team,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=_person(request),
                )
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    f"Invitation sent to {form.cleaned_data['email']}. The link works for "
                    "the days shown below, once.",
                )
                return redirect("team-invitations", team_id=team.public_id)
        else:
            status = 400
    context = {
        "team": team,
        "form": form,
        "invitations": pending_invitations(_person(request), team),
        "invitation_days": settings.INVITATION_DAYS,
    }
    return render(request, "teams/invitations.html", context, status=status)


def _invitation(request: HttpRequest, team_id: str, invitation_id: str) -> Invitation:
    team = _managed_team(request, team_id)
    return get_object_or_404(
        Invitation.objects.visible_to(request.user).select_related("team"),
        team=team,
        public_id=invitation_id,
    )


@require_POST
@login_required
def invitation_resend_page(request: HttpRequest, team_id: str, invitation_id: str) -> HttpResponse:
    invitation = _invitation(request, team_id, invitation_id)
    try:
        invitation_resend(invitation=invitation, by=_person(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A fresh link went to {invitation.email}; the old one is void.")
    return redirect("team-invitations", team_id=team_id)


@require_POST
@login_required
def invitation_revoke_page(request: HttpRequest, team_id: str, invitation_id: str) -> HttpResponse:
    invitation = _invitation(request, team_id, invitation_id)
    try:
        invitation_revoke(invitation=invitation, by=_person(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("team-invitations", team_id=team_id)


# --- The link -----------------------------------------------------------------------------------


def _link_problem(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request, "teams/invitation_gone.html", {"message": error.message}, status=error.status
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: join the team (signed in as the invited address), or make an account
    (an address with none)."""
    try:
        invitation = invitation_for_token(token)
    except DomainError as error:
        return _link_problem(request, error)
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        return _accept_signed_in(request, token, invitation, user)
    form = NewAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                person = invitation_accept_new(
                    token=token,
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as refused:
                for field, problems in refused.message_dict.items():
                    target = "password1" if field == "password" else field
                    for problem in problems:
                        form.add_error(target if target in form.fields else None, problem)
                status = 400
            except AccountExists as error:
                form.add_error(None, error.message)
                status = error.status
            except DomainError as error:
                return _link_problem(request, error)
            else:
                login(request, person, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    f"Welcome to {invitation.team.name}. Set up two-factor sign-in to continue.",
                )
                # The two-factor rule holds a new member to enrolment before anything else.
                return redirect("two-factor-setup")
        else:
            status = 400
    context = {
        "invitation": invitation,
        "form": form,
        "sign_in_url": f"{reverse('login')}?next={request.path}",
        "password_help": password_validators_help_text_html(),
    }
    return render(request, "teams/invitation_accept.html", context, status=status)


def _accept_signed_in(
    request: HttpRequest, token: str, invitation: Invitation, user: User
) -> HttpResponse:
    if request.method == "POST":
        try:
            membership = invitation_accept_as(token=token, user=user)
        except DomainError as error:
            return _link_problem(request, error)
        messages.success(request, f"You are now a member of {invitation.team.name}.")
        return redirect("team-detail", team_id=membership.team.public_id)
    is_for_you = account_for_invitation(invitation) == user
    return render(
        request,
        "teams/invitation_join.html",
        {"invitation": invitation, "is_for_you": is_for_you},
        status=200 if is_for_you else 403,
    )
