"""Page and API helpers the apps share: who is asking (`person`), the page forms and how a
refusal lands on them (`forms`, `attempt`), htmx's conventions (`pages`), and the API's request
bodies and enums (`api`). Nothing here knows a clinical record or a meeting: `cases` and
`agendas` both import from here, and neither takes a page or API helper from the other.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from consultteam.access import is_active_person
from consultteam.accounts.models import User

__all__ = ["person"]


def person(request: HttpRequest | Request) -> User:
    """The signed-in, active person asking (a page's `login_required` or the API's
    `ActionRules` has let them in; this narrows the type). Anyone else: PermissionDenied."""
    user = request.user
    if not is_active_person(user):
        raise PermissionDenied
    return user
