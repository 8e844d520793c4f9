"""How long the text check takes per line, as the editors will call it on every pause in typing.

Run by hand:  .venv/bin/python bench/textcheck.py [--lines 20000] [--seed 7]

Builds a throw-away SQLite database in a temporary folder with the real migrations (so the
default rules are the seeded ones), generates realistic lines by recombining the sentences of
the labelled set (tests/textcheck_examples.py) one to three at a time, and times `check_text`
on each line after one warm-up call has compiled the rules. Prints the mean, median, p95 and max in
microseconds per line, and the same for a few long texts (up to the 20,000-character limit).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consultteam.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-elsewhere-0123456789")
os.environ.setdefault("DEBUG", "false")
SCRATCH = Path(tempfile.mkdtemp(prefix="bench-textcheck-"))
os.environ["DATA_DIR"] = str(SCRATCH)
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"


def lines(count: int, rng: random.Random) -> list[str]:
    from tests.textcheck_examples import EXAMPLES

    sentences = [text for text, _ in EXAMPLES]
    return [" ".join(rng.choices(sentences, k=rng.randint(1, 3))) for _ in range(count)]


def summary(label: str, seconds: list[float]) -> str:
    micros = sorted(s * 1e6 for s in seconds)
    p95 = micros[int(0.95 * (len(micros) - 1))]
    return (
        f"{label}: {len(micros)} lines, mean {statistics.fmean(micros):.1f} us, "
        f"median {statistics.median(micros):.1f} us, p95 {p95:.1f} us, max {micros[-1]:.1f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from consultteam.textcheck.engine import check_text

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    batch = lines(args.lines, rng)
    check_text("warm-up: compile the default rules once")

    seconds = []
    flagged = 0
    for line in batch:
        began = time.perf_counter()
        flags = check_text(line)
        seconds.append(time.perf_counter() - began)
        flagged += bool(flags)
    mean_chars = statistics.fmean(len(line) for line in batch)
    print(summary(f"typical lines (mean {mean_chars:.0f} characters)", seconds))
    print(f"  {flagged} of {len(batch)} lines had at least one flag")

    long_texts = []
    for size in (1_000, 5_000, 20_000):
        text = ""
        while len(text) < size - 300:
            text += rng.choice(batch) + " "
        long_texts.append(text[:size])
    for text in long_texts:
        began = time.perf_counter()
        check_text(text)
        print(f"one text of {len(text):,} characters: {(time.perf_counter() - began) * 1e3:.1f} ms")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
