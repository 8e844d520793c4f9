"""The text check as a service: input validation in front of the engine.

Every door (the API, `manage.py check_text`, and the save hooks of cases and agendas to come)
calls `text_check`, so a text is refused the same way wherever it comes from. Offsets in the
flags refer to the text exactly as given: nothing is stripped or rewritten, which is why
control characters are refused rather than removed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import status as http

from consultteam.accounts.models import User
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.errors import Conflict, DomainError
from consultteam.teams.models import Team
from consultteam.textcheck import registry
from consultteam.textcheck.engine import Flag, check_text
from consultteam.textcheck.models import (
    EXCERPT_LENGTH,
    FlagCheck,
    FlagStatus,
    LanguageRule,
    Severity,
    TextFlag,
)
from consultteam.textcheck.permissions import can_manage_language_rules

MAX_CHARACTERS = 20_000

# C0 and C1 controls except tab, line feed and carriage return (a browser sends line breaks in
# a textarea as CR LF), and lone surrogates, which cannot be written back out as UTF-8.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def text_check(*, text: str, team: Team | None = None) -> list[Flag]:
    """Check ``text`` against the default language rules (plus ``team``'s own, if given) and
    the identifier patterns; return the flags ordered by start.

    Raises ValidationError (on the field ``text``) for empty text, text over MAX_CHARACTERS
    and text with control characters. Reads only; safe to call any number of times. Callers
    decide whether the caller may use ``team``'s rules (the API lets members only).
    """
    if not text or not text.strip():
        raise ValidationError({"text": "Nothing to check: the text is empty."})
    if len(text) > MAX_CHARACTERS:
        raise ValidationError(
            {
                "text": f"The text is too long to check: the limit is {MAX_CHARACTERS:,} "
                f"characters and this has {len(text):,}. Check it in parts."
            }
        )
    forbidden = _FORBIDDEN.search(text)
    if forbidden is not None:
        raise ValidationError(
            {
                "text": f"The text contains a control character (U+{ord(forbidden.group()):04X}) "
                f"at position {forbidden.start()}. Remove it and try again; tabs and line "
                "breaks are fine."
            }
        )
    return check_text(text, team_id=team.pk if team is not None else None)


# --- The check on save ------------------------------------------------------------------------

# What each identifier category is, in words for the message that stops a save.
IDENTIFIER_WORDS = {
    "NAME": "a person's name",
    "DATE": "a full date",
    "PHONE": "a phone number",
    "EMAIL": "an email address",
    "STREET_ADDRESS": "a street address",
    "RECORD_NUMBER": "a record, account or member number",
    "URL": "a web address",
    "IP_ADDRESS": "an IP address",
    "AGE_OVER_89": "an age over 89",
}
MAX_REASON = 1000


class IdentifierFound(DomainError):
    """The text may identify a client: the save is refused until it is removed, or the author
    saves again with a reason for keeping it (which is audited). Carries what was found, per
    field, so a page or the API can show it."""

    status = http.HTTP_400_BAD_REQUEST

    def __init__(self, found: list[tuple[str, Flag]]) -> None:
        self.found = found
        what = "; ".join(
            f"{IDENTIFIER_WORDS.get(flag.category, 'an identifier')} (“{flag.text}”) in "
            f"{field.replace('_', ' ')}"
            for field, flag in found
        )
        super().__init__(
            f"This text may identify a client: {what}. Remove it, or save with a reason for "
            "keeping it."
        )

    @property
    def fields(self) -> list[str]:
        return sorted({field for field, _ in self.found})

    def flags(self) -> list[dict[str, Any]]:
        return [{"field": field, **flag.as_dict()} for field, flag in self.found]

    def body(self) -> dict[str, Any]:
        return {"detail": self.message, "flags": self.flags()}


def _key(field: str, kind: str, category: str, excerpt: str) -> tuple[str, str, str, str]:
    return (field, kind, category, excerpt.casefold())


def _excerpt(flag: Flag) -> str:
    return flag.text[:EXCERPT_LENGTH]


def text_gate(
    *,
    obj: models.Model,
    team: Team,
    fields: Mapping[str, str],
    by: User,
    identifier_override: str | None = None,
) -> list[TextFlag]:
    """Check the free-text ``fields`` of ``obj`` (just validated, saved or about to be, in the
    caller's transaction) and remember what the checks found.

    - Language flags never block: new ones are stored OPEN; open ones whose words are gone
      from the field become REWORDED; words already KEPT or DISMISSED in that field are not
      raised again.
    - Identifier flags block: IdentifierFound (400), unless ``identifier_override`` gives a
      reason; then they are stored OVERRIDDEN with it and an OVERRIDE event names the fields
      (never the text). An identifier already overridden in the same field does not block again.

    Returns the field's open language flags. Safe to run twice on the same text: nothing new
    is stored the second time.
    """
    if not fields:
        return []
    object_type = obj._meta.label_lower
    object_id = obj.public_id  # type: ignore[attr-defined]
    found: dict[str, list[Flag]] = {
        name: check_text(text, team_id=team.pk) if text and text.strip() else []
        for name, text in fields.items()
    }
    earlier = list(
        TextFlag.objects.select_for_update().filter(
            object_type=object_type, object_id=object_id, field__in=list(fields)
        )
    )
    settled = {
        _key(row.field, row.kind, row.category, row.excerpt)
        for row in earlier
        if row.status in {FlagStatus.KEPT, FlagStatus.DISMISSED, FlagStatus.OVERRIDDEN}
    }
    identifiers = [
        (name, flag)
        for name, flags in found.items()
        for flag in flags
        if flag.check == "identifier"
        and _key(name, flag.check, flag.category, _excerpt(flag)) not in settled
    ]
    reason = (identifier_override or "").strip()[:MAX_REASON]
    if identifiers and not reason:
        raise IdentifierFound(identifiers)

    now = timezone.now()
    open_by_key: dict[tuple[str, str, str, str], list[TextFlag]] = defaultdict(list)
    for row in earlier:
        if row.status == FlagStatus.OPEN:
            open_by_key[_key(row.field, row.kind, row.category, row.excerpt)].append(row)
    kept: list[TextFlag] = []
    for name, flags in found.items():
        for flag in flags:
            if flag.check != "language":
                continue
            key = _key(name, flag.check, flag.category, _excerpt(flag))
            if key in settled:
                continue
            if open_by_key.get(key):
                same = open_by_key[key].pop(0)  # still there: keep it, at its new place
                if (same.start, same.end) != (flag.start, flag.end):
                    same.start, same.end = flag.start, flag.end
                    same.save(update_fields=["start", "end"])
                kept.append(same)
                continue
            kept.append(
                TextFlag.objects.create(
                    team=team,
                    object_type=object_type,
                    object_id=object_id,
                    field=name,
                    kind=FlagCheck.LANGUAGE,
                    category=flag.category,
                    rule_id=flag.rule_id,
                    start=flag.start,
                    end=flag.end,
                    excerpt=_excerpt(flag),
                    suggestion=flag.suggestion,
                    created_by=by,
                    created_at=now,
                )
            )
    gone = [row.pk for rows in open_by_key.values() for row in rows]
    if gone:
        for row in TextFlag.objects.filter(pk__in=gone):
            row.status, row.resolved_by, row.resolved_at = FlagStatus.REWORDED, by, now
            row.save(update_fields=["status", "resolved_by", "resolved_at"])
    if identifiers:
        for name, flag in identifiers:
            TextFlag.objects.create(
                team=team,
                object_type=object_type,
                object_id=object_id,
                field=name,
                kind=FlagCheck.IDENTIFIER,
                category=flag.category,
                start=flag.start,
                end=flag.end,
                excerpt=_excerpt(flag),
                suggestion=flag.suggestion,
                status=FlagStatus.OVERRIDDEN,
                reason=reason,
                created_by=by,
                created_at=now,
                resolved_by=by,
                resolved_at=now,
            )
        audit_record(
            action=Action.OVERRIDE,
            obj=obj,
            team=team,
            fields=sorted({name for name, _ in identifiers}),
        )
    kept.sort(key=lambda row: (list(fields).index(row.field), row.start))
    return kept


def flags_for(
    obj: models.Model, *, statuses: Iterable[str] | None = (FlagStatus.OPEN,)
) -> QuerySet[TextFlag]:
    """The flags remembered on ``obj`` (by default the open ones), in field and text order.
    Reads only; the caller has already decided that the reader may see ``obj``."""
    flags = TextFlag.objects.filter(
        object_type=obj._meta.label_lower,
        object_id=obj.public_id,  # type: ignore[attr-defined]
    )
    if statuses is not None:
        flags = flags.filter(status__in=list(statuses))
    return flags


def flags_for_objects(
    object_ids: Iterable[Any], *, statuses: Iterable[str] | None = (FlagStatus.OPEN,)
) -> dict[Any, list[TextFlag]]:
    """Flags of many records at once (one query), by public id."""
    flags = TextFlag.objects.filter(object_id__in=list(object_ids))
    if statuses is not None:
        flags = flags.filter(status__in=list(statuses))
    found: dict[Any, list[TextFlag]] = defaultdict(list)
    for flag in flags.order_by("object_id", "field", "start", "id"):
        found[flag.object_id].append(flag)
    return found


RESOLUTIONS = (FlagStatus.KEPT, FlagStatus.DISMISSED)


@transaction.atomic
def text_flag_resolve(*, flag: TextFlag, by: User, status: str, reason: str = "") -> TextFlag:
    """Keep (with a reason) or dismiss an open language flag: it is not raised again for the
    same words in that field. Only someone who may change the flagged record may do it
    (PermissionDenied otherwise). Asking for the status the flag already has changes nothing,
    so it is safe to run twice; changing a flag settled otherwise is refused (409)."""
    if status not in RESOLUTIONS:
        raise ValidationError({"status": "Choose to keep the wording (with a reason) or dismiss."})
    reason = reason.strip()
    if status == FlagStatus.KEPT and not reason:
        raise ValidationError({"reason": "Say why the wording is kept: the reason is required."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    if not registry.can_change_object(by, flag.object_type, flag.object_id):
        raise PermissionDenied("Only someone who may change the text can keep or dismiss this.")
    flag = TextFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status == status:
        return flag
    if flag.kind != FlagCheck.LANGUAGE or flag.status != FlagStatus.OPEN:
        raise Conflict(
            f"This flag is already {flag.get_status_display().lower()}; reload to see it."
        )
    flag.status, flag.reason = status, reason
    flag.resolved_by, flag.resolved_at = by, timezone.now()
    flag.full_clean()
    flag.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
    return flag


# --- A team's own language rules ----------------------------------------------------------------

RULE_FIELDS = ("category", "phrases", "suggestion", "assumptions", "agreements", "severity")


def _may_manage(by: User, team: Team | None) -> None:
    if team is None:
        raise PermissionDenied("The default rules are kept by the administrators.")
    if not can_manage_language_rules(by, team):
        raise PermissionDenied("Only the team leader can change the team's language rules.")


@transaction.atomic
def language_rule_add(
    *,
    team: Team,
    by: User,
    category: str,
    phrases: Iterable[str],
    suggestion: str,
    assumptions: Iterable[str] = (),
    agreements: Iterable[str] = (),
    severity: str = Severity.CAUTION,
) -> LanguageRule:
    """Add a rule of ``team``'s own; it applies to the team's texts from the next check (the
    save clears the engine's cache). Only the team leader (PermissionDenied otherwise).
    A phrase that does not compile or an unknown code raises ValidationError naming it, and
    nothing is saved. Audited as CREATE. Not idempotent: each call adds a rule."""
    _may_manage(by, team)
    rule = LanguageRule(
        team=team,
        category=category,
        phrases=[phrase.strip() for phrase in phrases if phrase.strip()],
        suggestion=suggestion.strip(),
        assumptions=list(dict.fromkeys(assumptions)),
        agreements=list(dict.fromkeys(agreements)),
        severity=severity,
    )
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def language_rule_update(
    *, rule: LanguageRule, by: User, changes: Mapping[str, Any]
) -> LanguageRule:
    """Change a team rule's wording, phrases, citations, severity or whether it is active
    (``is_active``). Only its team's leader; the defaults are the admins' (PermissionDenied).
    Validated as in `language_rule_add`; audited as UPDATE with the names of the fields.
    Safe to run twice."""
    _may_manage(by, rule.team)
    unknown = sorted(set(changes) - {*RULE_FIELDS, "is_active"})
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    rule = LanguageRule.objects.select_for_update().get(pk=rule.pk)
    changed = []
    for name, value in changes.items():
        if name == "phrases":
            value = [phrase.strip() for phrase in value if phrase.strip()]
        elif name in ("assumptions", "agreements"):
            value = list(dict.fromkeys(value))
        elif name == "suggestion":
            value = value.strip()
        if getattr(rule, name) != value:
            setattr(rule, name, value)
            changed.append(name)
    if changed:
        rule.full_clean()
        rule.save(update_fields=[*changed, "updated_at"])
    return rule


@transaction.atomic
def language_rule_deactivate(*, rule: LanguageRule, by: User) -> LanguageRule:
    """Stop checking for a team rule (kept, so past flags still name it; the leader can make
    it active again). Only its team's leader. Safe to run twice: a rule already inactive is
    left as it is, and nothing is audited the second time."""
    return language_rule_update(rule=rule, by=by, changes={"is_active": False})
