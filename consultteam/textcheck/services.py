"""The text check as a service: input validation in front of the engine.

Every door (the API, `manage.py check_text`, and the save hooks of cases and agendas to come)
calls `text_check`, so a text is refused the same way wherever it comes from. Offsets in the
flags refer to the text exactly as given: nothing is stripped or rewritten, which is why
control characters are refused rather than removed.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from consultteam.teams.models import Team
from consultteam.textcheck.engine import Flag, check_text

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
