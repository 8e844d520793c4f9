"""Access rows for the meeting's pages (agendas/urls.py `urlpatterns`, under /meetings/).

Alpha's meeting is the one of tests/access_rows/meetings_api.py: in three days, roles rotated
(Lena, the team leader, leads it; Tara observes; Theo takes notes), with Tara's item and an
action for Tara. Who may see the meeting is asked first (404 for Olga, Fern and Ada), then who
may do the thing (403), then the form. The matrix posts a JSON body, which a form post does not
read: a permitted POST of a form arrives empty and answers 400, never a write; a POST that takes
no input (start, defer, notice of absence for oneself) does its work and redirects (302).
"""

from __future__ import annotations

from tests.access_rows.meetings_api import (
    action_kwargs,
    flag_kwargs,
    item_kwargs,
    meeting_kwargs,
    team_kwargs,
)
from tests.matrix import MEMBERS_OF_ALPHA, PAGE, SIGNED_OUT, Row, every


def _alpha(ok: int, *allowed: str) -> dict[str, int]:
    """``allowed`` get ``ok``; the rest of Alpha 403; another team, former members and
    administrators 404."""
    expect = every(404, **SIGNED_OUT)
    for who in ("tara", "theo", "lena", "sam"):
        expect[who] = ok if who in allowed else 403
    return expect


ROWS: list[Row] = [
    Row("meeting-list", "GET", PAGE),
    # Only a team leader plans; Lena's empty form is a 400.
    Row("meetings-plan", "POST", every(403, lena=400, **SIGNED_OUT)),
    Row("meeting-detail", "GET", MEMBERS_OF_ALPHA, meeting_kwargs),
    # Notice of absence for oneself: every member, supervisors included.
    Row("meeting-absence", "POST", _alpha(302, "tara", "theo", "lena", "sam"), meeting_kwargs),
    # The holder of a role or the team leader; Sam holds none.
    Row("meeting-role-swap", "POST", _alpha(400, "tara", "theo", "lena"), meeting_kwargs),
    # The team leader rotates (no input: done, 302) and gives a role (the empty form: 400).
    Row("meeting-roles-rotate", "POST", _alpha(302, "lena"), meeting_kwargs),
    Row("meeting-role-assign", "POST", _alpha(400, "lena"), meeting_kwargs),
    # Clinicians bring items; a supervisor reads the agenda.
    Row("agenda-item-new", "GET", _alpha(200, "tara", "theo", "lena"), meeting_kwargs),
    Row("agenda-item-new", "POST", _alpha(400, "tara", "theo", "lena"), meeting_kwargs),
    Row("agenda-item-move", "POST", _alpha(400, "lena"), item_kwargs),
    # The run page: the leaders, the note-taker (Theo) and the observer (Tara).
    Row("meeting-run", "GET", _alpha(200, "tara", "theo", "lena"), meeting_kwargs),
    Row("meeting-start", "POST", _alpha(302, "lena"), meeting_kwargs),
    Row("agenda-item-discuss", "POST", _alpha(400, "lena"), item_kwargs),
    Row("agenda-item-defer", "POST", _alpha(302, "lena"), item_kwargs),
    Row("action-item-new", "POST", _alpha(400, "lena", "theo"), meeting_kwargs),
    Row("observer-flag-new", "POST", _alpha(400, "lena", "tara"), meeting_kwargs),
    Row("meeting-minutes", "POST", _alpha(400, "lena", "theo"), meeting_kwargs),
    Row("meeting-complete", "GET", _alpha(200, "lena"), meeting_kwargs),
    Row("meeting-complete", "POST", _alpha(400, "lena"), meeting_kwargs),
    Row("meeting-minutes-md", "GET", MEMBERS_OF_ALPHA, meeting_kwargs),
    Row("meeting-minutes-pdf", "GET", MEMBERS_OF_ALPHA, meeting_kwargs),
    # The meeting is not completed yet: its members are sent to the meeting's page.
    Row("meeting-record", "GET", _alpha(302, "tara", "theo", "lena", "sam"), meeting_kwargs),
    Row("meeting-past", "GET", MEMBERS_OF_ALPHA, team_kwargs),
    # How the team's meetings run: the team leader (the empty form is a 400). Ada, staff, sees
    # every team but leads none of them.
    Row("team-meeting-settings", "GET", {**_alpha(200, "lena"), "ada": 403}, team_kwargs),
    Row("team-meeting-settings", "POST", {**_alpha(400, "lena"), "ada": 403}, team_kwargs),
    # The team leader reschedules and cancels; the empty posts are 400s.
    Row("meeting-reschedule", "GET", _alpha(200, "lena"), meeting_kwargs),
    Row("meeting-reschedule", "POST", _alpha(400, "lena"), meeting_kwargs),
    Row("meeting-cancel", "GET", _alpha(200, "lena"), meeting_kwargs),
    Row("meeting-cancel", "POST", _alpha(400, "lena"), meeting_kwargs),
    # Whoever writes the minutes: the leaders and the note-taker (Theo).
    Row("attendance-record", "POST", _alpha(400, "lena", "theo"), meeting_kwargs),
    # The action's owner (Tara) and whoever writes the minutes (Lena, Theo).
    Row("action-item-status", "POST", _alpha(400, "tara", "lena", "theo"), action_kwargs),
    # Tara's own item: Tara and the team leader; withdrawing takes no input and is done.
    Row("agenda-item-edit", "GET", _alpha(200, "tara", "lena"), item_kwargs),
    Row("agenda-item-edit", "POST", _alpha(400, "tara", "lena"), item_kwargs),
    Row("agenda-item-withdraw", "POST", _alpha(302, "tara", "lena"), item_kwargs),
    # Whoever runs the meeting acknowledges; the observer (Tara) raised it but does not.
    Row("observer-flag-acknowledge", "POST", _alpha(400, "lena"), flag_kwargs),
]
