"""A list paged from a compiled read (`consultteam.pagination.PagedRead`: the caseload of
cases/case_list.py, the TIB lists of cases/tib_list.py, a team's audit trail) pages as DRF pages
the ORM's queryset: the same rows, page by page, forwards through `next` and back through
`previous`, rendered alike; a cursor whose position or offset was tampered with answers 404,
not 500. It pins the three calls DRF's cursor pagination makes on what it pages: ordering, a
position filter, a slice."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from cases.case_list import case_page
from cases.models import Case, TIBEntry
from cases.serializers import CaseSerializer, TIBEntrySerializer, with_citations
from cases.tib_list import tib_page
from consultteam.audit.filters import period
from consultteam.audit.models import Action, AuditEvent
from consultteam.audit.serializers import AuditEventSerializer
from consultteam.audit.trail import team_trail_page
from consultteam.pagination import PagedRead
from consultteam.reference.models import Agreement, Assumption
from tests.clients import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(world: Any) -> Any:
    month = dt.date(2025, 3, 1)
    Case.objects.bulk_create(
        Case(
            team=world.alpha,
            primary_therapist=world.tara if i % 3 else world.theo,
            opened=month,
            code=f"C-P{i:05d}",
        )
        for i in range(9)
    )
    return world


def _walk(client: Client, url: str) -> tuple[list[Any], list[list[Any]], list[Any]]:
    """Every page from ``url`` by `next`, then back by `previous`: the ids forwards, the pages
    seen on the way, and the ids going back (in the list's order)."""
    forwards, pages = [], []
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        forwards += [row["id"] for row in body["results"]]
        pages.append([row["id"] for row in body["results"]])
        last, url = body, body["next"]
    back, url = [], last["previous"]
    while url:
        body = client.get(url).json()
        back.append([row["id"] for row in body["results"]])
        url = body["previous"]
    going_back = [key for page in reversed(back) for key in page]
    # Going back, DRF's pages end where the cursor stands (their bounds may differ from the
    # pages going forwards); with keys that never tie they hold every row before the last page.
    return forwards, pages, going_back


def _walk_unique(client: Client, url: str) -> tuple[list[Any], list[list[Any]]]:
    forwards, pages, going_back = _walk(client, url)
    assert going_back == forwards[: len(forwards) - len(pages[-1])]
    return forwards, pages


@pytest.mark.parametrize("mine", [None, "true", "false"])
def test_the_compiled_caseload_pages_as_the_querysets(client, caseload, mine):
    tara = caseload.tara
    query = {"page_size": 2, **({"mine": mine} if mine else {})}
    ids, pages = _walk_unique(signed_in(client, tara), f"/api/v1/cases/?{urlencode(query)}")
    expected = Case.objects.visible_to(tara).order_by("-id")
    if mine == "true":
        expected = expected.filter(primary_therapist=tara)
    elif mine == "false":
        expected = expected.exclude(primary_therapist=tara)
    assert ids == [str(case.public_id) for case in expected]
    assert len(pages) >= 2


def test_a_compiled_page_renders_as_the_objects_do(caseload):
    tara = caseload.tara
    rows = case_page(person=tara.pk, position=2**62, mine=None, newer=False, limit=50)
    objects = Case.objects.visible_to(tara).select_related("team", "primary_therapist")
    by_id = {case.pk: case for case in objects}
    assert len(rows) == len(by_id) >= 9
    for row in rows:
        rendered = CaseSerializer(row).data
        assert set(rendered) == set(CaseSerializer.Meta.fields)
        assert rendered == CaseSerializer(by_id[row["id"]]).data


def _cursor(**parts: str) -> str:
    return base64.b64encode(urlencode(parts).encode()).decode()


@pytest.mark.parametrize(
    "cursor", [_cursor(o="0", p="not-a-key"), _cursor(o="2", p="5")], ids=["position", "offset"]
)
def test_a_tampered_cursor_answers_404(client, caseload, cursor):
    answer = signed_in(client, caseload.tara).get("/api/v1/cases/", {"cursor": cursor})
    assert answer.status_code == 404
    assert answer.json()["detail"] == "Invalid cursor"


def test_a_call_drf_does_not_make_is_refused(caseload):
    paged = PagedRead(case_page, person=caseload.tara.pk, mine=None)
    with pytest.raises(ImproperlyConfigured):
        paged.order_by("-code")
    with pytest.raises(ImproperlyConfigured):
        paged.order_by("-id").filter(id__gt=3)  # the newer side is read in the key's order
    with pytest.raises(ValueError, match="a limit runs from 1"):
        case_page(person=caseload.tara.pk, position=0, mine=None, newer=True, limit=10_000)


@pytest.mark.parametrize("by_case", [False, True], ids=["every-entry", "one-case"])
def test_the_compiled_tib_lists_page_and_render_as_the_querysets(client, world, by_case):
    tara = world.tara
    cited = TIBEntry.objects.visible_to(tara).filter(case=world.tara_case).first()
    assert cited is not None
    cited.assumptions.add(*Assumption.objects.order_by("-position")[:3])
    cited.agreements.add(*Agreement.objects.order_by("-position")[:2])
    query: dict[str, Any] = {"page_size": 1}
    expected = TIBEntry.objects.visible_to(tara).order_by("-id")
    if by_case:
        query["case"] = str(world.tara_case.public_id)
        expected = expected.filter(case=world.tara_case)
    ids, pages = _walk_unique(signed_in(client, tara), f"/api/v1/tib-entries/?{urlencode(query)}")
    assert ids == [str(entry.public_id) for entry in expected]
    assert len(pages) >= 2
    objects = {
        entry.pk: entry
        for entry in with_citations(
            expected.select_related("team", "case", "author", "chain_analysis")
        )
    }
    rows = tib_page(person=tara.pk, position=2**62, newer=False, limit=50)
    assert any(row["assumptions_cited"] for row in rows)
    for row in rows:
        if row["id"] in objects:
            rendered = TIBEntrySerializer(row).data
            assert set(rendered) == set(TIBEntrySerializer.Meta.fields)
            assert rendered == TIBEntrySerializer(objects[row["id"]]).data


def test_the_compiled_audit_trail_pages_and_renders_as_the_querysets(client, world):
    """A team leader's trail of one team over a period, with events that tie on their moment
    (their cursor then carries an offset, read from the ORM) and system events with no actor."""
    lena, alpha = world.lena, world.alpha
    now = timezone.now()
    tie = now - dt.timedelta(minutes=5)
    AuditEvent.objects.bulk_create(
        [
            *(AuditEvent(at=tie, action=Action.VIEW, actor=lena, team=alpha) for _ in range(3)),
            *(AuditEvent(at=now - dt.timedelta(minutes=i), action=Action.LOGIN_FAILED, team=alpha)
              for i in range(1, 4)),
        ]
    )  # fmt: skip
    day = now.date()
    query = {"team": alpha.public_id, "since": day - dt.timedelta(days=1), "until": day}
    url = f"/api/v1/audit-events/?{urlencode({**query, 'page_size': 2})}"
    compiled = _walk(signed_in(client, lena), url)
    ids, pages, _ = compiled
    expected = AuditEvent.objects.visible_to(lena).filter(team=alpha).order_by("-at", "-id")
    assert ids == [event.pk for event in expected]
    assert len(pages) >= 3
    # As staff, the same events come through the ORM's queryset: DRF pages both alike, ties
    # and all (going back over a tie, DRF's own cursor skips a row either way).
    type(lena).objects.filter(pk=lena.pk).update(is_staff=True)
    assert _walk(signed_in(client, lena), url) == compiled
    objects = {event.pk: event for event in expected.select_related("actor", "team")}
    start, end = period({"since": query["since"], "until": day})
    rows = team_trail_page(
        person=lena.pk, team=alpha.public_id, start=start, end=end, position=now.replace(year=9999),
        newer=False, limit=100,
    )  # fmt: skip
    assert any(row["actor"] is None for row in rows)
    for row in rows:
        rendered = AuditEventSerializer(row).data
        assert set(rendered) == set(AuditEventSerializer.Meta.fields)
        assert rendered == AuditEventSerializer(objects[row["id"]]).data
