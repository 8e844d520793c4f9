"""Walk the audit trail's hash chain and name every event that no longer fits it."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from consultteam.audit.chain import verify


def _anchor(text: str) -> tuple[int, str]:
    position, _, digest = text.partition(":")
    if not position.isdecimal() or len(digest) != 64:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not POSITION:HASH, as this command prints the head"
        )
    return int(position), digest


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain (PostgreSQL). Reports each altered, missing or "
        "inserted event by id and exits 1 if there is any; prints the head to record."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            type=_anchor,
            default=[],
            metavar="POSITION:HASH",
            help="a head printed by an earlier run: the chain must still pass through it",
        )
        parser.add_argument("--database", default="default")

    def handle(
        self, *args: Any, anchor: list[tuple[int, str]], database: str, **options: Any
    ) -> None:
        if connections[database].vendor != "postgresql":
            raise CommandError(
                "The hash chain is kept on PostgreSQL only; this database "
                f"({connections[database].vendor}) has none to verify."
            )
        verdict = verify(database, anchors=dict(anchor))
        for found in verdict.breaks:
            self.stderr.write(f"BROKEN {found}")
        head = f"{verdict.head_seq}:{verdict.head_hash}" if verdict.head_seq else "none (empty)"
        self.stdout.write(f"{verdict.checked} event(s) checked; head {head}")
        if not verdict.intact:
            raise CommandError(f"The audit trail has {len(verdict.breaks)} break(s).")
        self.stdout.write("The audit trail is intact.")
