"""`manage.py health [part ...]`: the checks of /healthz, from the command line.

Compose's health check for beat runs `manage.py health beat`: it exits 1 when beat's heartbeat
is older than HEARTBEAT_STALE_SECONDS (or missing), 0 otherwise. Without parts, every part is
checked. Prints the checks as JSON either way.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consultteam.health.checks import run_checks

PARTS = ("database", "broker", "beat", "worker")


class Command(BaseCommand):
    help = "Check the database, the broker, beat's and the worker's heartbeats; exit 1 if down."

    def add_arguments(self, parser: CommandParser) -> None:
        # No `choices`: Python 3.11's argparse refuses an empty list against them.
        parser.add_argument("parts", nargs="*", help=f"parts to check: {', '.join(PARTS)} (all)")

    def handle(self, *args: Any, **options: Any) -> None:
        parts: list[str] = options["parts"] or list(PARTS)
        unknown = sorted(set(parts) - set(PARTS))
        if unknown:
            raise CommandError(
                f"invalid choice: {', '.join(unknown)} (choose from {PARTS})", returncode=2
            )
        checks = run_checks()
        chosen = {part: checks[part] for part in parts}
        self.stdout.write(json.dumps(chosen, sort_keys=True))
        down = [part for part, check in chosen.items() if not check["ok"]]
        if down:
            raise CommandError(f"down: {', '.join(down)}", returncode=1)
