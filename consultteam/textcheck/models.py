"""Language rules: the data behind the assumption-aligned language check.

A rule is a list of phrases in the small syntax of phrases.py, the category of wording they
catch, a behavioural reframe in our own words, and the assumptions and agreements that reframe
draws on. A rule without a team is a default that applies to every team (seeded by migration
0002, kept by the admins); a rule with a team applies to that team's texts only. No rule ever
blocks saving: the severity only says how strongly the editor shows it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from consultteam.reference.models import AgreementCode, AssumptionCode
from consultteam.teams.models import Team
from consultteam.textcheck.phrases import PhraseError, check_phrase

MAX_PHRASES = 60


class LanguageCategory(models.TextChoices):
    PEJORATIVE_LABEL = "PEJORATIVE_LABEL", "Pejorative label"
    INTENT_ATTRIBUTION = "INTENT_ATTRIBUTION", "Attributes intent"
    MOTIVATION_BLAME = "MOTIVATION_BLAME", "Blames motivation"
    FAILURE_FRAMING = "FAILURE_FRAMING", "Frames the client as failing"
    FRAGILIZING_OR_GO_BETWEEN = "FRAGILIZING_OR_GO_BETWEEN", "Treats as fragile, or go-between"
    ABSOLUTIST_POLARIZING = "ABSOLUTIST_POLARIZING", "Absolute or polarised wording"


class Severity(models.TextChoices):
    INFO = "INFO", "Worth a second look"
    CAUTION = "CAUTION", "Likely judgmental"


def _codes_error(value: Any, allowed: list[str], kind: str) -> str | None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        return f"Give the {kind} as a list of codes."
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        return f"Unknown {kind} code(s): {', '.join(unknown)}."
    return None


class LanguageRule(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="language_rules",
        help_text="Leave empty for a default rule that applies to every team.",
    )
    category = models.CharField(max_length=32, choices=LanguageCategory.choices)
    phrases = models.JSONField(
        default=list,
        help_text=(
            "The wording to notice, one phrase per entry. Whole words, any case. word* takes "
            "any ending, * alone any one word, a-b matches a hyphen, a space or nothing, "
            "(a|b) offers choices, !(a|b) at the start or end skips the match when those "
            "words come just before or just after."
        ),
    )
    suggestion = models.TextField(
        help_text=(
            "A behavioural reframe in our own words that names the assumption or agreement "
            "it draws on."
        )
    )
    assumptions = models.JSONField(
        default=list, blank=True, help_text="Codes of the assumptions the reframe draws on."
    )
    agreements = models.JSONField(
        default=list, blank=True, help_text="Codes of the agreements the reframe draws on."
    )
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.CAUTION)
    is_active = models.BooleanField(default=True, help_text="Untick to stop checking for it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=LanguageCategory.values),
                name="languagerule_category_known",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values),
                name="languagerule_severity_known",
            ),
        ]

    def __str__(self) -> str:
        first = self.phrases[0] if isinstance(self.phrases, list) and self.phrases else "-"
        return f"{self.get_category_display()}: {first}"

    def clean(self) -> None:
        """Refuse phrases that do not compile and codes that do not exist, with a message
        that says which one; the engine also skips a bad phrase rather than fail a check."""
        errors: dict[str, str] = {}
        phrases = self.phrases
        if not isinstance(phrases, list) or not phrases:
            errors["phrases"] = "Give at least one phrase."
        elif len(phrases) > MAX_PHRASES:
            errors["phrases"] = f"A rule can hold at most {MAX_PHRASES} phrases; split it."
        else:
            for phrase in phrases:
                if not isinstance(phrase, str):
                    errors["phrases"] = "Every phrase is a piece of text."
                    break
                try:
                    check_phrase(phrase)
                except PhraseError as exc:
                    errors["phrases"] = f"{phrase!r}: {exc}"
                    break
        for field, allowed, kind in (
            ("assumptions", AssumptionCode.values, "assumption"),
            ("agreements", AgreementCode.values, "agreement"),
        ):
            problem = _codes_error(getattr(self, field), allowed, kind)
            if problem:
                errors[field] = problem
        if not errors and not (self.assumptions or self.agreements):
            errors["assumptions"] = "Name at least one assumption or agreement the reframe uses."
        if errors:
            raise ValidationError(errors)
