"""The text-check engine: one pure function, `check_text`, behind every door (the service, the
API, `manage.py check_text`, and the save hooks to come).

Two checks run over the same text:

- **language**: the active language rules (the defaults plus the team's own) compiled into one
  regular expression, longest phrase first so that "never going to change" wins over "never"
  where both start. A match that starts inside reported speech (speech.py) is dropped.
- **identifier**: the fixed patterns of identifiers.py; reported speech is not exempt.

Offsets count Unicode code points, as Python strings do (an editor in JavaScript, which counts
UTF-16 units, converts them with ``Array.from(text)``). Flags come back ordered by start.

Compiled rules are cached per team in the process. Saving or deleting a rule clears the cache
(signals.py) and counts up a generation in the shared cache, which every process reads at most
once a second: with Redis, an edit reaches every process within a second. Without a shared cache
another process finds out within RULES_TTL_SECONDS, when its entry expires.
The engine never raises on odd text: a phrase that fails to compile is skipped and logged.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from consultteam.textcheck.identifiers import find_identifiers
from consultteam.textcheck.phrases import (
    PhraseError,
    compile_phrase,
    first_letters,
    phrase_weight,
)
from consultteam.textcheck.speech import reported_speech, starts_inside

logger = logging.getLogger(__name__)

Check = Literal["language", "identifier"]
RULES_TTL_SECONDS = 60.0
# How often a process asks the shared cache whether any rule changed.
GENERATION_CHECK_SECONDS = 1.0
GENERATION_KEY = "textcheck:rules-generation"
IDENTIFIER_SEVERITY = "CAUTION"


@dataclass(frozen=True)
class Flag:
    """One finding: which check, what kind, where (code points, end exclusive), what to do."""

    check: Check
    category: str
    start: int
    end: int
    text: str
    suggestion: str
    assumptions: tuple[str, ...]
    agreements: tuple[str, ...]
    severity: str
    # The language rule's row, so a remembered flag points at the rule that raised it.
    rule_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape shared by the API and the management command."""
        return {
            "check": self.check,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
            "assumptions": list(self.assumptions),
            "agreements": list(self.agreements),
            "severity": self.severity,
        }


@dataclass(frozen=True)
class RuleSpec:
    """What the engine needs from a language rule (a model row, or seed data in a benchmark)."""

    category: str
    phrases: tuple[str, ...]
    suggestion: str
    assumptions: tuple[str, ...] = ()
    agreements: tuple[str, ...] = ()
    severity: str = "CAUTION"
    rule_id: int | None = None


class LanguageRules:
    """A set of rules compiled into one regular expression: a branch per first letter, and in
    it a named group per phrase that can start with that letter."""

    def __init__(self, rules: Iterable[RuleSpec]) -> None:
        by_letter: dict[str, list[tuple[int, str, RuleSpec]]] = {}
        anywhere: list[tuple[int, str, RuleSpec]] = []
        self.size = 0
        for rule in rules:
            for phrase in rule.phrases:
                try:
                    source = compile_phrase(phrase)
                    re.compile(source, re.IGNORECASE)
                    letters = first_letters(phrase)
                except (PhraseError, re.error):
                    logger.warning("Skipping a language-rule phrase that does not compile.")
                    continue
                self.size += 1
                entry = (phrase_weight(phrase), source, rule)
                for letter in letters if letters is not None else ():
                    by_letter.setdefault(letter, []).append(entry)
                if letters is None:
                    anywhere.append(entry)
        self.by_group: dict[str, RuleSpec] = {}
        branches = [
            f"(?={re.escape(letter)})(?:{self._alternatives(entries + anywhere)})"
            for letter, entries in sorted(by_letter.items())
        ]
        if anywhere:
            branches.append(f"(?:{self._alternatives(anywhere)})")
        self.pattern: re.Pattern[str] | None = None
        if branches:
            # Every phrase starts a word: the shared guard fails at once inside and between
            # words, and each branch is entered only where the word starts with its letter.
            self.pattern = re.compile(r"(?<!\w)(?=\w)(?:" + "|".join(branches) + ")", re.IGNORECASE)

    def _alternatives(self, entries: list[tuple[int, str, RuleSpec]]) -> str:
        """One named group per phrase, longest first: where two phrases match at the same
        place, the first that matches wins ("never going to change" before "never")."""
        parts = []
        for _, source, rule in sorted(entries, key=lambda entry: -entry[0]):
            name = f"p{len(self.by_group)}"
            self.by_group[name] = rule
            parts.append(f"(?P<{name}>{source})")
        return "|".join(parts)

    def flags(self, text: str) -> list[Flag]:
        if self.pattern is None:
            return []
        found = list(self.pattern.finditer(text))
        if not found:
            return []
        exempt = reported_speech(text)
        flags = []
        for match in found:
            start, end = match.span()
            if starts_inside(exempt, start):
                continue
            rule = self.by_group[match.lastgroup or ""]
            flags.append(
                Flag(
                    check="language",
                    category=rule.category,
                    start=start,
                    end=end,
                    text=match.group(),
                    suggestion=rule.suggestion,
                    assumptions=rule.assumptions,
                    agreements=rule.agreements,
                    severity=rule.severity,
                    rule_id=rule.rule_id,
                )
            )
        return flags


def identifier_flags(text: str) -> list[Flag]:
    return [
        Flag(
            check="identifier",
            category=found.category,
            start=found.start,
            end=found.end,
            text=text[found.start : found.end],
            suggestion=found.suggestion,
            assumptions=(),
            agreements=(),
            severity=IDENTIFIER_SEVERITY,
        )
        for found in find_identifiers(text)
    ]


# --- Rules from the database, cached per team --------------------------------------------------


@dataclass(frozen=True)
class _Cached:
    rules: LanguageRules
    loaded_at: float
    generation: int

    def fresh(self, generation: int, now: float) -> bool:
        return self.generation == generation and now - self.loaded_at < RULES_TTL_SECONDS


_cache: dict[int | None, _Cached] = {}
_lock = threading.Lock()


@dataclass
class _Heard:
    """The shared generation last read, and when (monotonic seconds)."""

    generation: int = 0
    at: float = float("-inf")


_heard = _Heard()


def _shared_generation(now: float) -> int:
    """The rules' generation in the shared cache, read at most once a second."""
    if now - _heard.at >= GENERATION_CHECK_SECONDS:
        from django.core.cache import cache

        try:
            _heard.generation = int(cache.get(GENERATION_KEY, 0))
        except Exception:
            # The cache's server is down: the rules in hand (or the TTL) still serve; a save
            # must not fail because a rule edit elsewhere cannot be heard of for a while.
            logger.warning("the shared cache cannot be read; rule edits spread by TTL only")
        _heard.at = now
    return _heard.generation


def _strings(value: Any) -> tuple[str, ...]:
    """The strings of a JSON list; anything else (a row edited around the model's checks)
    gives nothing rather than, say, one phrase per character of a string."""
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _load(team_id: int | None) -> LanguageRules:
    from django.db.models import Q

    from consultteam.textcheck.models import LanguageRule

    scope = Q(team__isnull=True)
    if team_id is not None:
        scope |= Q(team_id=team_id)
    rows = LanguageRule.objects.filter(scope, is_active=True).order_by("id")
    return LanguageRules(
        RuleSpec(
            category=row.category,
            phrases=_strings(row.phrases),
            suggestion=row.suggestion,
            assumptions=_strings(row.assumptions),
            agreements=_strings(row.agreements),
            severity=row.severity,
            rule_id=row.pk,
        )
        for row in rows
    )


def rules_for(team_id: int | None) -> LanguageRules:
    """The compiled defaults plus ``team_id``'s own rules, from the cache when fresh."""
    now = time.monotonic()
    generation = _shared_generation(now)
    entry = _cache.get(team_id)
    if entry is not None and entry.fresh(generation, now):
        return entry.rules
    with _lock:
        entry = _cache.get(team_id)
        if entry is not None and entry.fresh(generation, now):
            return entry.rules
        rules = _load(team_id)
        _cache[team_id] = _Cached(rules, now, generation)
        return rules


def invalidate_rules() -> None:
    """Forget every compiled rule set in this process and tell the others (through the shared
    cache); the next check reloads. Safe to call any number of times."""
    from django.core.cache import cache

    with _lock:
        _cache.clear()
    try:
        cache.add(GENERATION_KEY, 0, timeout=None)
        cache.incr(GENERATION_KEY)
    except Exception:
        logger.warning("the shared cache cannot be written; rule edits spread by TTL only")
    _heard.at = float("-inf")


def check_text(text: str, *, team_id: int | None = None) -> list[Flag]:
    """Every language and identifier flag in ``text``, ordered by start (then language first).

    Reads the rules (through the cache) and nothing else; no writes, safe to call any number
    of times. Input is not validated here: services.text_check does that for the doors.
    """
    flags = rules_for(team_id).flags(text) + identifier_flags(text)
    flags.sort(key=lambda flag: (flag.start, flag.check != "language", flag.end))
    return flags
