"""The API does what the pages do (issue 6: "API for all of it"): reschedule and cancel,
attendance, an action done, an item changed and withdrawn until the meeting starts, a flag
acknowledged with its repair. Who may is in the access matrix (tests/access_rows/); here is
what each call changes and how a refusal reads.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from pypdf import PdfReader

from agendas import services
from agendas.choices import ActionStatus, AttendanceStatus, ItemStatus, MeetingStatus
from agendas.models import AgendaItem, Attendance
from consultteam.audit.models import Action, AuditEvent
from tests.clients import send, signed_in
from tests.meeting_makers import submit
from tests.meeting_pages import meetings

pytestmark = pytest.mark.django_db

__all__ = ["meetings"]  # the fixture, imported for pytest to find


def _post(client: Client, who: Any, url: str, data: Any = None, method: str = "POST") -> Any:
    """``who`` sends ``data`` to ``url`` with ``method`` (POST unless told)."""
    return send(signed_in(client, who), method, url, data)


def _meeting(meeting: Any, rest: str) -> str:
    return f"/api/v1/meetings/{meeting.public_id}/{rest}"


def test_reschedule_with_an_offset_and_a_stale_version(client, world, meetings):
    meeting = meetings.first
    meeting.refresh_from_db()
    local = dt.datetime.combine(
        meeting.local_start().date() + dt.timedelta(days=7),
        dt.time(8, 0),
        tzinfo=ZoneInfo("America/Chicago"),
    )
    data = {"starts_at": local.isoformat(), "minutes": 60, "version": meeting.version}
    response = _post(client, world.lena, _meeting(meeting, "reschedule/"), data)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.local_start() == local
    stale = _post(client, world.lena, _meeting(meeting, "reschedule/"), data)
    assert stale.status_code == 409
    assert "Someone else changed this meeting" in stale.json()["detail"]


def test_cancel_moves_the_waiting_items(client, world, meetings):
    item = submit(meetings.first, world.tara, "Calls after hours")
    response = _post(client, world.lena, _meeting(meetings.first, "cancel/"))
    assert response.status_code == 200
    assert response.json()["status"] == MeetingStatus.CANCELLED
    item.refresh_from_db()
    assert item.meeting == meetings.second


def test_the_note_taker_records_attendance(client, world, meetings):
    data = {"member": str(world.tara.public_id), "status": "LATE"}
    response = _post(client, world.theo, _meeting(meetings.first, "attendance/"), data)
    assert response.status_code == 200
    assert Attendance.objects.get(member=world.tara).status == AttendanceStatus.LATE
    bad = _post(client, world.theo, _meeting(meetings.first, "attendance/"), {"status": "GONE"})
    assert bad.status_code == 400
    assert "status" in bad.json()


def test_the_owner_marks_her_action_done(client, world, meetings):
    action = services.action_item_add(
        meeting=meetings.first, by=world.lena, owner=world.tara, description="Bring the cards"
    )
    url = f"/api/v1/action-items/{action.public_id}/"
    response = _post(client, world.tara, url, {"status": "DONE"}, method="PATCH")
    assert response.status_code == 200
    assert response.json()["status"] == ActionStatus.DONE


def test_an_item_is_changed_and_withdrawn_until_the_meeting_starts(client, world, meetings):
    item = submit(meetings.first, world.tara, "Calls after hours")
    url = f"/api/v1/agenda-items/{item.public_id}/"
    changed = _post(client, world.tara, url, {"title": "Calls to the on-call line"}, "PATCH")
    assert changed.status_code == 200
    withdrawn = _post(client, world.tara, url, {"status": "WITHDRAWN"}, "PATCH")
    assert withdrawn.status_code == 200
    item.refresh_from_db()
    assert (item.title, item.status) == ("Calls to the on-call line", ItemStatus.WITHDRAWN)
    services.meeting_start(meeting=meetings.first, by=world.lena)
    late = _post(client, world.tara, url, {"status": "SUBMITTED"}, "PATCH")
    assert late.status_code == 409
    assert "The meeting has started" in late.json()["detail"]
    assert AgendaItem.objects.get(pk=item.pk).status == ItemStatus.WITHDRAWN


def test_a_flag_is_acknowledged_with_its_repair(client, world, meetings):
    raised = _post(
        client, world.tara, _meeting(meetings.first, "observer-flags/"), {"reason": "DEFENSIVENESS"}
    )
    assert raised.status_code == 201
    assert raised.json()["acknowledged"] is False
    url = f"/api/v1/observer-flags/{raised.json()['id']}/acknowledge/"
    assert _post(client, world.tara, url, {"repair_note": "Done"}).status_code == 403
    missing = _post(client, world.lena, url, {})
    assert missing.status_code == 400
    assert "repair_note" in missing.json()
    blank = _post(client, world.lena, url, {"repair_note": "   "})
    assert blank.status_code == 400
    response = _post(client, world.lena, url, {"repair_note": "Named it, moved on."})
    assert response.status_code == 200
    body = response.json()
    assert (body["acknowledged"], body["repair_note"]) == (True, "Named it, moved on.")
    assert "raised_by" not in body  # it names no one
    services.meeting_complete(meeting=meetings.first, by=world.lena)
    locked = _post(client, world.lena, url, {"repair_note": "Later"})
    assert locked.status_code == 409


def test_the_minutes_as_pdf_from_the_api(client, world, meetings):
    submit(meetings.first, world.tara, "Calls after hours", case=world.tara_case)
    services.meeting_complete(meeting=meetings.first, by=world.lena, minutes_text="Held.")
    client.force_login(world.sam)
    response = client.get(_meeting(meetings.first, "minutes.pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"Calls after hours [{world.tara_case.code}]" in " ".join(text.split())
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_id=str(meetings.first.public_id), actor=world.sam
    ).exists()
