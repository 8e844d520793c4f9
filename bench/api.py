"""The API's hot paths at scale, side by side with a stock-DRF twin and the floor: one run, one
database, one line per target.

Run by hand on a database filled by bench/seed.py (never in the test suite):

    DATABASE_URL=postgres://consultteam:consultteam@127.0.0.1:5432/consultteam_bench \\
        .venv/bin/python bench/api.py [--iterations 200] [--http-seconds 20] [--no-http]

For each hot path (the next meeting's agenda, a therapist's caseload, a case's TIB history, a
chain analysis with its links, the audit trail of one team over a quarter) it times requests
through the whole stack (the Django test client: every middleware, token authentication, the
real view, its audit write, JSON rendering), authenticated as the person who would ask (a
therapist with a second factor enrolled, or their team leader), in turns with:

- its stock-DRF twin (bench/stock.py: generic views and ModelSerializer over the same
  `visible_to`, the product's authentication and audit line);
- its floor (bench/floor.py: the same rows through raw psycopg + orjson; for an audited read,
  the audit INSERT and its commit as well);
- the same request with every `visible_to` switched off (each subject may see every row asked).

Then page 150 of a cursor-paginated list against its page 1; instructions per request counted by
valgrind's callgrind (bench/instructions.py: stable where wall time is not); and HTTP throughput
and p95 at concurrency 8 against gunicorn on loopback, for the API, its stock twins and a raw
reference endpoint served by the same gunicorn (bench/http_urls.py, bench-only).

Targets (issue 18, on a 2-core machine): each hot path at most 0.5x its stock twin and within
4x its floor; a thin authenticated request at most 2.5M instructions, the caseload at most 8M,
the chain analysis at most 7M; page 150 within 1.3x of page 1; the visibility rules add at
most 15%; HTTP p95 at most 60 ms at concurrency 8 with at least twice the stock twin's
throughput.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure() -> None:
    """The environment of every bench process (this one, and each under callgrind)."""
    # The product's settings with the bench-only routes: the stock twins and the thin request.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.http_settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-elsewhere-0123456789")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    # As in production: a member's API token is refused without a second factor (the bench's
    # people have one), which costs the two-factor middleware its work on every request.
    os.environ.setdefault("REQUIRE_TWO_FACTOR", "true")
    # The project's package first: it loads the Celery app, which reads the settings, so that
    # bench/http_settings.py (which imports consultteam.settings) finds the package loaded.
    import consultteam  # noqa: F401


configure()

FLOOR_FACTOR = 4.0
TWIN_FACTOR = 0.5
THROUGHPUT_FACTOR = 2.0
# Instructions per request (millions): the thin request, the caseload, the chain analysis.
INSTRUCTIONS_M = {"thin": 2.5, "caseload": 8.0, "chain": 7.0}
DEEP_PAGE_FACTOR = 1.3
VISIBILITY_OVERHEAD = 0.15
HTTP_P95_MS = 60.0
DEEP_PAGE = 150


@dataclass
class Timing:
    median_ms: float
    p95_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        ms = sorted(s * 1000 for s in seconds)
        return cls(statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))])

    def __str__(self) -> str:
        return f"median {self.median_ms:6.2f} ms  p95 {self.p95_ms:6.2f} ms"


def timed_pair(
    first: Callable[[], object],
    second: Callable[[], object],
    iterations: int,
    warmup: int,
    second_within: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> tuple[Timing, Timing]:
    """Time two calls in turns (first, second, first, ...), so a burst of load from elsewhere on
    the machine falls on both alike; ``second_within`` wraps each second call (outside its
    timing)."""
    for _ in range(warmup):
        first()
        with second_within():
            second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(iterations):
        start = time.perf_counter()
        first()
        times[0].append(time.perf_counter() - start)
        with second_within():
            start = time.perf_counter()
            second()
            times[1].append(time.perf_counter() - start)
    return Timing.of(times[0]), Timing.of(times[1])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


@dataclass
class Subjects:
    """Who asks, and about what: a therapist of the first team and its team leader."""

    therapist: Any
    leader: Any
    team: Any
    case: Any
    chain: Any
    meeting: Any
    audit_since: dt.date
    audit_until: dt.date


def pick_subjects() -> Subjects:
    from django.db.models import Count
    from django.utils import timezone

    from agendas.models import Meeting
    from cases.models import Case, ChainAnalysis
    from consultteam.teams.models import Membership, Role, Team

    team = Team.objects.order_by("pk").first()
    if team is None:
        sys.exit("No data: fill the database with bench/seed.py first.")
    leader = Membership.objects.get(team=team, role=Role.TEAM_LEADER).user
    case = (
        Case.objects.filter(team=team)
        .annotate(n=Count("tib_entries"))
        .order_by("-n", "pk")
        .select_related("primary_therapist")
        .first()
    )
    assert case is not None
    therapist = case.primary_therapist
    chain = (
        ChainAnalysis.objects.filter(author=therapist)
        .annotate(n=Count("links"))
        .order_by("-n", "-pk")
        .first()
    )
    meeting = (
        Meeting.objects.filter(team=team, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert chain is not None
    assert meeting is not None
    today = timezone.now().date()
    return Subjects(
        therapist, leader, team, case, chain, meeting, today - dt.timedelta(days=91), today
    )


def enrol(user: Any) -> str:
    """A confirmed authenticator (the two-factor rule lets the token through) and a token."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from consultteam.accounts.services import api_token_issue

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    _, key = api_token_issue(user=user, name="bench")
    return key


def keys_of(s: Subjects) -> dict[str, str]:
    """A fresh token each for the therapist and the team leader."""
    return {"therapist": enrol(s.therapist), "leader": enrol(s.leader)}


@dataclass
class Path_:
    key: str  # short name: the instruction targets and the HTTP runs use it
    name: str
    url: str
    twin: str  # the stock-DRF twin's URL (bench/stock.py)
    token: str
    floor: Callable[[Any], bytes]


def hot_paths(s: Subjects, keys: dict[str, str]) -> list[Path_]:
    from bench import floor

    agenda = f"meetings/{s.meeting.public_id}/agenda/"
    tib = f"tib-entries/?case={s.case.public_id}"
    chain = f"chain-analyses/{s.chain.public_id}/"
    audit = f"audit-events/?team={s.team.public_id}&since={s.audit_since}&until={s.audit_until}"
    return [
        Path_(
            "agenda",
            "agenda of the next meeting",
            f"/api/v1/{agenda}",
            f"/api/bench/stock/{agenda}",
            keys["therapist"],
            lambda cur: floor.agenda(cur, s.meeting.public_id, s.therapist.pk),
        ),
        Path_(
            "caseload",
            "a therapist's caseload",
            "/api/v1/cases/?mine=true",
            "/api/bench/stock/cases/?mine=true",
            keys["therapist"],
            lambda cur: floor.caseload(cur, s.therapist.pk),
        ),
        Path_(
            "tib",
            "a case's TIB history",
            f"/api/v1/{tib}",
            f"/api/bench/stock/{tib}",
            keys["therapist"],
            lambda cur: floor.tib_history(cur, s.case.pk),
        ),
        Path_(
            "chain",
            "a chain analysis with its links",
            f"/api/v1/{chain}",
            f"/api/bench/stock/{chain}",
            keys["therapist"],
            lambda cur: floor.chain(cur, s.chain.public_id, s.therapist.pk),
        ),
        Path_(
            "audit",
            "audit trail, one team, a quarter",
            f"/api/v1/{audit}",
            f"/api/bench/stock/{audit}",
            keys["leader"],
            lambda cur: floor.audit(cur, s.team.pk, s.audit_since, s.audit_until),
        ),
    ]


THIN_URL = "/api/bench/thin/"


def instruction_targets(s: Subjects, keys: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Every request bench/instructions.py may count, by name: each hot path and its stock twin
    (``stock-<name>``), and the thin request."""
    targets = {"thin": (THIN_URL, keys["therapist"])}
    for hot in hot_paths(s, keys):
        targets[hot.key] = (hot.url, hot.token)
        targets[f"stock-{hot.key}"] = (hot.twin, hot.token)
    return targets


def getter(client: Any, url: str, key: str) -> Callable[[], Any]:
    def get() -> Any:
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {key}")
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return response

    return get


class VisibilityOff:
    """Every `visible_to` answers its queryset unchanged, for the length of a `with`."""

    def __enter__(self) -> None:
        from agendas import querysets as agenda_scopes
        from cases import querysets as case_scopes
        from consultteam.audit import querysets as audit_scopes

        self.saved = []
        for module in (agenda_scopes, case_scopes, audit_scopes):
            for value in vars(module).values():
                if isinstance(value, type) and "visible_to" in vars(value):
                    self.saved.append((value, vars(value)["visible_to"]))
                    value.visible_to = lambda self, user: self  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        for cls, method in self.saved:
            cls.visible_to = method  # type: ignore[attr-defined]


def deep_page_url(client: Any, url: str, key: str, pages: int) -> str:
    """The URL of page ``pages`` of a cursor-paginated list, found by following `next`."""
    for _ in range(pages - 1):
        body = getter(client, url, key)().json()
        if not body.get("next"):
            raise SystemExit(f"{url} has fewer than {pages} pages")
        url = body["next"].replace("http://testserver", "")
    return url


def side_by_side(client: Any, cursor: Any, s: Subjects, keys: dict[str, str], n: int, w: int,
                 lines: list[str]) -> None:  # fmt: skip
    print("Against the stock-DRF twin (same rows, same visible_to; bench/stock.py)")
    for hot in hot_paths(s, keys):
        ours, twin = timed_pair(
            getter(client, hot.url, hot.token), getter(client, hot.twin, hot.token), n, w
        )
        ratio = ours.median_ms / twin.median_ms
        print(f"  {hot.name:34} ours {ours} | stock {twin} | {ratio:5.2f}x")
        lines.append(
            f"{verdict(ratio <= TWIN_FACTOR)}  {hot.name}: {ratio:.2f}x its stock-DRF twin "
            f"({ours.median_ms:.2f} vs {twin.median_ms:.2f} ms median; target <= {TWIN_FACTOR})"
        )

    print("\nFull stack against the floor (raw psycopg + orjson, same rows; audited: + INSERT)")
    for hot in hot_paths(s, keys):
        stack, bottom = timed_pair(
            getter(client, hot.url, hot.token),
            lambda: hot.floor(cursor),  # noqa: B023 (called at once)
            n,
            w,
        )
        ratio = stack.median_ms / bottom.median_ms
        print(f"  {hot.name:34} stack {stack} | floor {bottom} | {ratio:5.1f}x")
        lines.append(
            f"{verdict(ratio <= FLOOR_FACTOR)}  {hot.name}: {ratio:.1f}x the floor "
            f"({stack.median_ms:.2f} vs {bottom.median_ms:.2f} ms median; "
            f"target <= {FLOOR_FACTOR:.0f}x)"
        )


def deep_pages(client: Any, s: Subjects, keys: dict[str, str], n: int, w: int,
               lines: list[str]) -> None:  # fmt: skip
    print(f"\nPage {DEEP_PAGE} against page 1 (cursor pagination)")
    for label, url, key in [
        ("TIB entries, team leader", "/api/v1/tib-entries/", keys["leader"]),
        ("audit trail, team leader, 10 a page",
         f"/api/v1/audit-events/?team={s.team.public_id}&page_size=10",
         keys["leader"]),
    ]:  # fmt: skip
        try:
            deep = deep_page_url(client, url, key, DEEP_PAGE)
        except SystemExit as short:
            print(f"  {label}: skipped ({short})")
            lines.append(f"FAIL  page {DEEP_PAGE} vs page 1, {label}: not measured ({short})")
            continue
        first, last = timed_pair(getter(client, url, key), getter(client, deep, key), n, w)
        ratio = last.median_ms / first.median_ms
        print(f"  {label:34} page 1 {first} | page {DEEP_PAGE} {last} | {ratio:4.2f}x")
        lines.append(
            f"{verdict(ratio <= DEEP_PAGE_FACTOR)}  page {DEEP_PAGE} vs page 1, {label}: "
            f"{ratio:.2f}x (target <= {DEEP_PAGE_FACTOR})"
        )


def visibility(client: Any, s: Subjects, keys: dict[str, str], n: int, w: int,
               lines: list[str]) -> None:  # fmt: skip
    print("\nVisibility rules on against off (same requests, same rows)")
    for hot in hot_paths(s, keys):
        request = getter(client, hot.url, hot.token)
        on, off = timed_pair(request, request, n, w, second_within=VisibilityOff)
        extra = on.median_ms / off.median_ms - 1
        print(f"  {hot.name:34} on {on} | off {off} | {extra:+6.1%}")
        lines.append(
            f"{verdict(extra <= VISIBILITY_OVERHEAD)}  visibility rules, {hot.name}: "
            f"{extra:+.1%} (target <= +{VISIBILITY_OVERHEAD:.0%})"
        )


def instructions(targets: list[str], requests: int, lines: list[str]) -> None:
    from bench import instructions as counting

    print(f"\nInstructions per request (callgrind, {requests} requests each after 5 warm-up)")
    counted = counting.count(targets, requests, 5, dict(os.environ))
    per_request = {target: n / requests for target, n in counted.items()}
    for target in targets:
        count, twin = per_request[target], per_request.get(f"stock-{target}")
        against = f" ({count / twin:.2f}x its stock twin's {twin / 1e6:.2f}M)" if twin else ""
        print(f"  {target:16} {count / 1e6:6.2f}M{against}")
        limit = INSTRUCTIONS_M.get(target)
        if limit is not None:
            lines.append(
                f"{verdict(count <= limit * 1e6)}  instructions per request, {target}: "
                f"{count / 1e6:.2f}M (target <= {limit}M){against}"
            )
        elif not target.startswith("stock-"):
            lines.append(f"INFO  instructions per request, {target}: {count / 1e6:.2f}M{against}")


def http(s: Subjects, keys: dict[str, str], args: argparse.Namespace, lines: list[str]) -> None:
    from bench import load

    print(f"\nHTTP, gunicorn on loopback ({args.workers} workers), concurrency "
          f"{args.concurrency}, {args.http_seconds:.0f} s each")  # fmt: skip
    paths = {hot.key: hot for hot in hot_paths(s, keys) if hot.key in ("caseload", "agenda")}
    targets: list[tuple[str, str, str | None]] = []
    for key, hot in paths.items():
        targets += [(f"API: {key}", hot.url, hot.token), (f"stock: {key}", hot.twin, hot.token)]
    targets.append(("raw reference: caseload", f"/bench/raw/caseload/{s.therapist.pk}/", None))
    # In turns, a few seconds each, so a burst of load from elsewhere falls on all alike.
    rounds = 4
    results = {label: load.LoadResult([], 0, 0.0) for label, _, _ in targets}
    with load.gunicorn(workers=args.workers) as base:
        for _ in range(rounds):
            for label, url, token in targets:
                results[label] += load.run(
                    base + url, token, args.concurrency, args.http_seconds / rounds
                )
    for label, _, _ in targets:
        print(f"  {label:26} {results[label]}")
    for key in paths:
        ours, twin = results[f"API: {key}"], results[f"stock: {key}"]
        faster = ours.per_second / twin.per_second if twin.per_second else float("inf")
        lines.append(
            f"{verdict(ours.p95_ms <= HTTP_P95_MS and faster >= THROUGHPUT_FACTOR)}  HTTP at "
            f"concurrency {args.concurrency}, API {key}: p95 {ours.p95_ms:.1f} ms, "
            f"{ours.per_second:.0f} req/s = {faster:.2f}x its stock twin's "
            f"{twin.per_second:.0f} req/s (p95 {twin.p95_ms:.1f} ms) "
            f"(targets: p95 <= {HTTP_P95_MS:.0f} ms, >= {THROUGHPUT_FACTOR:.0f}x)"
        )
        if ours.errors or twin.errors:
            lines.append(f"FAIL  HTTP {key}: {ours.errors} errors, stock {twin.errors}")
    raw = results["raw reference: caseload"]
    lines.append(
        f"INFO  HTTP at concurrency {args.concurrency}, raw reference: caseload: "
        f"{raw.p95_ms:.1f} ms p95, {raw.per_second:.0f} req/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--http-seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    # As production runs it (Dockerfile, docker-compose.yml): three sync workers.
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn run")
    parser.add_argument(
        "--instructions",
        default="thin,caseload,stock-caseload,chain,stock-chain,agenda,stock-agenda,tib,"
        "stock-tib,audit,stock-audit",
        help="targets to count under callgrind (bench/instructions.py), comma-separated; "
        "empty to skip. Also: agenda, tib, audit and their stock-<name>",
    )
    parser.add_argument("--instruction-requests", type=int, default=20)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the database bench/seed.py filled.")

    import django

    django.setup()
    import psycopg
    from django.db import connection
    from django.test import Client

    s = pick_subjects()
    keys = keys_of(s)
    client = Client()
    raw = psycopg.connect(**connection.get_connection_params())
    raw.autocommit = True
    lines: list[str] = []
    n, w = args.iterations, args.warmup
    print(f"Subjects: therapist {s.therapist.pk}, leader {s.leader.pk}, team {s.team.pk}, "
          f"case {s.case.pk}, chain {s.chain.pk}, meeting {s.meeting.pk}")  # fmt: skip
    print(f"{n} timed requests each after {w} warm-up, pairs in turns\n")

    with raw.cursor() as cursor:
        side_by_side(client, cursor, s, keys, n, w, lines)
    deep_pages(client, s, keys, n, w, lines)
    visibility(client, s, keys, n, w, lines)
    if targets := [t for t in args.instructions.split(",") if t]:
        instructions(targets, args.instruction_requests, lines)
    if not args.no_http:
        http(s, keys, args, lines)

    print("\nTargets")
    for line in lines:
        print("  " + line)
    raw.close()


if __name__ == "__main__":
    main()
