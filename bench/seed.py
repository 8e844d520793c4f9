"""Fill a PostgreSQL database with a regional service's worth of fictional data, fast.

Run by hand (never in the test suite), on a database of its own:

    DATABASE_URL=postgres://consultteam:consultteam@127.0.0.1:5432/consultteam_bench \\
        .venv/bin/python bench/seed.py [--scale 1.0] [--seed 7] [--reset]

At scale 1 (the default) it writes 200 teams, 2,000 people, 40,000 cases, 1,000,000 TIB
entries, 1,000,000 agenda items over five years of weekly meetings (plus four weeks ahead),
100,000 chain analyses with 800,000 links, 1,000,000 per-object permission rows and 500,000
audit events, then VACUUM (ANALYZE). `--scale 0.01` writes a hundredth of every count (at
least one team). It migrates first, writes every row with psycopg COPY in explicit ids (one
round trip per table), and refuses a database that already holds cases unless `--reset`
empties the schema first.

Every value is generated: case codes are random, people are "Clinician 0042", texts are
recombined from the short fictional phrases below. Nothing identifies anyone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consultteam.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-elsewhere-0123456789")
os.environ.setdefault("DEBUG", "false")

# The default dataset of issue 9, multiplied by --scale.
DEFAULT_COUNTS = {
    "teams": 200,
    "users": 2_000,
    "cases": 40_000,
    "tib_entries": 1_000_000,
    "agenda_items": 1_000_000,
    "chains": 100_000,
    "links": 800_000,
    "grants": 1_000_000,
    "audit_events": 500_000,
}
YEARS = 5
WEEKS_AHEAD = 4
# Share of the per-object grants that are on cases (co-therapists, readers); the rest let an
# outside reviewer read one chain analysis.
CASE_GRANT_SHARE = 0.7
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago", "UTC"]

# Short fictional phrases, written for this benchmark.
OBSERVED = [
    "arrived {n} minutes after the start of the session",
    "left the group room {n} minutes before the end",
    "did not bring the diary card for the {n}th week",
    "phoned the coaching line {n} times after 10 pm",
    "changed the topic {n} times when the chain was started",
    "cancelled with {n} hours' notice",
    "ended the call after {n} minutes without a plan",
    "sent {n} messages between sessions about scheduling",
]
WHERE = ["in individual session", "in skills group", "on the phone", "between sessions"]
LINK_TEXT = [
    "noticed a tight chest and a racing heart",
    "thought 'this will go wrong again'",
    "felt shame rising, about 7 out of 10",
    "had the urge to leave the room",
    "put the phone face down and looked away",
    "a text message arrived from a friend",
    "remembered the last argument at home",
    "told themself there was no point trying",
]
REPLACEMENT = [
    "paced breathing for two minutes",
    "checked the facts before acting",
    "asked for a five-minute pause",
    "used opposite action and stayed",
    "wrote the thought down and returned to it later",
]
TITLES = [
    "Help planning the next session after {n} missed",
    "Validation wanted: a hard week with {n} crisis calls",
    "Assessment of a pattern seen {n} times",
    "Accountability: the chain I said I would write",
    "Information on a skills module for week {n}",
]
QUESTION = "What would the team look at first, given the {n} times it happened this month?"


@dataclass
class Counts:
    teams: int
    users: int
    cases: int
    tib_entries: int
    agenda_items: int
    chains: int
    links: int
    grants: int
    audit_events: int

    @classmethod
    def scaled(cls, scale: float) -> Counts:
        return cls(**{name: max(1, round(n * scale)) for name, n in DEFAULT_COUNTS.items()})


def say(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)


class Loader:
    """Writes rows with COPY, in explicit ids, one statement per table."""

    def __init__(self, connection: Any, started: float) -> None:
        self.connection = connection
        self.started = started

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        written = 0
        with self.connection.cursor() as cursor:
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        say(f"{table}: {written:,} rows", self.started)
        return written


def reset_schema() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def seed(counts: Counts, rng: random.Random, started: float) -> None:
    from django.contrib.auth.models import Permission
    from django.db import connection

    from agendas.choices import (
        HelpWanted,
        ItemStatus,
        ItemType,
        LocationKind,
        MeetingStatus,
        Section,
        Urgency,
        default_rotating_roles,
    )
    from cases.choices import (
        CATEGORIES_BY_ACTOR,
        Actor,
        CaseStatus,
        ChainKind,
        ChainStatus,
        ChainSubject,
        ConsequenceLocus,
        ConsequenceTiming,
        LinkKind,
        Setting,
        SkillModule,
        SolutionType,
        Stage,
        TargetLevel,
        TIBStatus,
    )
    from cases.models import CODE_ALPHABET, CODE_LENGTH
    from consultteam.audit.models import Action
    from consultteam.reference.models import Agreement
    from consultteam.teams.models import Role

    connection.ensure_connection()
    raw = connection.connection
    load = Loader(raw, started)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = now.date()
    first_day = today - dt.timedelta(days=365 * YEARS)
    span_days = (today - first_day).days

    def some_day() -> dt.date:
        return first_day + dt.timedelta(days=rng.randrange(span_days))

    def moment(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(rng.randrange(7, 20), rng.randrange(60)), dt.UTC)

    def u() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    # --- Teams and people ---------------------------------------------------------------
    n_teams = counts.teams
    per_team = max(3, counts.users // n_teams)  # a leader, a supervisor, the rest therapists
    team_zone = [ZONES[t % len(ZONES)] for t in range(n_teams)]
    team_weekday = [t % 5 for t in range(n_teams)]
    load.copy(
        "teams_team",
        [
            "id",
            "public_id",
            "name",
            "time_zone",
            "cadence",
            "meeting_weekday",
            "meeting_start",
            "meeting_minutes",
            "agenda_cutoff_hours",
            "created_at",
        ],
        (
            (t + 1, u(), f"Bench team {t + 1:04d}", team_zone[t], "WEEKLY", team_weekday[t],
             dt.time(9 + t % 6, 0), 90, 24, now)
            for t in range(n_teams)
        ),
    )  # fmt: skip
    roles_json = json.dumps(default_rotating_roles())
    load.copy(
        "agendas_teammeetingsettings",
        ["id", "rotating_roles", "location_kind", "join_link", "team_id"],
        ((t + 1, roles_json, LocationKind.IN_PERSON, "", t + 1) for t in range(n_teams)),
    )
    # User ids: team t (0-based) holds ids t*per_team+1 .. (t+1)*per_team; the first is its
    # team leader, the second its supervisor, the rest therapists.
    n_users = n_teams * per_team
    load.copy(
        "accounts_user",
        [
            "id",
            "password",
            "is_superuser",
            "public_id",
            "email",
            "display_name",
            "time_zone",
            "is_active",
            "is_staff",
            "date_joined",
        ],
        (
            (i, "!", False, u(), f"clinician{i:05d}@bench.example", f"Clinician {i:05d}",
             team_zone[(i - 1) // per_team], True, False, now)
            for i in range(1, n_users + 1)
        ),
    )  # fmt: skip

    def role_of(index_in_team: int) -> str:
        return (
            [Role.TEAM_LEADER, Role.SUPERVISOR][index_in_team]
            if index_in_team < 2
            else Role.THERAPIST
        )

    load.copy(
        "teams_membership",
        ["id", "public_id", "role", "is_active", "joined_on", "user_id", "team_id"],
        (
            (i, u(), role_of((i - 1) % per_team), True, first_day, i, (i - 1) // per_team + 1)
            for i in range(1, n_users + 1)
        ),
    )

    def members(team: int) -> range:
        return range((team - 1) * per_team + 1, team * per_team + 1)

    def therapists(team: int) -> range:
        return range((team - 1) * per_team + 3, team * per_team + 1)

    # --- Cases ----------------------------------------------------------------------------
    per_team_cases = max(1, counts.cases // n_teams)
    n_cases = per_team_cases * n_teams
    case_team = [0] * (n_cases + 1)
    case_therapist = [0] * (n_cases + 1)

    def case_rows() -> Iterable[tuple[Any, ...]]:
        case_id = 0
        for team in range(1, n_teams + 1):
            codes: set[str] = set()
            team_therapists = therapists(team)
            for k in range(per_team_cases):
                code = ""
                while not code or code in codes:
                    code = "C-" + "".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH))
                codes.add(code)
                case_id += 1
                case_team[case_id] = team
                case_therapist[case_id] = team_therapists[k % len(team_therapists)]
                opened = some_day().replace(day=1)
                discharged = rng.random() < 0.3
                closed = (
                    min(opened + dt.timedelta(days=rng.randrange(60, 700)), today).replace(day=1)
                    if discharged
                    else None
                )
                yield (
                    case_id, u(), code, rng.choice(Stage.values),
                    CaseStatus.DISCHARGED if discharged else CaseStatus.ACTIVE,
                    opened, closed, now, now, case_therapist[case_id], team,
                )  # fmt: skip

    load.copy(
        "cases_case",
        [
            "id",
            "public_id",
            "code",
            "stage",
            "status",
            "opened",
            "closed",
            "created_at",
            "updated_at",
            "primary_therapist_id",
            "team_id",
        ],
        case_rows(),
    )

    # --- Chain analyses, their links and consequences ---------------------------------
    n_chains = counts.chains
    links_per_chain = max(1, round(counts.links / n_chains))
    chain_team = [0] * (n_chains + 1)
    chain_statuses = ChainStatus.values
    skill_modules = SkillModule.values

    def chain_rows() -> Iterable[tuple[Any, ...]]:
        for chain_id in range(1, n_chains + 1):
            about_client = rng.random() < 0.8
            case_id = rng.randrange(1, n_cases + 1) if about_client else None
            team = case_team[case_id] if case_id else rng.randrange(1, n_teams + 1)
            chain_team[chain_id] = team
            author = case_therapist[case_id] if case_id else rng.choice(therapists(team))
            day = some_day()
            n = rng.randrange(2, 12)
            yield (
                chain_id, u(),
                ChainSubject.CLIENT_BEHAVIOR if about_client else ChainSubject.THERAPIST_BEHAVIOR,
                ChainKind.BEHAVIOR_CHAIN, TargetLevel.THERAPY_INTERFERING,
                rng.choice(OBSERVED).format(n=n) + " " + rng.choice(WHERE), day,
                rng.randrange(0, 11), rng.choice(LINK_TEXT), "the evening before",
                '["SLEEP", "STRESSFUL_EVENT"]', "", rng.choice(REPLACEMENT), "", "",
                "", "", "", "", "", rng.choice(chain_statuses), 1,
                moment(day), moment(day), author, case_id, team,
            )  # fmt: skip

    load.copy(
        "cases_chainanalysis",
        [
            "id", "public_id", "subject", "kind", "target_level", "problem_behavior",
            "behavior_on", "intensity", "prompting_event", "prompting_event_started",
            "vulnerabilities", "vulnerability_notes", "prevention_plan", "repair", "commitment",
            "knowing_barrier", "willingness_barrier", "thought_barrier", "what_got_in_the_way",
            "problem_solving_plan", "status", "version", "created_at", "updated_at",
            "author_id", "case_id", "team_id",
        ],
        chain_rows(),
    )  # fmt: skip
    link_kinds = LinkKind.values
    solutions = [s for s in SolutionType.values if s != SolutionType.SKILL]

    def link_rows() -> Iterable[tuple[Any, ...]]:
        link_id = 0
        for chain_id in range(1, n_chains + 1):
            for position in range(1, links_per_chain + 1):
                link_id += 1
                skill = rng.random() < 0.6
                yield (
                    link_id, u(), position, rng.choice(link_kinds), rng.choice(LINK_TEXT),
                    rng.randrange(0, 11),
                    SolutionType.SKILL if skill else rng.choice(solutions),
                    rng.choice(skill_modules) if skill else "", rng.choice(REPLACEMENT), chain_id,
                )  # fmt: skip

    load.copy(
        "cases_chainlink",
        [
            "id",
            "public_id",
            "position",
            "kind",
            "description",
            "intensity",
            "solution_type",
            "skill_module",
            "replacement_behavior",
            "chain_id",
        ],
        link_rows(),
    )
    load.copy(
        "cases_chainconsequence",
        ["id", "public_id", "description", "timing", "locus", "chain_id"],
        (
            (2 * c + k + 1, u(), "the tension eased for an hour",
             [ConsequenceTiming.values[0], ConsequenceTiming.values[-1]][k],
             rng.choice(ConsequenceLocus.values), c + 1)
            for c in range(n_chains)
            for k in range(2)
        ),
    )  # fmt: skip

    # --- The TIB log ---------------------------------------------------------------------
    client_categories = CATEGORIES_BY_ACTOR[Actor.CLIENT]
    therapist_categories = CATEGORIES_BY_ACTOR[Actor.THERAPIST]
    team_categories = CATEGORIES_BY_ACTOR[Actor.TEAM]
    settings_values = Setting.values
    tib_statuses = TIBStatus.values

    def tib_rows() -> Iterable[tuple[Any, ...]]:
        for tib_id in range(1, counts.tib_entries + 1):
            draw = rng.random()
            if draw < 0.85:
                actor, case_id = Actor.CLIENT, rng.randrange(1, n_cases + 1)
                team, category = case_team[case_id], rng.choice(client_categories)
                author = case_therapist[case_id]
            else:
                team = rng.randrange(1, n_teams + 1)
                author, case_id = rng.choice(therapists(team)), None
                actor, category = (
                    (Actor.THERAPIST, rng.choice(therapist_categories))
                    if draw < 0.95
                    else (Actor.TEAM, rng.choice(team_categories))
                )
            day = some_day()
            yield (
                tib_id, u(), actor, category, rng.choice(settings_values),
                rng.choice(OBSERVED).format(n=rng.randrange(2, 12)), day, rng.randrange(1, 5),
                rng.choice(tib_statuses), rng.random() < 0.5, moment(day), moment(day),
                author, case_id, None, team,
            )  # fmt: skip

    load.copy(
        "cases_tibentry",
        [
            "id", "public_id", "actor", "category", "setting", "description", "occurred_on",
            "count", "status", "shared_with_team", "created_at", "updated_at", "author_id",
            "case_id", "chain_analysis_id", "team_id",
        ],
        tib_rows(),
    )  # fmt: skip

    # --- Meetings and their agendas ------------------------------------------------------
    agreement_ids = list(Agreement.objects.values_list("pk", flat=True))
    weeks = YEARS * 52 + WEEKS_AHEAD
    meeting_team: list[int] = [0]
    meeting_past: list[bool] = [False]
    meeting_start: list[dt.datetime] = [now]

    def meeting_rows() -> Iterable[tuple[Any, ...]]:
        meeting_id = 0
        for team in range(1, n_teams + 1):
            zone = ZoneInfo(team_zone[team - 1])
            first = today - dt.timedelta(days=YEARS * 364)
            first += dt.timedelta(days=(team_weekday[team - 1] - first.weekday()) % 7)
            for week in range(weeks):
                slot = first + dt.timedelta(weeks=week)
                local = dt.datetime.combine(slot, dt.time(9 + (team - 1) % 6, 0), zone)
                starts_at = local.astimezone(dt.UTC)
                past = starts_at < now
                meeting_id += 1
                meeting_team.append(team)
                meeting_past.append(past)
                meeting_start.append(starts_at)
                done = starts_at + dt.timedelta(minutes=90) if past else None
                yield (
                    meeting_id, u(), slot, starts_at, 90,
                    MeetingStatus.COMPLETED if past else MeetingStatus.SCHEDULED,
                    LocationKind.IN_PERSON, "", "", done, 1, 0, now, now,
                    agreement_ids[week % len(agreement_ids)] if agreement_ids else None, team,
                )  # fmt: skip

    load.copy(
        "agendas_meeting",
        [
            "id", "public_id", "slot", "starts_at", "minutes", "status", "location_kind",
            "join_link", "minutes_text", "completed_at", "version", "sequence", "created_at",
            "updated_at", "agreement_id", "team_id",
        ],
        meeting_rows(),
    )  # fmt: skip
    n_meetings = len(meeting_team) - 1
    sections = [Section.WINS, Section.FOLLOW_UP, Section.CONSULTATION, Section.ADMIN]
    item_types = ItemType.values
    target_levels = TargetLevel.values
    urgencies = Urgency.values
    helps = HelpWanted.values
    per_team_case_ids = {
        team: range((team - 1) * per_team_cases + 1, team * per_team_cases + 1)
        for team in range(1, n_teams + 1)
    }

    def item_rows() -> Iterable[tuple[Any, ...]]:
        per_meeting, extra = divmod(counts.agenda_items, n_meetings)
        item_id = 0
        for meeting_id in range(1, n_meetings + 1):
            team = meeting_team[meeting_id]
            past = meeting_past[meeting_id]
            submitted = meeting_start[meeting_id] - dt.timedelta(days=2)
            team_members = members(team)
            for _ in range(per_meeting + (1 if meeting_id <= extra else 0)):
                item_id += 1
                section = rng.choice(sections)
                about_case = section == Section.CONSULTATION
                n = rng.randrange(2, 12)
                yield (
                    item_id, u(), section, rng.choice(item_types),
                    rng.choice(target_levels) if about_case else TargetLevel.NONE,
                    rng.choice(urgencies), rng.choice(helps), rng.choice(TITLES).format(n=n),
                    QUESTION.format(n=n), rng.choice((5, 10, 15)),
                    ItemStatus.DISCUSSED if past else ItemStatus.SUBMITTED, False,
                    rng.choice((5, 10, 15)) if past else None, "", "", submitted,
                    submitted, submitted,
                    rng.choice(per_team_case_ids[team]) if about_case else None,
                    rng.choice(team_members), meeting_id,
                )  # fmt: skip

    load.copy(
        "agendas_agendaitem",
        [
            "id", "public_id", "section", "item_type", "target_level", "urgency", "help_wanted",
            "title", "question", "minutes_requested", "status", "flagged_for_leader",
            "actual_minutes", "outcome", "move_reason", "submitted_at", "created_at",
            "updated_at", "case_id", "submitter_id", "meeting_id",
        ],
        item_rows(),
    )  # fmt: skip

    # --- Per-object grants (django-guardian's direct foreign-key tables) -------------------
    def permission(app: str, codename: str) -> int:
        return Permission.objects.get(content_type__app_label=app, codename=codename).pk

    case_perms = [permission("cases", "view_case"), permission("cases", "co_treat_case")]
    chain_perm = permission("cases", "view_chainanalysis")

    def grant_rows(n: int, n_objects: int, perms: list[int]) -> Iterable[tuple[Any, ...]]:
        """``n`` grants spread evenly over the objects, each to distinct people."""
        per_object, extra = divmod(n, n_objects)
        grant_id = 0
        for obj in range(1, n_objects + 1):
            k = min(n_users, per_object + (1 if obj <= extra else 0))
            for person in rng.sample(range(1, n_users + 1), k):
                grant_id += 1
                yield grant_id, obj, perms[grant_id % len(perms)], person

    n_case_grants = round(counts.grants * CASE_GRANT_SHARE)
    columns = ["id", "content_object_id", "permission_id", "user_id"]
    load.copy(
        "cases_caseuserobjectpermission", columns, grant_rows(n_case_grants, n_cases, case_perms)
    )
    load.copy(
        "cases_chainanalysisuserobjectpermission",
        columns,
        grant_rows(counts.grants - n_case_grants, n_chains, [chain_perm]),
    )

    # --- The audit trail (reads and changes of the record, newest last) -------------------
    object_types = ["cases.case", "cases.tibentry", "cases.chainanalysis", "agendas.meeting"]
    actions = [Action.VIEW, Action.VIEW, Action.VIEW, Action.UPDATE, Action.CREATE]

    def audit_rows() -> Iterable[tuple[Any, ...]]:
        step = span_days * 86400 / counts.audit_events
        start = dt.datetime.combine(first_day, dt.time(0), dt.UTC)
        for event_id in range(1, counts.audit_events + 1):
            team = rng.randrange(1, n_teams + 1)
            action = rng.choice(actions)
            yield (
                event_id, start + dt.timedelta(seconds=event_id * step), action,
                rng.choice(object_types), str(u()),
                '["status"]' if action == Action.UPDATE else "[]",
                uuid.UUID(int=rng.getrandbits(128)).hex, "127.0.0.1",
                rng.choice(members(team)), team, "", "[]",
            )  # fmt: skip

    # A history spread over the span: as its owner, with the trail's maintenance switch, so the
    # database keeps these times (it stamps its own otherwise) while it chains every event.
    with raw.cursor() as cursor:
        cursor.execute("SET consultteam.audit_maintenance = 'on'")
    load.copy(
        "audit_auditevent",
        [
            "id", "at", "action", "object_type", "object_id", "fields", "request_id", "ip",
            "actor_id", "team_id", "emergency_access", "read_ids",
        ],
        audit_rows(),
    )  # fmt: skip
    with raw.cursor() as cursor:
        cursor.execute("RESET consultteam.audit_maintenance")

    # Explicit ids were written: move every sequence past them, so the app's inserts work.
    with raw.cursor() as cursor:
        for table in [
            "teams_team",
            "agendas_teammeetingsettings",
            "accounts_user",
            "teams_membership",
            "cases_case",
            "cases_chainanalysis",
            "cases_chainlink",
            "cases_chainconsequence",
            "cases_tibentry",
            "agendas_meeting",
            "agendas_agendaitem",
            "cases_caseuserobjectpermission",
            "cases_chainanalysisuserobjectpermission",
            "audit_auditevent",
        ]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    raw.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count by this")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same data each run)")
    parser.add_argument(
        "--reset", action="store_true", help="drop everything in the database first"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (see docs/performance.md).")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    if args.reset:
        reset_schema()
        say("schema emptied", started)
    call_command("migrate", verbosity=0)
    say("migrated", started)
    from cases.models import Case

    if Case.objects.exists():
        sys.exit("This database already holds cases: run with --reset to start again.")
    counts = Counts.scaled(args.scale)
    print(f"Seeding {counts}", flush=True)
    connection.set_autocommit(False)
    seed(counts, random.Random(args.seed), started)
    connection.set_autocommit(True)
    # As autovacuum leaves a database some minutes after a bulk load: statistics for the
    # planner, and the visibility map that lets an index answer alone (the access rules'
    # permission rows are read by an index-only scan; freshly written, every row they name
    # is fetched from the table as well).
    tables = ", ".join(
        connection.ops.quote_name(name) for name in connection.introspection.table_names()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")
    say("vacuumed and analyzed; done", started)


if __name__ == "__main__":
    main()
