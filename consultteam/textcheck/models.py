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
from django.utils import timezone

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


# --- Flags remembered on the records they were raised on --------------------------------------


class FlagCheck(models.TextChoices):
    LANGUAGE = "language", "Language"
    IDENTIFIER = "identifier", "Identifier"


class FlagStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    REWORDED = "REWORDED", "Reworded"
    KEPT = "KEPT", "Kept, with a reason"
    DISMISSED = "DISMISSED", "Dismissed"
    OVERRIDDEN = "OVERRIDDEN", "Saved anyway, with a reason"


EXCERPT_LENGTH = 120
NEEDS_REASON = (FlagStatus.KEPT, FlagStatus.OVERRIDDEN)


class TextFlag(models.Model):
    """A flag the check raised on one field of a saved record, and what its author did about it.

    The record is named by its model label and public id, not by a foreign key: the text
    checks serve cases and agendas alike and import neither (the apps register who may see and
    change their records in `textcheck.registry`). Only the flagged words are kept (`excerpt`),
    never the rest of the text.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="text_flags")
    object_type = models.CharField(max_length=64, help_text='Model label, e.g. "cases.tibentry".')
    object_id = models.UUIDField(help_text="The flagged record's public id.")
    field = models.CharField(max_length=64)
    # "check" would hide Model.check(), Django's system-check hook: stored as `kind`, shown
    # as "check" in the API.
    kind = models.CharField(max_length=16, choices=FlagCheck.choices)
    category = models.CharField(max_length=32)
    rule = models.ForeignKey(
        LanguageRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    start = models.PositiveIntegerField(help_text="Offset of the first character, code points.")
    end = models.PositiveIntegerField()
    excerpt = models.CharField(max_length=EXCERPT_LENGTH, help_text="The flagged words only.")
    suggestion = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    reason = models.TextField(blank=True, max_length=1000)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["object_type", "object_id", "field", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FlagCheck.values), name="textflag_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FlagStatus.values), name="textflag_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=NEEDS_REASON) | ~models.Q(reason=""),
                name="textflag_reason_when_kept",
                violation_error_message="Give the reason for keeping this wording.",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="textflag_span"
            ),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="textflag_object"),
            models.Index(fields=["team", "created_at"], name="textflag_team_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} flag ({self.category}) on {self.object_type}"

    @property
    def check_name(self) -> str:
        return self.kind
