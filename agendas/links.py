"""The link members join a video meeting at: an https address, as the meeting service gives it.

It goes into calendar files and emails as typed, so it may hold nothing a reader's program
would take for markup or the end of the address (quotes, angle brackets, spaces), and it must
be encrypted (https), as a clinical meeting's link is."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# Characters RFC 3986 never allows in an address, which would end it, quote it or open a tag.
_NEVER_IN_A_LINK = frozenset('"<>\\^`{|}')

_HTTPS = URLValidator(
    schemes=["https"],
    message="Give the https link the meeting service gives (it starts with https://).",
)


def validate_join_link(value: str) -> None:
    _HTTPS(value)
    if any(char in _NEVER_IN_A_LINK for char in value):
        raise ValidationError(
            "A link holds no quotes, angle brackets or spaces: paste it as the meeting "
            "service gives it.",
            code="invalid",
        )
