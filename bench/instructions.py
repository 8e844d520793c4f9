"""Instructions per request, counted by valgrind's callgrind: stable where wall time is not.

bench/api.py runs this module once under callgrind with instrumentation off
(``--instr-atstart=no``): the interpreter's start, Django's set-up and every warm-up run
uncounted. Requests go straight to the project's WSGI application, as gunicorn sends them
(not through the test client). For each target in turn the process warms it up, then asks
callgrind (through ``callgrind_control``, on its own process id) to zero its counters and
count, sends the measured requests, stops counting and dumps the counts to a file named after
the target. The
total of that dump divided by the number of requests is what one request costs this process:
Django, DRF, psycopg and our code, without the database server's work (another process).

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=<folder>/out \\
        python -m bench.instructions --targets thin,caseload --requests 20

Run by bench/api.py (it reads the dumps); needs the database bench/seed.py filled.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import OptExcInfo

ROOT = Path(__file__).resolve().parent.parent

_TOTALS = re.compile(r"^totals:\s+(\d+)", re.M)
_TRIGGER = re.compile(r"^desc: Trigger: dump (\S+)", re.M)


def count(targets: list[str], requests: int, warmup: int, env: dict[str, str]) -> dict[str, int]:
    """Instructions of ``requests`` requests of each target, by target (one callgrind run)."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no",
            f"--callgrind-out-file={folder}/out", sys.executable, "-m", "bench.instructions",
            "--targets", ",".join(targets), "--requests", str(requests),
            "--warmup", str(warmup),
        ]  # fmt: skip
        # A fixed hash seed: the same run counts the same, whatever the seed would have been.
        run_env = dict(env, PYTHONHASHSEED="0")
        subprocess.run(command, cwd=ROOT, env=run_env, check=True, capture_output=True)
        counted: dict[str, int] = {}
        for dump in Path(folder).glob("out*"):
            text = dump.read_text(encoding="utf-8", errors="replace")
            trigger, totals = _TRIGGER.search(text), _TOTALS.search(text)
            if trigger and totals:
                counted[trigger.group(1)] = int(totals.group(1))
    missing = set(targets) - set(counted)
    if missing:
        raise SystemExit(f"callgrind dumped no counts for {sorted(missing)}")
    return counted


def _callgrind(*arguments: str) -> None:
    """Ask the callgrind this process runs under to do something (it answers when done)."""
    subprocess.run(
        ["callgrind_control", *arguments, str(os.getpid())], check=True, capture_output=True
    )


def wsgi_getter(url: str, key: str) -> Callable[[], None]:
    """A GET of ``url`` with the token ``key`` straight through the project's WSGI application,
    as gunicorn calls it: no test client around it (whose signals and request copies would be
    counted too). Raises if the answer is not 200."""
    from consultteam.wsgi import application

    path, _, query = url.partition("?")
    status: list[str] = []

    def start_response(
        line: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
    ) -> Callable[[bytes], object]:
        status.append(line)
        return lambda data: None

    def get() -> None:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_AUTHORIZATION": f"Token {key}",
            "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }  # fmt: skip
        status.clear()
        body = application(environ, start_response)
        try:
            b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        if not status or not status[0].startswith("200"):
            raise SystemExit(f"{url} answered {status}")

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    import django

    from bench import api

    django.setup()
    s = api.pick_subjects()
    every = api.instruction_targets(s, api.keys_of(s))
    for target in args.targets.split(","):
        url, key = every[target]
        request = wsgi_getter(url, key)
        for _ in range(args.warmup):
            request()
        _callgrind("--zero")
        _callgrind("--instr=on")
        for _ in range(args.requests):
            request()
        _callgrind("--instr=off")
        _callgrind(f"--dump={target}")


if __name__ == "__main__":
    main()
