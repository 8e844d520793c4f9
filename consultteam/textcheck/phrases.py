# ruff: noqa: RUF002  (the docstring shows curly apostrophes, which phrases match)
"""The phrase syntax of language rules, and its translation to regular expressions.

Team members write rules, so the syntax is a handful of marks on plain words rather than raw
regular expressions. Matching ignores case and always takes whole words: ``resistant`` never
matches inside ``resistance`` and ``game`` never inside ``endgame``.

    word        the word as written: letters, digits, and the marks below
    word*       the word and any ending: ``manipulat*`` finds manipulate, manipulates,
                manipulated, manipulating, manipulative, manipulation
    *           (standing alone) any one word: ``call her * for her``
    a b         one space stands for any run of spaces or line breaks
    a-b         a hyphen, a space or nothing: ``attention-seek*`` finds attention-seeking,
                attention seeking and attentionseeking
    '           an apostrophe, straight or curly, or none: ``doesn't`` finds doesn't,
                doesn’t and doesnt
    (a|b c)     one of the choices; choices may be several words but may not hold another
                group; ``(a|b)?`` or an empty choice ``(a|)`` makes the group optional
    !(a|b) ...  at the very start: skip the match when the word just before it is one of these
                (``!(as|almost|not) always`` leaves "as always" and "not always" alone)
    ... !(a|b)  at the very end: skip the match when the next words are one of these
                (``entitled !to`` leaves "entitled to a copy of her notes" alone)

A phrase starts with a word or a group of words, not with a mark.

Why the translation cannot hang: every repetition it emits is possessive (``*+``, ``++``),
so the matcher never backtracks into a run of letters or spaces it has taken, and there is no
repetition of a group. Each phrase starts with a word boundary, so inside a long run of
letters only its first character is a candidate start. The work is therefore linear in the
length of the text for each phrase.
"""

from __future__ import annotations

import re

MAX_PHRASE_LENGTH = 400

# What a space, a hyphen and an apostrophe in a phrase stand for.
_SPACE = r"\s++"
_HYPHEN = r"(?:[-\u2010\u2011\u2013]|\s++)?+"
_APOSTROPHE = "['\u2019\u2018\u02bc`]?+"
_ENDING = r"\w*+"
_ANY_WORD = r"\w++(?:['\u2019]\w++)?+"
# Marks with a meaning; any other punctuation is matched as itself.
_ALLOWED_PUNCTUATION = set(".,/&:")
_EXCLUSION = re.compile(r"!(\([^()]*\)|[^\s()!]+)")


class PhraseError(ValueError):
    """A phrase that does not follow the syntax; the message says what to change."""


def _word_chars(part: str) -> str:
    """Translate a run of text with no group in it (a choice, or a stretch between groups)."""
    out: list[str] = []
    for i, ch in enumerate(part):
        if ch == " ":
            if i > 0 and part[i - 1] == " ":
                continue  # several spaces are one
            out.append(_SPACE)
        elif ch == "-":
            out.append(_HYPHEN)
        elif ch in "'\u2019":
            out.append(_APOSTROPHE)
        elif ch == "*":
            alone = (i == 0 or part[i - 1] == " ") and (i + 1 == len(part) or part[i + 1] == " ")
            if alone:
                out.append(_ANY_WORD)
            elif i + 1 == len(part) or part[i + 1] == " ":
                out.append(_ENDING)
            else:
                raise PhraseError("A * goes at the end of a word, or stands alone for one word.")
        elif ch.isalnum() or ch in _ALLOWED_PUNCTUATION:
            out.append(re.escape(ch))
        elif ch in "()|!?":
            raise PhraseError(f"Unexpected '{ch}': groups are (a|b), exclusions !a or !(a|b).")
        else:
            raise PhraseError(f"'{ch}' cannot be used in a phrase.")
    return "".join(out)


def _body(body: str) -> str:
    """Translate the phrase between its exclusions: words and one level of groups."""
    out: list[str] = []
    i = 0
    while i < len(body):
        open_at = body.find("(", i)
        if open_at < 0:
            out.append(_word_chars(body[i:]))
            break
        out.append(_word_chars(body[i:open_at]))
        close_at = body.find(")", open_at)
        if close_at < 0:
            raise PhraseError("A group opened with ( is never closed with ).")
        inner = body[open_at + 1 : close_at]
        if "(" in inner:
            raise PhraseError("Groups cannot hold other groups; write the choices out instead.")
        choices = inner.split("|")
        optional = "" in choices
        alternatives = [_word_chars(choice) for choice in choices if choice]
        if not alternatives:
            raise PhraseError("A group needs at least one choice.")
        i = close_at + 1
        if i < len(body) and body[i] == "?":
            optional = True
            i += 1
        if i < len(body) and body[i] == "*":
            raise PhraseError("A * cannot follow a group: put it on each choice instead.")
        out.append("(?:" + "|".join(alternatives) + ")" + ("?" if optional else ""))
    return "".join(out)


def _choices(exclusion: str) -> list[str]:
    inner = exclusion[1:-1] if exclusion.startswith("(") else exclusion
    choices = [choice.strip() for choice in inner.split("|")]
    if not all(choices):
        raise PhraseError("An exclusion needs a word in every choice.")
    return choices


def _not_after(words: list[str]) -> str:
    """Lookbehinds must have a fixed width in Python's matcher, so each excluded word gets one
    of its own (a straight or curly apostrophe keeps the width)."""
    parts = []
    for word in words:
        if not all(ch.isalnum() or ch in "'\u2019" for ch in word):
            raise PhraseError("A word excluded before the phrase is a single plain word.")
        literal = "".join("['\u2019]" if ch in "'\u2019" else re.escape(ch) for ch in word)
        parts.append(rf"(?<!(?<!\w){literal}[\s\-])")
    return "".join(parts)


def _parts(phrase: str) -> tuple[str, str, str]:
    """Split a phrase into (exclusion before, body, exclusion after), each possibly empty."""
    text = " ".join(phrase.split())
    if not text:
        raise PhraseError("A phrase cannot be empty.")
    if len(text) > MAX_PHRASE_LENGTH:
        raise PhraseError(f"A phrase can be at most {MAX_PHRASE_LENGTH} characters long.")
    before = after = ""
    if text.startswith("!"):
        found = _EXCLUSION.match(text)
        if found is None or found.end() >= len(text) or text[found.end()] != " ":
            raise PhraseError("Write an exclusion before the phrase as !word or !(a|b).")
        before = found.group(1)
        text = text[found.end() + 1 :]
    ending = re.search(r" !(\([^()]*\)|[^\s()!]+)$", text)
    if ending is not None:
        after = ending.group(1)
        text = text[: ending.start()]
    if "!" in text:
        raise PhraseError("Exclusions (!) go only at the very start or the very end.")
    firsts = (
        [choice[:1] for choice in text[1:].split(")")[0].split("|")]
        if text[0] == "("
        else [text[0]]
    )
    if not all(first.isalnum() or first == "*" for first in firsts if first):
        raise PhraseError("A phrase starts with a word, not with a mark.")
    if text.count("(") != text.count(")"):
        raise PhraseError("Every ( needs a matching ).")
    return before, text, after


def phrase_weight(phrase: str) -> int:
    """How much a phrase asks for, to order alternatives: where two phrases match at the same
    place, the one that asks for more is tried first ("never going to change" before "never").
    Exclusions do not count."""
    return len(_parts(phrase)[1])


def first_letters(phrase: str) -> frozenset[str] | None:
    """The letters (lower case) a match of ``phrase`` can begin with, or None when it can begin
    with any word (a leading ``*`` or an optional first group). The engine uses this to try a
    phrase only where a word starts with one of them."""
    body = _parts(phrase)[1]
    if body[0] != "(":
        return None if body[0] == "*" else frozenset({body[0].lower()})
    close = body.find(")")
    choices = body[1:close].split("|")
    if "" in choices or body[close + 1 : close + 2] == "?" or any(c[0] == "*" for c in choices):
        return None
    return frozenset(choice[0].lower() for choice in choices)


def compile_phrase(phrase: str) -> str:
    """The regular expression for one phrase (to be compiled with IGNORECASE).

    Raises PhraseError with a message a team member can act on when the phrase does not
    follow the syntax in this module's docstring.
    """
    before, body, after = _parts(phrase)
    not_after = _not_after(_choices(before)) if before else ""
    not_before = ""
    if after:
        choices = [_body(choice) for choice in _choices(after)]
        not_before = r"(?![\s\-]++(?:" + "|".join(choices) + r")(?!\w))"
    return rf"(?<!\w){not_after}(?:{_body(body)})(?!\w){not_before}"


def check_phrase(phrase: str) -> None:
    """Raise PhraseError if ``phrase`` does not compile; no side effects."""
    try:
        compiled = re.compile(compile_phrase(phrase), re.IGNORECASE)
    except re.error as exc:  # a combination the checks above did not foresee
        raise PhraseError(f"This phrase cannot be used ({exc.msg}).") from exc
    if compiled.match(""):
        raise PhraseError("A phrase must ask for at least one word; make fewer parts optional.")
