"""Access rows for emergency (break-glass) access: opening one (team leaders and supervisors of
any team), the review list (team leaders and staff) and marking one reviewed (a second person).

The access to review is Lena's (Alpha's leader) on Olga's Beta case: Beta has no leader in the
cast, so only staff (Ada) may review it, and Lena, its opener, never sees it in her list."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from cases.models import EmergencyAccess
from tests.matrix import API_SIGNED_OUT, SIGNED_OUT, Row, every


def lena_on_olga_case(world: SimpleNamespace) -> dict[str, Any]:
    now = timezone.now()
    access = EmergencyAccess.objects.create(
        case=world.olga_case,
        user=world.lena,
        reason="Client at risk tonight and Olga cannot be reached by phone.",
        opened_at=now,
        expires_at=now + dt.timedelta(hours=4),
    )
    return {"access_id": access.public_id}


# Team leaders and supervisors (of any team) may open; the body here is empty, so they get 400.
OPENERS = every(403, lena=200, sam=200, **SIGNED_OUT)
OPENERS_EMPTY_POST = every(403, lena=400, sam=400, **SIGNED_OUT)
REVIEW_LIST = every(403, lena=200, ada=200, **SIGNED_OUT)
# Only Ada may review Lena's access (an empty note: 400); everyone else does not see it.
MARK = every(404, ada=400, **SIGNED_OUT)

ROWS: list[Row] = [
    Row("emergency-access", "GET", OPENERS),
    Row("emergency-access", "POST", OPENERS_EMPTY_POST),
    Row("emergency-review", "GET", REVIEW_LIST),
    Row("emergency-review-mark", "POST", MARK, lena_on_olga_case),
    Row("emergency-review-mark", "GET", every(405), lena_on_olga_case),
    Row("api-emergency-access-list", "GET", every(403, lena=200, ada=200, **API_SIGNED_OUT)),
    Row(
        "api-emergency-access-list",
        "POST",
        every(403, lena=400, sam=400, **API_SIGNED_OUT),
        data={"reason": "x"},
    ),
    Row(
        "api-emergency-access-review",
        "POST",
        every(404, ada=400, **API_SIGNED_OUT),
        lena_on_olga_case,
        data={"note": ""},
    ),
]
