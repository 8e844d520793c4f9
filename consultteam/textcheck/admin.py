"""Admins keep the language rules: the defaults (no team) and, until teams get a page of their
own, any team's rules. Phrases are edited one per line; the assumptions and agreements are
picked from the reference codes. The form refuses a phrase that does not compile and says why
(LanguageRule.clean)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from consultteam.reference.models import AgreementCode, AssumptionCode
from consultteam.textcheck.models import LanguageRule


class PhraseLines(forms.CharField):
    """A JSON list of phrases shown and edited as one phrase per line."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 80})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(phrase) for phrase in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class LanguageRuleForm(forms.ModelForm[LanguageRule]):
    phrases = PhraseLines(
        help_text=(
            "One phrase per line. Whole words, any case. word* takes any ending; * alone is any "
            "one word; a-b matches a hyphen, a space or nothing; (a|b) offers choices, (a|b)? "
            "makes them optional; !(a|b) at the start or end skips the match when those words "
            "come just before or just after. See consultteam/textcheck/phrases.py."
        )
    )
    assumptions = forms.TypedMultipleChoiceField(
        choices=AssumptionCode.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    agreements = forms.TypedMultipleChoiceField(
        choices=AgreementCode.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = LanguageRule
        fields = [
            "team",
            "category",
            "severity",
            "phrases",
            "suggestion",
            "assumptions",
            "agreements",
            "is_active",
        ]


@admin.register(LanguageRule)
class LanguageRuleAdmin(admin.ModelAdmin[LanguageRule]):
    form = LanguageRuleForm
    list_display = ["__str__", "category", "team", "severity", "is_active", "updated_at"]
    list_filter = ["category", ("team", admin.RelatedOnlyFieldListFilter), "severity", "is_active"]

    def has_delete_permission(self, request: HttpRequest, obj: LanguageRule | None = None) -> bool:
        # Untick "active" instead: remembered flags keep pointing at the rule that raised them,
        # and web processes still holding the rule in their compiled set can name it safely.
        return False

    list_select_related = ["team"]
    ordering = ["category", "team__name", "id"]
    search_fields = ["suggestion"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
