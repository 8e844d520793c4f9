"""Run web, worker and beat together for local use: the embedded shape of docker-compose.yml.

Three child processes, one per service, with the same commands as the compose file (but the
web server is Django's development server, without its reloader: a reloader is a second process
that a signal to this one would leave behind). SIGINT (Ctrl-C) and SIGTERM stop all three, even
when this command was started in the background by a shell, which starts it with SIGINT ignored;
if one of them stops, the others are stopped too, so nothing is left running half-configured.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        commands = {
            "web": [
                python,
                "manage.py",
                "runserver",
                "--noreload",
                f"{options['host']}:{options['port']}",
            ],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "consultteam",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            "beat": [python, "-m", "celery", "-A", "consultteam", "beat", "--loglevel=INFO"],
        }
        # Before the children start: a signal that arrives while they do still stops them.
        # SIGINT explicitly too, since a shell starts a background job with SIGINT ignored, and
        # Python then leaves it ignored; SIGTERM is how a supervisor (or `make`) asks.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        children: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name, command in commands.items():
                children[name] = subprocess.Popen(command)  # noqa: S603
            url = f"http://{options['host']}:{options['port']}/"
            self.stdout.write(
                self.style.SUCCESS(f"ConsultTeam is starting on {url}  (Ctrl-C stops)")
            )
            while all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
            stopped = [name for name, child in children.items() if child.poll() is not None]
            self.stderr.write(f"{', '.join(stopped)} stopped; stopping the rest.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping web, worker and beat...")
        finally:
            _stop(children)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
