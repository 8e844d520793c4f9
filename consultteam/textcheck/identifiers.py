"""What could identify a client in free text, found by small patterns that each fit in a sentence.

    NAME            a common given name followed by a capitalised word ("Emma Thornquist"), or
                    a title and a capitalised word ("Mr Applewood", "Dr. Fenwick"). A lone
                    first name is not flagged (colleagues are named that way every day), and
                    neither is a capitalised word at the start of a sentence: "Client missed
                    group" names no one. Given names that are also everyday words or months
                    (Will, May, Grace, Hope, Mark, June...) are left out of the list, because
                    "Will Group run late?" is not a name.
    DATE            a day and a month, with or without the year: 03/04/2025, 3-4-25,
                    2025-04-03, 3 April 2025, 3rd of April, April 3rd, Apr. 3, 2025. A year
                    alone, a month and year ("April 2025") and a number pair without a year
                    ("3/4", often a fraction or a score) are fine.
    PHONE           +44 20 7946 0000, (555) 010-0199, 555-010-0199, 555 0100, 07700 900123.
    EMAIL           name@example.org.
    STREET_ADDRESS  a house number, up to four capitalised words and a street word:
                    "14 Larkspur Lane", "221 North Orchard Rd".
    RECORD_NUMBER   a record, account, member, patient, policy, chart or social-security number
                    named as such ("MRN 1234567", "account no. 12345678", "member ID AB-12345"),
                    anything shaped like a social-security number (123-45-6789), and any run of
                    seven or more digits.
    URL             https://..., www...., and bare domains such as example.org/page.
    IP_ADDRESS      IPv4 (192.0.2.10) and IPv6 (2001:db8::1), checked by the standard library.
    AGE_OVER_89     "92-year-old", "aged 95", "age 91", "93 y/o", "in her 90s": ages over 89
                    are rare enough to point to one person.

Case codes (C- and six letters or digits, such as C-7F3K9Q) are how the service names a client,
so they are never flagged, even after "client ID".

Every pattern is linear: repetitions are possessive or bounded, and each pattern starts at a
character that cannot sit inside a run of its own kind (a lookbehind), so a long run of digits
or letters offers one candidate start, not thousands.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

from consultteam.textcheck.speech import Span, overlaps

# Common given names that are not also everyday English words or months. Not exhaustive:
# a helper for a clinician's eye, not a guarantee.
_GIVEN_NAMES_BLOCK = """
Aaliyah Aaron Abigail Adam Adrian Ahmed Aidan Aisha Alan Albert Alejandro Alex Alexander
Alexandra Alexis Ali Alice Alicia Alison Allison Alyssa Amanda Amelia Amir Amy Ana Andrea Andrew
Angela Anna Anne Anthony Antonio Ashley Austin Ava Barbara Benjamin Beth Bethany Brandon Brenda
Brian Brittany Bruce Caleb Cameron Carl Carlos Carmen Carol Caroline Catherine Charles Charlotte
Chen Chloe Chris Christina Christine Christopher Claire Daniel Daniela David Deborah Denise Diana
Diego Dmitri Donna Dorothy Dylan Edward Elena Elijah Elizabeth Ella Ellen Emily Emma Eric Erin
Ethan Eva Evelyn Fatima Felix Fernando Fiona Gabriel Gabriela George Gregory Hannah Harold Harry
Hassan Helen Henry Hiroshi Ian Isaac Isabel Isabella Jacob James Jamie Janet Jason Javier Jennifer
Jeremy Jessica Joan Joanna John Jonathan Jordan Jorge Jose Joseph Joshua Juan Judith Julia Julian
Justin Karen Katherine Kathleen Kayla Keith Kelly Kenneth Kevin Kimberly Kyle Laura Lauren Leah
Liam Linda Lisa Logan Lucas Lucia Luis Luke Madison Maria Marie Marisol Martha Martin Mary Matthew
Megan Melissa Michael Michelle Miguel Mohammed Muhammad Nancy Natalie Nathan Nicholas Nicole
Noah Olivia Oscar Pablo Pamela Patricia Patrick Paul Paula Peter Priya Rachel Rafael Rebecca
Richard Robert Roberto Ryan Samantha Samuel Sandra Sarah Scott Sean Sharon Sofia Sophia Sophie
Stephanie Stephen Steven Susan Tamara Taylor Teresa Thomas Timothy Tyler Valentina Vanessa
Victoria Vincent Walter William Yusuf Zachary Zoe
"""
GIVEN_NAMES = _GIVEN_NAMES_BLOCK.split()

_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"
_CAPITALISED = rf"[{_UPPER}][{_LOWER}]++(?:[-'\u2019][{_UPPER}][{_LOWER}]++)?+"

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_STREET_WORD = (
    r"(?i:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|"
    r"way|terrace|crescent|close|square|sq|highway|hwy|parkway|pkwy|row|gardens|grove|mews)"
)
_AGE = r"(?:9\d|1[01]\d)"
_RECORD_KEY = (
    r"(?:mrn|medical\s+record(?:\s+(?:number|no\.?|#))?|(?:record|chart|file)\s+(?:number|no\.?|#)|"
    r"account\s+(?:number|no\.?|#)|acct\.?(?:\s+(?:no\.?|#))?|"
    r"member(?:ship)?\s+(?:id|number|no\.?|#)|policy\s+(?:number|no\.?|#)|"
    r"(?:patient|client)\s+(?:id|number|no\.?)|nhs\s+(?:number|no\.?)|ssn|"
    r"social\s+security(?:\s+(?:number|no\.?|#))?|id\s+(?:number|no\.?|#))"
)

_DIGIT = re.compile(r"\d")
CASE_CODE = re.compile(r"(?<![\w-])C-[A-Z0-9]{6}(?![\w-])")


@dataclass(frozen=True)
class IdentifierKind:
    category: str
    pattern: re.Pattern[str]
    suggestion: str
    accept: Callable[[re.Match[str]], bool] = lambda found: True
    # A character every match contains ("digit" for any digit): a text without one is skipped
    # without running the pattern, which is most texts for most kinds.
    needs: str = ""


def _numeric_date(found: re.Match[str]) -> bool:
    parts = [int(part) for part in re.split(r"[/.\-]", found.group())]
    if parts[0] > 31:  # year first: 2025-04-03
        return 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31
    first, second = parts[0], parts[1]
    return 1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12


def _phone(found: re.Match[str]) -> bool:
    digits = sum(ch.isdigit() for ch in found.group())
    return 7 <= digits <= 15


def _ipv6(found: re.Match[str]) -> bool:
    candidate = found.group()
    if candidate.count(":") < 2 or not any(ch.isdigit() for ch in candidate):
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


_NAME_SUGGESTION = (
    "This looks like a person's name. Refer to the client by the case code and to other people "
    'by their role ("her prescriber", "a sibling").'
)
_RECORD_SUGGESTION = (
    "Record, account, member and social-security numbers identify a person. The case code is "
    "all the team needs."
)

KINDS: list[IdentifierKind] = [
    IdentifierKind(
        "EMAIL",
        re.compile(r"(?<![\w.+\-])[\w.+\-]++@[\w\-]++(?:\.[\w\-]++)++"),
        "An email address identifies a person. Leave it out of the record.",
        needs="@",
    ),
    IdentifierKind(
        "URL",
        re.compile(
            r"(?<![\w@.\-/])(?:(?:https?://|www\.)[^\s<>\"'\u201c\u201d]++|"
            r"(?:[a-z0-9\-]++\.)++(?:com|org|net|edu|gov|io|co|uk|info|me|us|ca|au|de|fr)"
            r"(?:/[^\s<>\"'\u201c\u201d]*+)?+(?![\w@\-]))",
            re.IGNORECASE,
        ),
        "A web address can lead to a person's profile or records. Describe the page instead "
        '("a post on a social site").',
        needs=".",
    ),
    IdentifierKind(
        "IP_ADDRESS",
        re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\d)"),
        "An IP address can be traced to a household or a device. Leave it out of the record.",
        needs=".",
    ),
    IdentifierKind(
        "IP_ADDRESS",
        re.compile(r"(?<![\w:])[0-9A-Fa-f:]{2,39}+(?![\w:])"),
        "An IP address can be traced to a household or a device. Leave it out of the record.",
        _ipv6,
        needs=":",
    ),
    IdentifierKind(
        "RECORD_NUMBER",
        re.compile(
            rf"(?<!\w)(?=[acfimnprs]){_RECORD_KEY}\s*+[:#]?\s*+(?:[A-Z]{{1,4}}-?)?\d(?:[\d\-]|\s(?=\d)){{3,19}}+",
            re.IGNORECASE,
        ),
        _RECORD_SUGGESTION,
        needs="digit",
    ),
    IdentifierKind(
        "RECORD_NUMBER",
        re.compile(r"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])"),
        _RECORD_SUGGESTION,
        needs="digit",
    ),
    IdentifierKind(
        "DATE",
        re.compile(
            r"(?<![\d/.\-])(?:\d{4}[/\-]\d{1,2}[/\-]\d{1,2}|\d{1,2}([/\-])\d{1,2}\1(?:\d{4}|\d{2})|"
            r"\d{1,2}\.\d{1,2}\.\d{4})(?![\d/\-]|\.\d)"
        ),
        "A full date can point to one person's visit or birthday. Keep the month and year, or "
        'say how long before or after ("two days before the session").',
        _numeric_date,
        needs="digit",
    ),
    IdentifierKind(
        "DATE",
        re.compile(
            rf"(?<!\w)(?=[\dADFJMNOS])(?:{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}})?|"
            rf"{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?)(?![\w])"
        ),
        "A full date can point to one person's visit or birthday. Keep the month and year, or "
        'say how long before or after ("two days before the session").',
        needs="digit",
    ),
    IdentifierKind(
        "PHONE",
        re.compile(
            r"(?<![\w+])(?:"
            r"\+\d{1,3}(?:[ .\-]?+\(?\d{1,5}\)?){2,5}|"
            r"\(\d{2,5}\)[ .\-]?\d{3,4}[ .\-]?\d{3,4}|"
            r"\d{3}[ .\-]\d{3}[ .\-]\d{4}|"
            r"0\d{2,4}[ .\-]?\d{3,4}[ .\-]?\d{3,4}|"
            r"\d{3}[ .\-]\d{4}"
            r")(?![\w]|[.\-]\d)"
        ),
        "A phone number identifies a person. Leave it out of the record.",
        _phone,
        needs="digit",
    ),
    IdentifierKind(
        "AGE_OVER_89",
        re.compile(
            rf"(?<![\w.])(?=\d)(?:{_AGE}[\s\-]?(?:years?|yrs?)[\s\-]?old|{_AGE}\s?(?:yo|y/o|y\.o\.))"
            rf"(?!\w)|(?<!\w)(?=[ai])(?:aged?:?\s+{_AGE}|in\s+(?:her|his|their)\s+(?:90s|nineties))"
            rf"(?![\w])",
            re.IGNORECASE,
        ),
        'Ages over 89 are rare enough to point to one person. Write "over 89" instead.',
    ),
    IdentifierKind(
        "STREET_ADDRESS",
        re.compile(
            rf"(?<![\w\-])\d{{1,5}}[A-Za-z]?\s+(?:{_CAPITALISED}\s+){{1,4}}{_STREET_WORD}"
            rf"(?!\w)"
        ),
        "A street address identifies where someone lives or works. Name the kind of place "
        'instead ("her home", "a shelter").',
        needs="digit",
    ),
    IdentifierKind(
        "NAME",
        re.compile(
            r"(?<![\w\-'\u2019])(?=[A-Z][a-z])(?:"
            rf"(?:{'|'.join(GIVEN_NAMES)})[ \t]++{_CAPITALISED}|"
            rf"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor)\.?[ \t]++{_CAPITALISED}"
            r")(?![\w\-])"
        ),
        _NAME_SUGGESTION,
    ),
    IdentifierKind(
        "RECORD_NUMBER",
        re.compile(r"(?<!\d)\d{7,}+"),
        _RECORD_SUGGESTION,
        needs="digit",
    ),
]


@dataclass(frozen=True)
class Found:
    category: str
    start: int
    end: int
    suggestion: str


def _trimmed(kind: IdentifierKind, found: re.Match[str]) -> Span:
    """A URL found mid-sentence takes the sentence's last full stop or comma with it."""
    start, end = found.span()
    if kind.category == "URL":
        while end > start and found.string[end - 1] in ".,;:!?)":
            end -= 1
    return start, end


def find_identifiers(text: str) -> list[Found]:
    """Every identifier in ``text``, earliest first. Where two kinds claim the same characters,
    the one listed first in KINDS wins (an email's domain is not also a web address). Case
    codes are never reported."""
    candidates: list[tuple[int, int, Found]] = []
    has_digit = _DIGIT.search(text) is not None
    for priority, kind in enumerate(KINDS):
        if kind.needs and not (has_digit if kind.needs == "digit" else kind.needs in text):
            continue
        for found in kind.pattern.finditer(text):
            if kind.accept(found):
                start, end = _trimmed(kind, found)
                candidates.append(
                    (priority, start, Found(kind.category, start, end, kind.suggestion))
                )
    if not candidates:
        return []
    taken = [match.span() for match in CASE_CODE.finditer(text)]
    taken.sort()
    kept: list[Found] = []
    for _, _, candidate in sorted(candidates, key=lambda item: (item[0], item[1])):
        if overlaps(taken, candidate.start, candidate.end):
            continue
        bisect.insort(taken, (candidate.start, candidate.end))
        kept.append(candidate)
    return sorted(kept, key=lambda kept_one: kept_one.start)
