# ruff: noqa: RUF001, RUF002, RUF003  (this module is about quotation marks and apostrophes)
"""Where a note gives someone else's words: spans the language check leaves alone.

A clinician who writes down what the client said is describing, not judging: "client reports
she never sleeps" records a report, and the client's "I always ruin everything" is data for a
chain analysis. Two rules, both simple enough to explain in a sentence:

1. **Quotations.** Text between quotation marks is exempt: straight "..." and '...', curly
   “...” and ‘...’, «...», „...“ and 「...」/『...』. A quotation does not run past the end of its
   line; one left open runs to the end of that line. A straight or curly apostrophe inside a
   word (doesn't, client’s) never opens or closes a quotation.
2. **Reporting verbs.** From a verb of speech (reports, said, states, describes, explains,
   denies, told, wrote, asked, calls herself...) to the end of its sentence is exempt, unless
   its subject is the writer or the team ("I said", "we can't tell her", "the team said",
   "therapist reports"): our own words are never exempt. When the verb is followed by a
   quotation, the quotation is what was said and the exemption ends with it. A verb of
   thinking (feels, believes, thinks, worries) counts only after she, he, they, client or
   patient: "she feels she always fails" is hers, "the situation feels hopeless" is ours.
   "Per client", "according to the client" and "in her own words" exempt the whole sentence
   they sit in, since they often come last ("She never sleeps, per client.").

A language match is left alone when it starts inside one of these spans.
A sentence ends at . ! ? or ; followed by a space or the end, or at a line break. Only the
language check uses these spans: a name or a phone number inside a quotation still identifies
someone, so the identifier check ignores them.
"""

from __future__ import annotations

import bisect
import re
import sys

Span = tuple[int, int]

_QUOTES = re.compile("[\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u300c\u300d\u300e\u300f\n]")
_CLOSER = {
    '"': '"',
    "'": "'",
    "\u201c": "\u201d",  # “ ”
    "\u2018": "\u2019",  # ‘ ’
    "\u00ab": "\u00bb",  # « »
    "\u201e": "\u201c",  # „ “
    "\u300c": "\u300d",  # 「 」
    "\u300e": "\u300f",  # 『 』
}
# These double as apostrophes, so they open or close a quotation only at a word's edge.
_APOSTROPHES = {"'", "\u2018", "\u2019"}

_SPEECH_VERB = re.compile(
    r"(?<!\w)(?:"
    r"reports|reported|reporting|says|said|saying|say|states|stated|stating|"
    r"describ(?:e|es|ed|ing)|explain(?:s|ed|ing)?|endors(?:e|es|ed|ing)|"
    r"disclos(?:e|es|ed|ing)|den(?:y|ies|ied|ying)|tells?|telling|told|"
    r"claim(?:s|ed|ing)?|insist(?:s|ed|ing)?|complain(?:s|ed|ing)?|admit(?:s|ted|ting)?|"
    r"ask(?:s|ed|ing)?|wr(?:ite|ites|ote|iting)|text(?:s|ed|ing)|"
    r"call(?:s|ed|ing)?\s+(?:her|him|them|my|your|our)sel(?:f|ves)"
    r")(?!\w)",
    re.IGNORECASE,
)
# Verbs of thinking report someone's inner experience only when a person is their subject:
# "she feels she always fails" is hers, "the situation feels hopeless" is the writer's.
_THOUGHT_VERB = re.compile(
    r"(?<!\w)(?:feel(?:s|ing)?|felt|believ(?:e|es|ed|ing)|think(?:s|ing)?|thought|"
    r"worr(?:y|ies|ied|ying))(?!\w)",
    re.IGNORECASE,
)
_ADVERB = r"(?:\s+(?:\w+ly|also|just|all|still|then|both|now|often|later))?"
_THIRD_PERSON = re.compile(
    rf"(?<!\w)(?:she|he|they|client|patient|pt|who){_ADVERB}\s+$", re.IGNORECASE
)
_WHOLE_SENTENCE = re.compile(
    r"(?<!\w)(?:per\s+(?:the\s+)?(?:client|patient|pt)|"
    r"according\s+to\s+(?:the\s+)?(?:client|patient|pt|her|him|them)|"
    r"in\s+(?:her|his|their)\s+(?:own\s+)?words)(?!\w)",
    re.IGNORECASE,
)
# The writer or the team as the subject of a verb of speech, allowing an adverb or an
# auxiliary between them ("I really said", "we all told her", "the team has said", "we can't
# tell her").
_OUR_OWN_WORDS = re.compile(
    r"(?<!\w)(?:i|i[’']ve|i[’']ll|we|we[’']ve|we[’']ll|us|you|it|one|team|"
    r"therapist|therapists|staff|everyone|everybody|clinician|clinicians|observer)"
    rf"{_ADVERB}"
    r"(?:\s+(?:has|have|had|do|don[’']?t|did|didn[’']?t|would|wouldn[’']?t|will|"
    r"won[’']?t|can|can[’']?t|cannot|could|couldn[’']?t|should|shouldn[’']?t|"
    r"must|mustn[’']?t|may|might|need\s+to|have\s+to|want\s+to|going\s+to|to))?"
    r"\s+$",
    re.IGNORECASE,
)
_TO_QUOTE = re.compile(r"[ \t]*+[,:]?+[ \t]*+")
_SENTENCE_END = re.compile(r"[.!?;](?=[\s\"'\u201d\u2019)]|$)|\n")
_LOOK_BACK = 40  # characters before a verb searched for its subject


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def quotations(text: str) -> list[Span]:
    """Spans of quoted text, quotation marks included. Linear: one pass over the marks."""
    spans: list[Span] = []
    opener = ""
    opened_at = 0
    for found in _QUOTES.finditer(text):
        ch, at = found.group(), found.start()
        before = text[at - 1] if at > 0 else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        if ch == "\n":
            if opener:
                spans.append((opened_at, at))
                opener = ""
            continue
        if opener:
            if ch != _CLOSER[opener]:
                continue
            if ch in _APOSTROPHES and (_is_word_char(after) or before.isspace()):
                continue  # an apostrophe inside a word (doesn’t) or a new opening mark
            spans.append((opened_at, at + 1))
            opener = ""
        elif ch in _CLOSER:
            if ch in _APOSTROPHES and (_is_word_char(before) or after.isspace()):
                continue  # client's, or a mark standing alone
            opener, opened_at = ch, at
    if opener:
        spans.append((opened_at, len(text)))
    return spans


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def reported_speech(text: str) -> list[Span]:
    """Spans the language check leaves alone, sorted and disjoint. Linear in the length of
    the text: the sentence ends are found once and looked up by bisection."""
    spans = quotations(text)
    ends = [found.start() for found in _SENTENCE_END.finditer(text)]

    def sentence_end(at: int) -> int:
        i = bisect.bisect_left(ends, at)
        return ends[i] if i < len(ends) else len(text)

    quoted_until = dict(spans)
    for found in _SPEECH_VERB.finditer(text):
        window = text[max(0, found.start() - _LOOK_BACK) : found.start()]
        if _OUR_OWN_WORDS.search(window):
            continue
        # A verb followed by a quotation reported just the quotation: the exemption ends there.
        quote_at = _TO_QUOTE.match(text, found.end())
        end = quoted_until.get(quote_at.end()) if quote_at else None
        spans.append((found.start(), end if end is not None else sentence_end(found.end())))
    for found in _THOUGHT_VERB.finditer(text):
        window = text[max(0, found.start() - _LOOK_BACK) : found.start()]
        if _THIRD_PERSON.search(window):
            spans.append((found.start(), sentence_end(found.end())))
    for found in _WHOLE_SENTENCE.finditer(text):
        i = bisect.bisect_left(ends, found.start())
        start = ends[i - 1] + 1 if i > 0 else 0
        spans.append((start, sentence_end(found.end())))
    return _merged(spans)


def starts_inside(spans: list[Span], at: int) -> bool:
    """Does position ``at`` fall inside one of ``spans`` (sorted and disjoint)?"""
    i = bisect.bisect_right(spans, (at, sys.maxsize)) - 1
    return i >= 0 and spans[i][0] <= at < spans[i][1]


def overlaps(spans: list[Span], start: int, end: int) -> bool:
    """Does [start, end) share a character with any of ``spans`` (sorted and disjoint)?"""
    i = bisect.bisect_right(spans, (start, sys.maxsize)) - 1
    # The span starting at or before `start`, and the next one, are the only candidates.
    return any(
        span_start < end and span_end > start for span_start, span_end in spans[max(i, 0) : i + 2]
    )
