"""`python manage.py check_text [--team UUID]`: read texts from standard input, one per line,
and print one JSON object per line: {"flags": [...]}, or {"error": "..."} for a line that
cannot be checked (empty, too long, control characters, not UTF-8). A bad line never stops
the run. Nothing is stored.

    printf 'She is always late.\\n' | python manage.py check_text
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from consultteam.teams.models import Team
from consultteam.textcheck.services import text_check


def _lines() -> Iterator[str | UnicodeDecodeError]:
    """Lines of standard input without their line ending. Read as bytes where possible, so one
    line that is not UTF-8 becomes an error for that line instead of ending the run."""
    stream = sys.stdin  # looked up on each call: tests swap it
    raw = getattr(stream, "buffer", None)
    if raw is None:
        for line in stream:
            yield line.rstrip("\r\n")
        return
    for data in raw:
        try:
            yield data.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            yield exc


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Check texts read from standard input (one per line) and print one JSON object per "
        'line: {"flags": [...]} or {"error": "..."}.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--team",
            type=uuid.UUID,
            help="Public id of a team whose own rules are added to the defaults.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = None
        if options["team"] is not None:
            team = Team.objects.filter(public_id=options["team"]).first()
            if team is None:
                raise CommandError(f"There is no team with the id {options['team']}.")
        for line in _lines():
            if isinstance(line, UnicodeDecodeError):
                answer: dict[str, Any] = {"error": "This line is not valid UTF-8 text."}
            else:
                try:
                    flags = text_check(text=line, team=team)
                except ValidationError as error:
                    answer = {"error": _message(error)}
                else:
                    answer = {"flags": [flag.as_dict() for flag in flags]}
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
