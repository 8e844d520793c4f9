"""Access rows for two-factor sign-in and the sessions page: everything here is one's own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from consultteam.accounts.models import UserSession
from tests.matrix import PAGE, SIGNED_OUT, Row, every


def tara_session(world: SimpleNamespace) -> dict[str, Any]:
    """A recorded session of Tara's elsewhere (its data is not in the store: ending it only
    deletes the row)."""
    session = UserSession.objects.create(user=world.tara, session_key="tara-elsewhere-0001")
    return {"session_id": session.public_id}


ROWS: list[Row] = [
    # Everyone signed in may set it up (GET shows the QR code of a device waiting for a code).
    Row("two-factor-setup", "GET", PAGE),
    # Nobody in the matrix owes a code, so the verify step sends them on (home or sign-in).
    Row("two-factor-verify", "GET", every(302)),
    Row("session-list", "GET", PAGE),
    Row("session-end", "POST", every(404, tara=302, **SIGNED_OUT), tara_session),
    Row("session-end-others", "POST", every(302)),
]
