"""Instructions per request, counted by valgrind's callgrind: stable where wall time is not.

bench/api.py runs this module under callgrind once with no measured requests and once per
target with ``--requests N``; every run first does the same set-up and the same warm-up (every
target asked ``--warmup`` times), so the difference of two runs' totals, divided by N, is what
N more requests of that target cost this process: Django, DRF, psycopg and our code, without
the database server's work (another process) and without the interpreter's start.

    valgrind --tool=callgrind --callgrind-out-file=out python -m bench.instructions \\
        --target caseload --requests 20

Run only by bench/api.py (it reads the totals); needs the database bench/seed.py filled.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_TOTALS = re.compile(r"^(?:totals|summary):\s+(\d+)", re.M)


def count(target: str | None, requests: int, warmup: int, env: dict[str, str]) -> int:
    """Instructions of one run of this module under callgrind (``target`` None: warm-up only)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, "-m", "bench.instructions", "--warmup", str(warmup),
            "--target", target or "", "--requests", str(requests if target else 0),
        ]  # fmt: skip
        # A fixed hash seed: dicts and sets iterate alike in every run, so runs differ only by
        # the requests counted.
        run_env = dict(env, PYTHONHASHSEED="0")
        subprocess.run(command, cwd=ROOT, env=run_env, check=True, capture_output=True)
        found = _TOTALS.search(out.read_text(encoding="utf-8", errors="replace"))
        if found is None:
            raise SystemExit(f"no totals in callgrind's output for {target!r}")
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="")
    parser.add_argument("--requests", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench import api

    api.configure()
    import django

    django.setup()
    from django.test import Client

    s = api.pick_subjects()
    keys = api.keys_of(s)
    targets = api.instruction_targets(s, keys)
    client = Client()
    requests = {name: api.getter(client, url, key) for name, (url, key) in targets.items()}
    for _ in range(args.warmup):
        for request in requests.values():
            request()
    if args.target:
        request = requests[args.target]
        for _ in range(args.requests):
            request()


if __name__ == "__main__":
    main()
