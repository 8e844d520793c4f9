"""The meeting's pages: the list of my teams' meetings, a meeting's agenda with its time budget,
bringing an item (and a late one going to the next meeting), the leader's move, the run page
(start, discuss, defer, action items, observer flags, minutes with their version), completing
with carry-over, and the Markdown minutes. Who may reach each route is in the access matrix
(tests/access_rows/meetings_pages.py); here is what the pages do.

Alpha's meetings come from the `meetings` fixture (tests/meeting_pages.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agendas import services
from agendas.choices import ActionStatus, ItemStatus, MeetingRole, MeetingStatus
from agendas.models import ActionItem, AgendaItem, Meeting, ObserverFlag
from consultteam.audit.models import Action, AuditEvent
from tests.clients import signed_in
from tests.meeting_makers import submit
from tests.meeting_pages import ITEM_FORM, _flash, _holder, _url, meetings
from tests.page_html import page_text

pytestmark = pytest.mark.django_db

__all__ = ["meetings"]  # the fixture, imported for pytest to find


# --- Who sees the pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "who"),
    [
        ("meeting-detail", "tara"),
        ("meeting-detail", "sam"),
        ("meeting-run", "lena"),
        ("meeting-run", "tara"),  # the observer
        ("agenda-item-new", "theo"),
        ("meeting-complete", "lena"),
        ("meeting-minutes-md", "sam"),
    ],
)
def test_meeting_pages_render_for_members(client, world, meetings, route, who):
    response = signed_in(client, getattr(world, who)).get(_url(route, meetings.first))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "route",
    ["meeting-detail", "meeting-run", "agenda-item-new", "meeting-complete", "meeting-minutes-md"],
)
@pytest.mark.parametrize("who", ["olga", "fern"])
def test_outsiders_get_404(client, world, meetings, route, who):
    assert (
        signed_in(client, getattr(world, who)).get(_url(route, meetings.first)).status_code == 404
    )


def test_outsiders_never_see_the_meeting_in_their_list(client, world, meetings):
    link = _url("meeting-detail", meetings.first)
    for who in ("olga", "fern", "ada"):
        response = signed_in(Client(), getattr(world, who)).get(reverse("meeting-list"))
        assert response.status_code == 200
        assert link not in page_text(response)
    assert link in page_text(signed_in(client, world.tara).get(reverse("meeting-list")))


# --- Meetings of my teams ------------------------------------------------------------------------


def test_list_shows_team_time_my_role_and_my_attendance(client, world, meetings):
    services.attendance_notify_absence(meeting=meetings.second, member=world.theo, by=world.theo)
    page = page_text(signed_in(client, world.theo).get(reverse("meeting-list")))
    local = meetings.first.starts_at.astimezone(ZoneInfo("America/Chicago"))
    assert local.strftime("%H:%M") in page
    assert "America/Chicago" in page
    assert "Note-taker" in page  # Theo's role at the first meeting
    assert "Absent, sent notice" in page  # his notice for the second
    assert "Plan the coming weeks" not in page


def test_a_team_leader_without_meetings_is_told_to_plan_and_can(client, world):
    page = page_text(signed_in(client, world.lena).get(reverse("meeting-list")))
    assert "No meetings are planned for Alpha" in page
    assert "Plan the coming weeks" in page
    response = client.post(
        reverse("meetings-plan"), {"team": str(world.alpha.public_id), "weeks": "3"}
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(team=world.alpha).count() == 3
    assert "Planned 3 meetings for Alpha." in _flash(response)


def test_a_therapist_without_meetings_is_told_who_plans(client, world):
    page = page_text(signed_in(client, world.tara).get(reverse("meeting-list")))
    assert "The team leader plans them" in page
    assert signed_in(client, world.tara).post(reverse("meetings-plan"), {}).status_code == 403


# --- The agenda ----------------------------------------------------------------------------------


def test_submit_an_item_with_a_case(client, world, meetings):
    response = signed_in(client, world.tara).post(
        _url("agenda-item-new", meetings.first),
        {**ITEM_FORM, "case": str(world.tara_case.public_id)},
    )
    item = AgendaItem.objects.get(title=ITEM_FORM["title"])
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.public_id}")
    assert item.meeting == meetings.first
    assert item.case == world.tara_case
    page = page_text(client.get(_url("meeting-detail", meetings.first)))
    assert ITEM_FORM["title"] in page
    assert world.tara_case.code in page
    assert "target: Therapy-interfering behaviour" in page


def test_the_case_choice_offers_only_cases_of_this_team(client, world, meetings):
    response = signed_in(client, world.olga).get(_url("agenda-item-new", meetings.first))
    assert response.status_code == 404
    page = page_text(signed_in(client, world.tara).get(_url("agenda-item-new", meetings.first)))
    assert world.tara_case.code in page
    assert world.olga_case.code not in page
    refused = client.post(
        _url("agenda-item-new", meetings.first),
        {**ITEM_FORM, "case": str(world.olga_case.public_id)},
    )
    assert refused.status_code == 400
    assert ITEM_FORM["question"] in page_text(refused)  # what was typed is kept
    assert not AgendaItem.objects.exists()


def test_a_late_item_goes_to_the_next_meeting_and_says_where(client, world, meetings):
    soon = services.meeting_reschedule(
        meeting=meetings.first, by=world.lena, starts_at=timezone.now() + dt.timedelta(hours=2)
    )
    response = signed_in(client, world.tara).post(_url("agenda-item-new", soon), ITEM_FORM)
    item = AgendaItem.objects.get()
    assert item.meeting == meetings.second
    assert response["Location"].startswith(_url("meeting-detail", meetings.second))
    day = meetings.second.local_start().strftime("%Y-%m-%d")
    assert any("next meeting" in text and day in text for text in _flash(response))


def test_the_agenda_warns_when_it_runs_over_and_names_what_will_not_fit(client, world, meetings):
    meeting = meetings.first  # 90 minutes
    submit(meeting, world.tara, "Risk first", target_level="LIFE_THREATENING", minutes_requested=60)
    submit(meeting, world.theo, "Group attendance", minutes_requested=40)
    page = page_text(signed_in(client, world.lena).get(_url("meeting-detail", meeting)))
    assert "Over time." in page
    assert "100 minutes; the meeting has 90" in page
    warning = page.split('class="over-time"')[1].split("</div>")[0]
    assert "Group attendance" in warning
    assert "Risk first" not in warning
    assert "<rect" in page  # the time budget as a bar


def test_imminent_items_are_highlighted_for_the_leader(client, world, meetings):
    submit(meetings.first, world.tara, "Safety plan", urgency="IMMINENT")
    assert "Imminent risk on this agenda" in page_text(
        signed_in(client, world.lena).get(_url("meeting-detail", meetings.first))
    )
    assert "Imminent risk on this agenda" not in page_text(
        signed_in(Client(), world.theo).get(_url("meeting-detail", meetings.first))
    )


def test_the_leader_moves_an_item_with_a_reason(client, world, meetings):
    first = submit(meetings.first, world.tara, "Risk", target_level="LIFE_THREATENING")
    last = submit(meetings.first, world.theo, "Skills homework", target_level="SKILLS")
    response = signed_in(client, world.lena).post(
        _url("agenda-item-move", last), {"position": "1", "reason": "Theo must leave early"}
    )
    assert response.status_code == 302
    agenda = services.agenda_for(meetings.first)
    assert [item.pk for item in agenda.items] == [last.pk, first.pk]
    assert "Theo must leave early" in page_text(client.get(_url("meeting-detail", meetings.first)))


def test_a_move_without_a_reason_is_refused_keeping_what_was_typed(client, world, meetings):
    item = submit(meetings.first, world.tara, "Risk")
    response = signed_in(client, world.lena).post(
        _url("agenda-item-move", item), {"position": "1", "reason": "   "}
    )
    assert response.status_code == 400
    page = page_text(response)
    assert "The item was not moved" in page
    position = re.search(rf'<input[^>]*id="move-{item.public_id}-position"[^>]*>', page)
    assert position is not None
    assert 'value="1"' in position.group(0)
    item.refresh_from_db()
    assert item.position_override is None


def test_only_the_leader_moves(client, world, meetings):
    item = submit(meetings.first, world.tara, "Risk")
    response = signed_in(client, world.tara).post(
        _url("agenda-item-move", item), {"position": "1", "reason": "Mine first"}
    )
    assert response.status_code == 403


def test_a_member_sends_notice_of_absence(client, world, meetings):
    response = signed_in(client, world.theo).post(_url("meeting-absence", meetings.first), {})
    assert response.status_code == 302
    assert _holder(meetings.first, MeetingRole.NOTE_TAKER) != world.theo
    assert "You sent notice" in page_text(client.get(_url("meeting-detail", meetings.first)))


# --- Running the meeting -------------------------------------------------------------------------


def test_run_start_discuss_and_defer(client, world, meetings):
    meeting = meetings.first
    risk = submit(
        meeting, world.tara, "Risk", target_level="LIFE_THREATENING", minutes_requested=20
    )
    skills = submit(meeting, world.theo, "Skills", target_level="SKILLS")
    signed_in(client, world.lena)
    page = page_text(client.get(_url("meeting-run", meeting)))
    assert "js/meeting.js" in page
    assert "defer" in page
    assert "Time box: <strong>20 minutes</strong>" in page
    now_section = page.split('id="current-heading"')[1].split("</section>")[0]
    assert "Risk" in now_section
    assert "Start the meeting" in page

    assert client.post(_url("meeting-start", meeting)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS

    refused = client.post(_url("agenda-item-discuss", risk), {"actual_minutes": "18"})
    assert refused.status_code == 400  # what came of it is asked for
    done = client.post(
        _url("agenda-item-discuss", risk), {"outcome": "Plan agreed", "actual_minutes": "18"}
    )
    assert done.status_code == 302
    risk.refresh_from_db()
    assert (risk.status, risk.outcome, risk.actual_minutes) == (
        ItemStatus.DISCUSSED,
        "Plan agreed",
        18,
    )
    now_section = page_text(client.get(_url("meeting-run", meeting))).split('id="current-heading"')[
        1
    ]
    assert "Skills" in now_section.split("Still to come")[0]

    assert client.post(_url("agenda-item-defer", skills)).status_code == 302
    skills.refresh_from_db()
    assert skills.status == ItemStatus.DEFERRED


def test_the_note_taker_records_an_action(client, world, meetings):
    theo = _holder(meetings.first, MeetingRole.NOTE_TAKER)
    response = signed_in(client, theo).post(
        _url("action-item-new", meetings.first),
        {"owner": str(world.tara.public_id), "description": "Bring the diary cards"},
    )
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert (action.owner, action.meeting) == (world.tara, meetings.first)
    refused = client.post(_url("action-item-new", meetings.first), {"description": "No owner"})
    assert refused.status_code == 400
    assert "No owner" in page_text(refused)


def test_an_action_added_through_htmx_answers_its_section_alone(client, world, meetings):
    """On the run page the action form posts through htmx and only its section is swapped, so
    an outcome being typed in the discuss form above is not lost to a reload."""
    theo = _holder(meetings.first, MeetingRole.NOTE_TAKER)
    client = signed_in(client, theo)
    page = page_text(client.get(_url("meeting-run", meetings.first)))
    assert 'hx-target="#run-actions"' in page
    assert "vendor/htmx.min.js" in page
    url = _url("action-item-new", meetings.first)

    added = client.post(
        url,
        {"owner": str(world.tara.public_id), "description": "Bring the diary cards"},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200
    assert added["Vary"].count("HX-Request") == 1
    section = page_text(added)
    assert "{#" not in section
    assert "<html" not in section
    assert 'id="run-actions"' in section
    assert "Bring the diary cards" in section
    assert "Action recorded for Tara." in section
    assert ActionItem.objects.get().owner == world.tara

    refused = client.post(url, {"description": "No owner"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert "<html" not in page_text(refused)
    assert "The action was not recorded" in page_text(refused)
    assert "No owner" in page_text(refused)  # what was typed comes back
    assert ActionItem.objects.count() == 1


def test_the_observer_flags_in_two_clicks_and_others_may_not(client, world, meetings):
    observer = _holder(meetings.first, MeetingRole.OBSERVER)
    assert observer == world.tara
    page = page_text(signed_in(client, observer).get(_url("meeting-run", meetings.first)))
    assert 'name="reason" value="JUDGMENTAL_LANGUAGE"' in page
    response = client.post(
        _url("observer-flag-new", meetings.first),
        {"agreement": "PHENOMENOLOGICAL_EMPATHY", "reason": "JUDGMENTAL_LANGUAGE"},
    )
    assert response.status_code == 302
    flag = ObserverFlag.objects.get()
    assert flag.reason == "JUDGMENTAL_LANGUAGE"
    assert flag.agreement is not None
    assert flag.agreement.code == "PHENOMENOLOGICAL_EMPATHY"

    refused = signed_in(Client(), world.theo).post(
        _url("observer-flag-new", meetings.first), {"reason": "DEFENSIVENESS"}
    )
    assert refused.status_code == 403
    assert ObserverFlag.objects.count() == 1


def test_minutes_saved_against_an_old_version_are_refused_keeping_the_text(client, world, meetings):
    meeting = meetings.first
    meeting.refresh_from_db()
    version = meeting.version
    theo = signed_in(client, world.theo)
    saved = theo.post(
        _url("meeting-minutes", meeting), {"minutes_text": "Opened on time.", "version": version}
    )
    assert saved.status_code == 302
    stale = signed_in(Client(), world.lena).post(
        _url("meeting-minutes", meeting),
        {"minutes_text": "Lena's words, typed meanwhile.", "version": version},
    )
    assert stale.status_code == 409
    page = page_text(stale)
    assert "Lena&#x27;s words, typed meanwhile." in page
    assert "Someone else changed this meeting" in page
    meeting.refresh_from_db()
    assert meeting.minutes_text == "Opened on time."


def test_minutes_go_through_the_text_checks(client, world, meetings):
    """Minutes are free text about clients: judgmental wording is flagged (never blocking); a
    phone number stops the save, keeps the text, and saves with a reason, which is audited."""
    from consultteam.audit.models import Action, AuditEvent
    from consultteam.textcheck.models import FlagCheck, FlagStatus, TextFlag

    meeting = meetings.first
    theo = signed_in(client, world.theo)

    def save(text: str, **extra: str) -> Any:
        meeting.refresh_from_db()
        body = {"minutes_text": text, "version": meeting.version, **extra}
        return theo.post(_url("meeting-minutes", meeting), body)

    assert save("The client was being manipulative about the rota.").status_code == 302
    (flag,) = TextFlag.objects.filter(object_id=meeting.public_id, field="minutes_text")
    assert (flag.kind, flag.status) == (FlagCheck.LANGUAGE, FlagStatus.OPEN)

    stopped = save("Call back on 555-010-0199 after group.")
    assert stopped.status_code == 400
    assert "555-010-0199" in page_text(stopped)
    assert 'name="identifier_override"' in page_text(stopped)
    meeting.refresh_from_db()
    assert "555" not in meeting.minutes_text

    kept = save("Call back on 555-010-0199 after group.", identifier_override="The clinic line.")
    assert kept.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_text.startswith("Call back on 555")
    assert AuditEvent.objects.filter(
        action=Action.OVERRIDE, object_id=str(meeting.public_id)
    ).exists()


# --- Completing and the record -------------------------------------------------------------------


def test_complete_asks_first_then_carries_over_to_the_next_meeting(client, world, meetings):
    meeting = meetings.first
    submit(meeting, world.tara, "Discussed one")
    left = submit(meeting, world.theo, "Left over", case=world.tara_case)
    services.action_item_add(meeting=meeting, by=world.lena, owner=world.tara, description="Call")
    services.agenda_item_discuss(
        item=AgendaItem.objects.get(title="Discussed one"),
        by=world.lena,
        outcome="Done",
        actual_minutes=5,
    )
    signed_in(client, world.lena)
    confirm = page_text(client.get(_url("meeting-complete", meeting)))
    assert "Left over" in confirm
    assert "Discussed one" not in confirm.split("Items carried")[1]
    assert "Call" in confirm

    unconfirmed = client.post(_url("meeting-complete", meeting), {})
    assert unconfirmed.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED

    response = client.post(_url("meeting-complete", meeting), {"confirm": "on"}, follow=True)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.COMPLETED
    page = page_text(response)
    day = meetings.second.local_start()
    assert "1 undiscussed item and 1 open action item went to the meeting of" in page
    assert f"{day:%d %b %Y}" in page
    assert "carried to" in page  # the completed meeting says where each one went
    assert "Download the minutes (Markdown)" in page

    carried = AgendaItem.objects.get(carried_from=left)
    assert carried.meeting == meetings.second
    following = page_text(client.get(_url("meeting-detail", meetings.second)))
    local = meeting.local_start()
    assert f"Carried from the meeting of {local:%a} {local.day} {local:%b %Y}" in following
    assert "Left over" in following
    assert ActionItem.objects.get(meeting=meetings.second).status == ActionStatus.OPEN
    assert "Call" in following.split('id="actions-heading"')[1]


def test_the_markdown_minutes_download_has_case_codes_only(client, world, meetings):
    meeting = meetings.first
    submit(meeting, world.tara, "Chain of the week", case=world.tara_case)
    services.meeting_complete(meeting=meeting, by=world.lena, minutes_text="Case discussed.")
    response = signed_in(client, world.sam).get(_url("meeting-minutes-md", meeting))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert world.tara_case.code in text
    assert world.tara_chain_ready.problem_behavior not in text
    assert "Diary card left blank" not in text
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_id=str(meeting.public_id)
    ).exists()


# --- The text checks on agenda items (issue 5: every free-text field) ------------------------


def test_an_item_with_an_identifier_is_refused_until_a_reason_is_given(client, world, meetings):
    from consultteam.textcheck.models import TextFlag

    phone = {**ITEM_FORM, "question": "She asked us to call 555-867-5309 after group."}
    refused = signed_in(client, world.tara).post(_url("agenda-item-new", meetings.first), phone)
    assert refused.status_code == 400
    assert "identify a client" in page_text(refused)
    assert "555-867-5309" in page_text(refused)  # what was typed is kept
    assert not AgendaItem.objects.filter(title=ITEM_FORM["title"]).exists()

    kept = client.post(
        _url("agenda-item-new", meetings.first),
        {**phone, "identifier_override": "It is the clinic's crisis line, not hers."},
    )
    assert kept.status_code == 302
    item = AgendaItem.objects.get(title=ITEM_FORM["title"])
    assert TextFlag.objects.filter(object_id=item.public_id, status="OVERRIDDEN").exists()
    override = AuditEvent.objects.get(action=Action.OVERRIDE, object_id=str(item.public_id))
    assert "555" not in str(override.fields)


def test_judgmental_wording_on_an_item_is_flagged_but_saved(world, meetings):
    from consultteam.textcheck.models import TextFlag

    item = services.agenda_item_submit(
        meeting=meetings.first,
        by=world.tara,
        title="Client is being manipulative about scheduling",
        question="How do I respond?",
    ).item
    flags = TextFlag.objects.filter(object_id=item.public_id, status="OPEN")
    assert {flag.category for flag in flags} == {"PEJORATIVE_LABEL"}


def test_the_refused_item_form_offers_the_reason_field(client, world, meetings):
    phone = {**ITEM_FORM, "question": "She asked us to call 555-867-5309 after group."}
    refused = signed_in(client, world.tara).post(_url("agenda-item-new", meetings.first), phone)
    assert 'name="identifier_override"' in page_text(refused)


def test_an_outcome_is_checked_too(world, meetings):
    from consultteam.textcheck.services import IdentifierFound

    item = services.agenda_item_submit(
        meeting=meetings.first, by=world.tara, title="Coaching calls", question="What limit?"
    ).item
    services.meeting_start(meeting=meetings.first, by=world.lena)
    with pytest.raises(IdentifierFound):
        services.agenda_item_discuss(
            item=item, by=world.lena, outcome="Agreed to call 555-867-5309.", actual_minutes=5
        )
    item.refresh_from_db()
    assert item.status != ItemStatus.DISCUSSED
