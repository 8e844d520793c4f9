"""Access rows for meetings in calendars: one meeting as .ics (page and API), the calendar
page, the subscription feed and its API.

A meeting's .ics is read like the meeting: Alpha's members, 404 for anyone else. Everyone
signed in manages their own subscription address. The feed itself takes no sign-in (calendar
apps cannot): its secret address is the credential, so an address that was never issued is
404 for everyone, signed in or not.
"""

from __future__ import annotations

from tests.access_rows.meetings_api import meeting_kwargs
from tests.matrix import (
    API_MEMBERS_OF_ALPHA,
    API_SIGNED_OUT,
    MEMBERS_OF_ALPHA,
    PAGE,
    SIGNED_OUT,
    Row,
    every,
)

ROWS: list[Row] = [
    Row("meeting-ics", "GET", MEMBERS_OF_ALPHA, meeting_kwargs),
    Row("api-meeting-ics", "GET", API_MEMBERS_OF_ALPHA, meeting_kwargs),
    Row("calendar-settings", "GET", PAGE),
    # The matrix's JSON body is not a form: the page takes it as "make my address".
    Row("calendar-settings", "POST", every(200, **SIGNED_OUT)),
    Row("calendar-feed", "GET", every(404), lambda world: {"key": "never-issued"}),
    Row("api-calendar-feed", "GET", every(200, **API_SIGNED_OUT)),
    Row("api-calendar-feed", "POST", every(201, **API_SIGNED_OUT)),
    Row("api-calendar-feed", "DELETE", every(204, **API_SIGNED_OUT)),
]
