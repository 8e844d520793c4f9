"""A count with its noun in the right number, for messages people read ("1 item", "3 items")."""

from __future__ import annotations


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an s unless the count is 1 (every noun we count takes one)."""
    return f"{count} {noun if count == 1 else noun + 's'}"
