"""Access rows for the meeting's API: meetings, the agenda, roles, attendance, action items,
observer flags and the Markdown minutes.

Who may do what follows DOMAIN.md section 3. Alpha's upcoming meeting (made once per row by
`alpha_meeting`) has its roles rotated: Lena (the team leader) leads it, Tara observes, Theo
takes notes. Every member of Alpha reads it; Olga (Beta), Fern (left Alpha) and Ada (an
administrator: meetings are not hers) get 404. Someone who sees the meeting but whose role may
not make the change gets 403. A body naming a team one cannot see is a 400 on that field.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from agendas.models import ActionItem, AgendaItem, Meeting, ObserverFlag, RoleAssignment
from tests.matrix import API_MEMBERS_OF_ALPHA, API_SIGNED_OUT, Row, every


def alpha_meeting(world: SimpleNamespace) -> Meeting:
    """Alpha's meeting in three days, roles rotated, with Tara's item on Tara's case and an
    action Lena gave Tara. Made once, before anyone asks."""
    from agendas import services

    meeting = Meeting.objects.filter(team=world.alpha).first()
    if meeting is None:
        starts_at = timezone.now() + dt.timedelta(days=3)
        meeting = Meeting.objects.create(
            team=world.alpha, slot=starts_at.date(), starts_at=starts_at
        )
        services.roles_rotate(meeting=meeting, by=world.lena)
        services.agenda_item_submit(
            meeting=meeting, by=world.tara, title="Calls after hours", case=world.tara_case
        )
        services.action_item_add(
            meeting=meeting, by=world.lena, owner=world.tara, description="Ask about the card"
        )
    return meeting


def meeting_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"meeting_id": alpha_meeting(world).public_id}


def item_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"item_id": AgendaItem.objects.get(meeting=alpha_meeting(world)).public_id}


def action_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"action_id": ActionItem.objects.get(meeting=alpha_meeting(world)).public_id}


def flag_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    """A flag Tara (the observer) raised at Alpha's meeting, made once."""
    from agendas import services

    meeting = alpha_meeting(world)
    flag = ObserverFlag.objects.filter(meeting=meeting).first()
    if flag is None:
        flag = services.observer_flag_raise(
            meeting=meeting, by=world.tara, reason="JUDGMENTAL_LANGUAGE"
        )
    return {"flag_id": flag.public_id}


def team_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"team_id": world.alpha.public_id}


def _writes(ok: int, *writers: str) -> dict[str, int]:
    """``writers`` succeed with ``ok``; the rest of Alpha gets 403; outsiders 404."""
    expect = every(404, **API_SIGNED_OUT)
    for who in ("tara", "theo", "lena", "sam"):
        expect[who] = ok if who in writers else 403
    return expect


def _version(world: SimpleNamespace, **body: Any) -> dict[str, Any]:
    # Read afresh for each person: a permitted change earlier in the row moves it on.
    return {"version": Meeting.objects.get(team=world.alpha).version, **body}


def _swap_observer(world: SimpleNamespace) -> dict[str, Any]:
    meeting = Meeting.objects.get(team=world.alpha)
    holder = RoleAssignment.objects.get(meeting=meeting, role="OBSERVER").member
    other = world.tara if holder == world.theo else world.theo
    return {"role": "OBSERVER", "with_member": str(other.public_id)}


def _in_a_week(world: SimpleNamespace) -> dict[str, Any]:
    return {"starts_at": (timezone.now() + dt.timedelta(days=7)).isoformat()}


ROWS: list[Row] = [
    Row("api-meeting-list", "GET", every(200, **API_SIGNED_OUT)),
    Row(
        "api-meeting-plan",
        "POST",
        # Ada sees every team (not clinical) but plans none; Olga and Fern cannot see Alpha.
        every(403, lena=200, olga=400, fern=400, **API_SIGNED_OUT),
        data=lambda world: {"team": str(world.alpha.public_id), "weeks": 2},
    ),
    Row("api-meeting-detail", "GET", API_MEMBERS_OF_ALPHA, meeting_kwargs),
    Row(
        "api-meeting-detail",
        "PATCH",
        _writes(200, "lena", "theo"),
        meeting_kwargs,
        data=lambda world: _version(world, minutes_text="Started on time."),
    ),
    Row("api-meeting-reschedule", "POST", _writes(200, "lena"), meeting_kwargs, data=_in_a_week),
    Row("api-meeting-cancel", "POST", _writes(200, "lena"), meeting_kwargs),
    Row("api-meeting-start", "POST", _writes(200, "lena"), meeting_kwargs),
    Row(
        "api-meeting-complete",
        "POST",
        _writes(200, "lena"),
        meeting_kwargs,
        data={"minutes_text": "Done."},
    ),
    Row("api-meeting-agenda", "GET", API_MEMBERS_OF_ALPHA, meeting_kwargs),
    Row(
        "api-meeting-agenda",
        "POST",
        _writes(201, "tara", "theo", "lena"),
        meeting_kwargs,
        data={"title": "Skipped two sessions of group"},
    ),
    Row("api-meeting-roles", "GET", API_MEMBERS_OF_ALPHA, meeting_kwargs),
    Row(
        "api-meeting-roles",
        "POST",
        _writes(200, "lena"),
        meeting_kwargs,
        data=lambda world: {"role": "TIMEKEEPER", "member": str(world.theo.public_id)},
    ),
    Row("api-meeting-roles-rotate", "POST", _writes(200, "lena"), meeting_kwargs),
    Row(
        "api-meeting-roles-swap",
        "POST",
        _writes(200, "tara", "lena"),
        meeting_kwargs,
        data=_swap_observer,
    ),
    Row("api-meeting-attendance", "GET", API_MEMBERS_OF_ALPHA, meeting_kwargs),
    Row(
        "api-meeting-attendance",
        "POST",
        # Notice of absence for oneself: every member of the team, supervisors included.
        API_MEMBERS_OF_ALPHA,
        meeting_kwargs,
        data={"status": "ABSENT_NOTIFIED"},
    ),
    Row("api-meeting-action-items", "GET", API_MEMBERS_OF_ALPHA, meeting_kwargs),
    Row(
        "api-meeting-action-items",
        "POST",
        _writes(201, "lena", "theo"),
        meeting_kwargs,
        data=lambda world: {"owner": str(world.tara.public_id), "description": "Bring data"},
    ),
    Row(
        "api-meeting-observer-flags",
        "POST",
        _writes(201, "tara", "lena"),
        meeting_kwargs,
        data={"reason": "JUDGMENTAL_LANGUAGE", "agreement": "PHENOMENOLOGICAL_EMPATHY"},
    ),
    Row("api-meeting-minutes-markdown", "GET", API_MEMBERS_OF_ALPHA, meeting_kwargs),
    Row("api-meeting-minutes-pdf", "GET", API_MEMBERS_OF_ALPHA, meeting_kwargs),
    Row("api-agenda-item-detail", "GET", API_MEMBERS_OF_ALPHA, item_kwargs),
    Row(
        "api-agenda-item-detail",
        "PATCH",
        _writes(200, "tara", "lena"),
        item_kwargs,
        data={"minutes_requested": 15},
    ),
    Row(
        "api-agenda-item-move",
        "POST",
        _writes(200, "lena"),
        item_kwargs,
        data={"position": 1, "reason": "Risk first"},
    ),
    Row(
        "api-agenda-item-discuss",
        "POST",
        _writes(200, "lena"),
        item_kwargs,
        data={"outcome": "Plan agreed", "actual_minutes": 10},
    ),
    Row("api-agenda-item-defer", "POST", _writes(200, "lena"), item_kwargs),
    Row("api-action-item-list", "GET", every(200, **API_SIGNED_OUT)),
    Row("api-action-item-detail", "GET", API_MEMBERS_OF_ALPHA, action_kwargs),
    Row(
        "api-action-item-detail",
        "PATCH",
        _writes(200, "tara", "lena", "theo"),
        action_kwargs,
        data={"status": "DONE"},
    ),
    # Whoever runs the meeting (Lena leads it and leads the team); the observer raises flags
    # but does not acknowledge them.
    Row(
        "api-observer-flag-acknowledge",
        "POST",
        _writes(200, "lena"),
        flag_kwargs,
        data={"repair_note": "Reworded as what happened."},
    ),
    Row("api-observer-summary", "GET", API_MEMBERS_OF_ALPHA, team_kwargs),
    # How the team's meetings run: whoever sees the team reads it (Ada, staff, sees every
    # team); only its leader changes it (an empty change is a 200 that changes nothing).
    Row("api-team-meeting-settings", "GET", {**API_MEMBERS_OF_ALPHA, "ada": 200}, team_kwargs),
    Row(
        "api-team-meeting-settings",
        "PATCH",
        every(403, lena=200, olga=404, fern=404, **API_SIGNED_OUT),
        team_kwargs,
    ),
]
