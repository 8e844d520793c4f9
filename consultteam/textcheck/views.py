"""Pages of the text checks: the flags of one record (keep with a reason, or dismiss) and a
team's own language rules. (A team's patterns, which read the meetings and the clinical record
too, are a page of the clinic app.)

Which record a flag belongs to, and who may see or change it, is the record's app's business
(`textcheck.registry`): a record one may not see answers 404, as if it had no flags.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultteam.access import is_active_person
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.reference.models import AgreementCode, AssumptionCode
from consultteam.teams.models import Team
from consultteam.textcheck import registry, services
from consultteam.textcheck.models import (
    FlagStatus,
    LanguageCategory,
    LanguageRule,
    Severity,
)
from consultteam.textcheck.permissions import (
    can_manage_language_rules,
    can_view_language_rules,
    visible_flag,
    visible_flags_of,
)


def _person(request: HttpRequest) -> User:
    user = request.user
    if not is_active_person(user):
        raise PermissionDenied
    return user


class FlagResolveForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in services.RESOLUTIONS])
    reason = forms.CharField(
        required=False,
        max_length=services.MAX_REASON,
        label="Reason for keeping it",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": services.MAX_REASON}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


def _back_to(request: HttpRequest, given: str, fallback: str) -> str:
    if given and url_has_allowed_host_and_scheme(
        given, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return given
    return fallback


@login_required
@require_GET
def text_flags_of(request: HttpRequest, object_id: uuid.UUID) -> HttpResponse:
    """Every flag remembered on one record, the open ones with "keep" and "dismiss"."""
    user = _person(request)
    flags = visible_flags_of(user, object_id)
    if not flags:
        raise Http404
    can_change = registry.can_change_object(user, flags[0].object_type, object_id)
    context = {
        "open_flags": [f for f in flags if f.status == FlagStatus.OPEN],
        "settled": [f for f in flags if f.status != FlagStatus.OPEN],
        "can_resolve": can_change,
        "next": request.GET.get("next", ""),
    }
    return render(request, "textcheck/flags_of.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def text_flag_resolve(request: HttpRequest, flag_id: uuid.UUID) -> HttpResponse:
    """Keep a language flag (with a required reason) or dismiss it, then go back to the page
    it was shown on. A refusal shows the flag again with why."""
    user = _person(request)
    flag = visible_flag(user, flag_id)
    if flag is None:
        raise Http404
    if not registry.can_change_object(user, flag.object_type, flag.object_id):
        raise PermissionDenied("Only someone who may change the text can keep or dismiss this.")
    form = FlagResolveForm(
        request.POST if request.method == "POST" else None,
        initial={"status": FlagStatus.KEPT, "next": request.GET.get("next", "")},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.text_flag_resolve(
                flag=flag, by=user, status=data["status"], reason=data["reason"]
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            done = "Kept, with your reason." if data["status"] == FlagStatus.KEPT else "Dismissed."
            messages.success(request, f"“{flag.excerpt}”: {done} It will not be raised again.")
            fallback = reverse("text-flags-of", kwargs={"object_id": flag.object_id})
            return redirect(_back_to(request, data["next"], fallback))
    status = 400 if form.is_bound else 200
    # The way back without deciding: where the flag was shown (only an address on this site),
    # else the record's list of flags.
    given = request.POST.get("next", "") if form.is_bound else request.GET.get("next", "")
    back = _back_to(request, given, reverse("text-flags-of", kwargs={"object_id": flag.object_id}))
    context = {"flag": flag, "form": form, "back": back}
    return render(request, "textcheck/flag_resolve.html", context, status=status)


# --- The team's own language rules --------------------------------------------------------------


class PhraseLines(forms.CharField):
    """The phrases of a rule, one per line; what was typed comes back as typed."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(phrase) for phrase in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class LanguageRuleForm(forms.Form):
    category = forms.ChoiceField(choices=LanguageCategory.choices)
    phrases = PhraseLines(
        help_text=(
            "One phrase per line. Whole words, any case. word* takes any ending; * alone is any "
            "one word; a-b matches a hyphen, a space or nothing; (a|b) offers choices; !(a|b) at "
            "the start or end skips the match when those words come just before or just after."
        )
    )
    suggestion = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A behavioural reframe in the team's own words.",
    )
    assumptions = forms.MultipleChoiceField(
        choices=AssumptionCode.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    agreements = forms.MultipleChoiceField(
        choices=AgreementCode.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.CAUTION)


class LanguageRuleEditForm(LanguageRuleForm):
    is_active = forms.BooleanField(required=False, label="Active: check the team's text for it")


@dataclass(frozen=True)
class RuleRow:
    rule: LanguageRule
    assumptions: list[str]
    agreements: list[str]


def _labelled(rule: LanguageRule) -> RuleRow:
    def labels(codes: Any, vocabulary: type[AssumptionCode] | type[AgreementCode]) -> list[str]:
        known = {str(code): str(label) for code, label in vocabulary.choices}
        if not isinstance(codes, list):
            return []
        return [known.get(str(code), str(code)) for code in codes]

    return RuleRow(
        rule, labels(rule.assumptions, AssumptionCode), labels(rule.agreements, AgreementCode)
    )


def _rules_team(user: User, team_id: uuid.UUID) -> Team:
    """The team, for one of its members (outsiders 404; others who see the team 403)."""
    team = get_object_or_404(Team.objects.visible_to(user), public_id=team_id)
    if not can_view_language_rules(user, team):
        raise PermissionDenied("The team's members see its language rules.")
    return team


def _may_manage(user: User, team: Team) -> None:
    if not can_manage_language_rules(user, team):
        raise PermissionDenied("Only the team leader can change the team's language rules.")


def _refused(form: forms.Form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _rules_page(
    request: HttpRequest,
    team: Team,
    form: forms.Form | None,
    *,
    editing: LanguageRule | None = None,
    status: int = 200,
) -> HttpResponse:
    own = LanguageRule.objects.filter(team=team).order_by("-is_active", "category", "id")
    defaults = LanguageRule.objects.filter(team__isnull=True, is_active=True)
    context = {
        "team": team,
        "defaults": [_labelled(rule) for rule in defaults.order_by("category", "id")],
        "own": [_labelled(rule) for rule in own],
        "can_manage": form is not None,
        "form": form,
        "editing": editing,
    }
    return render(request, "textcheck/team_rules.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def team_language_rules(request: HttpRequest, team_id: uuid.UUID) -> HttpResponse:
    """The default rules (read-only) and the team's own; its leader adds rules here. A phrase
    that does not compile shows the form again (400) with what was typed and why."""
    user = _person(request)
    team = _rules_team(user, team_id)
    can_manage = can_manage_language_rules(user, team)
    if request.method == "POST":
        _may_manage(user, team)
    form = LanguageRuleForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            rule = services.language_rule_add(team=team, by=user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Added: {rule}. It applies to the team's text from now on.")
            return redirect("team-language-rules", team_id=team.public_id)
    return _rules_page(
        request, team, form if can_manage else None, status=400 if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_language_rule_edit(
    request: HttpRequest, team_id: uuid.UUID, rule_id: uuid.UUID
) -> HttpResponse:
    """Change one of the team's own rules (its leader only)."""
    user = _person(request)
    team = _rules_team(user, team_id)
    rule = get_object_or_404(LanguageRule.objects.filter(team=team), public_id=rule_id)
    _may_manage(user, team)
    form = LanguageRuleEditForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(rule, name) for name in (*services.RULE_FIELDS, "is_active")},
    )
    if form.is_bound and form.is_valid():
        try:
            services.language_rule_update(rule=rule, by=user, changes=form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Saved. The team's text is checked with the change now.")
            return redirect("team-language-rules", team_id=team.public_id)
    status = 400 if form.is_bound else 200
    return _rules_page(request, team, form, editing=rule, status=status)


@login_required
@require_POST
def team_language_rule_deactivate(
    request: HttpRequest, team_id: uuid.UUID, rule_id: uuid.UUID
) -> HttpResponse:
    """Stop checking for one of the team's own rules (its leader only). Safe to repeat."""
    user = _person(request)
    team = _rules_team(user, team_id)
    rule = get_object_or_404(LanguageRule.objects.filter(team=team), public_id=rule_id)
    _may_manage(user, team)
    rule = services.language_rule_deactivate(rule=rule, by=user)
    messages.success(request, f"Deactivated: {rule}. Edit it to make it active again.")
    return redirect("team-language-rules", team_id=team.public_id)
