"""Every list endpoint of the API answers in a fixed number of queries: the same at page sizes 10
and 100, and the same with a few rows or many (issue 9). The benchmark (bench/api.py) measures
time at scale; this holds the shape of the queries, which is what keeps the time flat.

The list endpoints are found from the API schema (every GET answering an array, a cursor page,
or a collection wrapped in an object, listed in WRAPPED_LISTS), so a new list endpoint without
a budget here fails `test_every_list_endpoint_has_a_budget`.

Requests carry an API token, as an API client does. The token's lookup (with its person and
what the two-factor rule needs to know) is one query; `api_token_mark_used` writes at most once
a minute, so one warm-up request comes first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from agendas.choices import AttendanceStatus, MeetingRole
from agendas.models import ActionItem, AgendaItem, Attendance, Meeting, RoleAssignment
from cases.choices import Actor, ChainStatus, ChainSubject, LinkKind, Setting
from cases.models import (
    Case,
    ChainAnalysis,
    ChainLink,
    EmergencyAccess,
    Feedback,
    FeedbackKind,
    ReviewRequest,
    TIBEntry,
)
from consultteam.accounts.models import ApiToken
from consultteam.accounts.services import api_token_issue
from consultteam.audit.models import Action, AuditEvent
from consultteam.reference.models import Agreement, Assumption
from consultteam.teams.models import Invitation, Membership
from consultteam.textcheck.models import FlagCheck, LanguageCategory, LanguageRule, TextFlag
from reminders.choices import Channel, ReminderKind, ReminderStatus
from reminders.models import Reminder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FEW = 3  # a few rows of every kind (none at all would skip the prefetches)
MANY = 40  # more rows than page size 10, fewer than 100: both page sizes see a difference

# Collections the schema shows as an object holding a list (not an array or a cursor page).
WRAPPED_LISTS = {"api-meeting-agenda"}


def _list_routes() -> set[str]:
    """Route names of every GET in the API schema that answers a list of rows."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = set()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        answer = get["responses"].get("200", {}).get("content", {}).get("application/json", {})
        shape = answer.get("schema", {})
        concrete = path.replace("{", "").replace("}", "")
        for name in [part for part in path.split("/") if part.startswith("{")]:
            concrete = concrete.replace(name.strip("{}"), str(uuid.uuid4()))
        route = resolve(concrete).url_name or ""
        paged = shape.get("$ref", "").startswith("#/components/schemas/Paginated")
        if shape.get("type") == "array" or paged or route in WRAPPED_LISTS:
            routes.add(route)
    return routes


@dataclass
class Budget:
    """One list endpoint: who asks, for what, and how many queries it may take (with why)."""

    who: str
    queries: int
    why: list[str]
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = lambda _: {}
    params: Callable[[SimpleNamespace], dict[str, Any]] = lambda _: {}
    extra_params: dict[str, Any] = field(default_factory=dict)


TOKEN = "1. the token, its person and their two-factor state (one query)"
PAGE = "the page of rows, visibility as subqueries in the same statement"
READ = "the read's audit event, naming the records shown (one INSERT)"

BUDGETS: dict[str, Budget] = {
    "api-tokens": Budget("tara", 2, [TOKEN, "2. the person's tokens"]),
    "api-team-list": Budget("tara", 2, [TOKEN, "2. the teams the person belongs to"]),
    "api-team-invitations": Budget(
        "lena",
        4,
        [
            TOKEN,
            "2. the team (visible_to)",
            "3. may manage its invitations: leads it",
            "4. its pending invitations with who sent them",
        ],
        kwargs=lambda w: {"team_id": w.alpha.public_id},
    ),
    "api-team-members": Budget(
        "tara",
        4,
        [TOKEN, "2. the team (visible_to)", "3. can_view_team", "4. its members with people"],
        kwargs=lambda w: {"team_id": w.alpha.public_id},
    ),
    "api-agreement-list": Budget("tara", 2, [TOKEN, "2. the agreements in use"]),
    "api-assumption-list": Budget("tara", 2, [TOKEN, "2. the assumptions in use"]),
    "api-audit-event-list": Budget(
        "lena",
        3,
        [TOKEN, "2. can_view_audit_trail: leads a team", f"3. {PAGE}, with actor and team"],
    ),
    "api-case-list": Budget("tara", 2, [TOKEN, f"2. {PAGE}, with team and therapist"]),
    "api-tib-entry-list": Budget(
        "tara",
        3,
        [TOKEN, f"2. {PAGE}, citations as JSON columns (cases/tib_list.py)", f"3. {READ}"],
    ),
    "api-chain-analysis-list": Budget(
        "tara",
        5,
        [
            TOKEN,
            f"2. {PAGE}, link counts as a subquery",
            "3. cited assumptions",
            "4. agreements",
            f"5. {READ}",
        ],
    ),
    "api-feedback-list": Budget(
        "tara",
        5,
        [
            TOKEN,
            f"2. {PAGE}",
            "3. cited assumptions of the page",
            "4. cited agreements",
            f"5. {READ}",
        ],
    ),
    "api-review-list": Budget("tara", 2, [TOKEN, f"2. {PAGE}, with item and people"]),
    "api-emergency-access-list": Budget(
        "lena",
        3,
        [TOKEN, "2. the rule: leads a team", f"3. {PAGE}: accesses to the cases of their teams"],
    ),
    "api-meeting-list": Budget("tara", 2, [TOKEN, f"2. {PAGE}, with team and agreement"]),
    "api-meeting-action-items": Budget(
        "tara",
        4,
        [
            TOKEN,
            "2. the meeting (visible_to, which also answers the rule)",
            "3. its action items",
            "4. the read's audit event (one INSERT)",
        ],
        kwargs=lambda w: {"meeting_id": w.meeting.public_id},
    ),
    "api-meeting-agenda": Budget(
        "tara",
        4,
        [
            TOKEN,
            "2. the meeting (visible_to, which also answers the rule)",
            "3. its items, with submitter, case, TIB entry, analysis and where they came from,",
            "   one compiled statement (agendas/agenda_read.py)",
            "4. the read's audit event (one INSERT)",
        ],
        kwargs=lambda w: {"meeting_id": w.meeting.public_id},
    ),
    "api-meeting-attendance": Budget(
        "tara",
        3,
        [
            TOKEN,
            "2. the meeting (visible_to, which also answers the rule)",
            "3. attendance + people",
        ],
        kwargs=lambda w: {"meeting_id": w.meeting.public_id},
    ),
    "api-meeting-roles": Budget(
        "tara",
        3,
        [TOKEN, "2. the meeting (visible_to, which also answers the rule)", "3. roles + holders"],
        kwargs=lambda w: {"meeting_id": w.meeting.public_id},
    ),
    "api-action-item-list": Budget(
        "tara", 3, [TOKEN, f"2. {PAGE}, with meetings and owner", f"3. {READ}"]
    ),
    "api-text-flag-list": Budget(
        "tara",
        3,
        [TOKEN, "2. the record's flags", "3. whether the person may see that record"],
        params=lambda w: {"object": w.tara_tib_shared.public_id},
    ),
    "api-notification-list": Budget(
        "tara", 2, [TOKEN, f"2. {PAGE}: one's own sent reminders, with meeting and team"]
    ),
    "api-reminder-preferences": Budget(
        "tara", 2, [TOKEN, "2. one's choices, merged with the defaults for every kind"]
    ),
    "api-language-rule-list": Budget(
        "tara",
        3,
        [TOKEN, "2. the team named (among the person's)", "3. the defaults and the team's rules"],
        params=lambda w: {"team": w.alpha.public_id},
    ),
}


def grow(w: SimpleNamespace, n: int) -> None:
    """Add ``n`` rows to what every list endpoint shows Tara or Lena (bulk, no services: the
    rows only need to be valid and visible)."""
    if n == 0:
        return
    today = timezone.now().date()
    now = timezone.now()
    month = today.replace(day=1)
    Case.objects.bulk_create(
        Case(team=w.alpha, primary_therapist=w.tara, opened=month, code=f"C-B{i:05d}")
        for i in range(n)
    )
    entries = TIBEntry.objects.bulk_create(
        TIBEntry(
            team=w.alpha, case=w.tara_case, author=w.tara, actor=Actor.CLIENT,
            category="NON_COMPLIANT", setting=Setting.INDIVIDUAL_SESSION, occurred_on=today,
            description=f"Diary card blank, week {i}.", shared_with_team=True,
        )
        for i in range(n)
    )  # fmt: skip
    chains = ChainAnalysis.objects.bulk_create(
        ChainAnalysis(
            team=w.alpha, author=w.tara, subject=ChainSubject.THERAPIST_BEHAVIOR,
            behavior_on=today, problem_behavior=f"Ended session {i} early.",
            status=ChainStatus.READY_FOR_TEAM,
        )
        for i in range(n)
    )  # fmt: skip
    ChainLink.objects.bulk_create(
        ChainLink(chain=chain, position=1, kind=LinkKind.URGE, description="To leave.")
        for chain in chains
    )
    # Every row cites something, so the citation prefetches have rows to fetch.
    assumption, agreement = (
        Assumption.objects.order_by("pk")[0],
        Agreement.objects.order_by("pk")[0],
    )
    for entry in entries:
        entry.assumptions.add(assumption)
        entry.agreements.add(agreement)
    for chain in chains:
        chain.assumptions.add(assumption)
        chain.agreements.add(agreement)
    feedback = Feedback.objects.bulk_create(
        Feedback(
            team=w.alpha, author=w.lena, kind=FeedbackKind.TEAM_LEADER, tib_entry=entry,
            validation="Bringing it to team took courage.",
        )
        for entry in entries
    )  # fmt: skip
    for row in feedback:
        row.assumptions.add(assumption)
    ReviewRequest.objects.bulk_create(
        ReviewRequest(team=w.alpha, tib_entry=entry, requested_by=w.tara, reviewer=w.lena)
        for entry in entries
    )
    EmergencyAccess.objects.bulk_create(
        EmergencyAccess(
            case=case, user=w.sam, reason="The client is at risk tonight and unreachable.",
            opened_at=now, expires_at=now + dt.timedelta(hours=4),
        )
        for case in Case.objects.filter(team=w.alpha)[:n]
    )  # fmt: skip
    Meeting.objects.bulk_create(
        Meeting(
            team=w.alpha, slot=today - dt.timedelta(days=7 * (i + 1)),
            starts_at=now - dt.timedelta(days=7 * (i + 1)),
        )
        for i in range(n)
    )  # fmt: skip
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=w.meeting, submitter=w.tara, case=w.tara_case, title=f"Item {i}")
        for i in range(n)
    )
    ActionItem.objects.bulk_create(
        ActionItem(meeting=w.meeting, owner=w.tara, description=f"Call back {i}.") for i in range(n)
    )
    people = UserFactory.create_batch(n)
    Membership.objects.bulk_create(Membership(team=w.alpha, user=person) for person in people)
    Invitation.objects.bulk_create(
        Invitation(
            team=w.alpha, email=f"invited{i}@example.org", token_hash=f"{i:064x}",
            invited_by=w.lena, expires_at=now + dt.timedelta(days=7),
        )
        for i in range(n)
    )  # fmt: skip
    Attendance.objects.bulk_create(
        Attendance(meeting=w.meeting, member=person, status=AttendanceStatus.PRESENT)
        for person in people
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(meeting=w.meeting, role=role, member=person)
        for role, person in zip(MeetingRole.values, people, strict=False)
    )
    LanguageRule.objects.bulk_create(
        LanguageRule(
            team=w.alpha, category=LanguageCategory.values[0], phrases=[f"hurried{i}"],
            suggestion="Describe what was seen, as the assumptions suggest.",
        )
        for i in range(n)
    )  # fmt: skip
    ApiToken.objects.bulk_create(
        ApiToken(
            user=w.tara,
            name=f"Script {i}",
            key_hash=f"{i:064x}",
            prefix=f"{i:08x}",
            expires_at=timezone.now() + dt.timedelta(days=30),
        )
        for i in range(n)
    )
    TextFlag.objects.bulk_create(
        TextFlag(
            team=w.alpha, object_type="cases.tibentry", object_id=w.tara_tib_shared.public_id,
            field="description", kind=FlagCheck.LANGUAGE, category="MOTIVATION_BLAME",
            start=i, end=i + 3, excerpt="not",
        )
        for i in range(n)
    )  # fmt: skip
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=w.tara, action=Action.VIEW, object_type="cases.case", team=w.alpha)
        for _ in range(n)
    )
    Reminder.objects.bulk_create(
        Reminder(
            key=f"budget-{i}", recipient=w.tara, kind=ReminderKind.MEETING_UPCOMING,
            channel=Channel.IN_APP, meeting=w.meeting, due_at=now, send_at=now, sent_at=now,
            status=ReminderStatus.SENT,
        )
        for i in range(n)
    )  # fmt: skip


@pytest.fixture
def data(world: SimpleNamespace) -> SimpleNamespace:
    from tests.meeting_makers import upcoming

    world.meeting = upcoming(world)
    return world


def test_every_list_endpoint_has_a_budget():
    missing = _list_routes() - set(BUDGETS)
    assert not missing, f"List endpoints without a query budget here: {sorted(missing)}"


@pytest.mark.parametrize("extra", [FEW, MANY], ids=["few-rows", "many-rows"])
@pytest.mark.parametrize("page_size", [10, 100])
@pytest.mark.parametrize("route", sorted(BUDGETS))
def test_list_query_budget(data, django_assert_num_queries, route, page_size, extra):
    budget = BUDGETS[route]
    grow(data, extra)
    person = getattr(data, budget.who)
    _, key = api_token_issue(user=person, name="budget")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse(route, kwargs=budget.kwargs(data))
    params = {"page_size": page_size, **budget.params(data)}
    assert client.get(url, params).status_code == 200  # warm-up: records the token's use
    with django_assert_num_queries(budget.queries, info="\n".join(budget.why)):
        response = client.get(url, params)
    assert response.status_code == 200, response.content


# --- The hot paths' detail reads (docs/performance.md) -------------------------------------------
# The lists among the hot paths (the agenda, the caseload, a case's TIB history and the team
# leader's TIB list, the audit trail) are in BUDGETS above; a detail read is audited, so its
# budget includes the audit line's INSERT.


@pytest.mark.parametrize("links", [1, 12], ids=["few-links", "many-links"])
def test_chain_analysis_detail_query_budget(data, django_assert_num_queries, links):
    chain = data.tara_chain_draft
    ChainLink.objects.bulk_create(
        ChainLink(chain=chain, position=10 + i, kind=LinkKind.THOUGHT, description=f"Step {i}.")
        for i in range(links)
    )
    _, key = api_token_issue(user=data.tara, name="budget")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = f"/api/v1/chain-analyses/{chain.public_id}/"
    assert client.get(url).status_code == 200  # warm-up: records the token's use
    why = [
        TOKEN,
        "2. the analysis (visible_to) with team, case and author, its links, consequences and",
        "   citations as JSON columns, and whether the reader reads it through an emergency",
        "   access (for the audit line): cases/chain_detail.py",
        "3. the audit line (INSERT)",
    ]
    with django_assert_num_queries(3, info="\n".join(why)):
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert len(response.json()["links"]) >= links
