"""A count with its noun in the right number, for messages people read ("1 item", "3 items")."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str = "") -> str:
    """``count`` and ``noun``, made plural (``plural``, or the noun with an s) unless it is 1."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
