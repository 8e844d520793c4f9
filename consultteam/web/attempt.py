"""One way for a page to hand a form to a service and answer what the service refused.

Every page that writes does the same four things: validate the form, call the service with what
was typed, put a refusal on the form (a field's reason next to the field, someone else's change
or an identifier found at the top), and answer 400 for what was typed or 409 for a change made
meanwhile. `attempt` does them once, for the clinical record's pages and the meeting's alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import ValidationError

from consultteam.errors import Conflict
from consultteam.textcheck.services import IdentifierFound
from consultteam.web.forms import PageForm, add_identifier_found, add_service_errors

T = TypeVar("T")

__all__ = ["Attempt", "attempt", "refused_status"]


def refused_status(form: PageForm, error: ValidationError | Conflict | IdentifierFound) -> int:
    """Put the reason on the form; the status to answer with."""
    if isinstance(error, IdentifierFound):
        add_identifier_found(form, error)
        return 400
    if isinstance(error, Conflict):
        form.add_error(None, error.message)
        return 409
    add_service_errors(form, error)
    return 400


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """What came of a form handed to a service: ``done`` with the service's answer, or the
    status to answer with (the reasons are on the form)."""

    status: int
    value: T | None = None

    @property
    def done(self) -> bool:
        return self.status < 400

    @property
    def result(self) -> T:
        """The service's answer; only for a done attempt."""
        if not self.done:
            raise RuntimeError("The service refused: there is no result to read.")
        return cast(T, self.value)


def attempt(form: PageForm, call: Callable[[dict[str, Any]], T]) -> Attempt[T]:
    """Validate ``form``; if it holds, ``call`` the service with its cleaned data. A refusal
    lands on the form and the attempt carries the status: 400 for what was typed (or an
    identifier found, which a reason may override), 409 for someone else's change."""
    if not form.is_valid():
        return Attempt(400)
    try:
        return Attempt(200, call(form.cleaned_data))
    except (ValidationError, Conflict, IdentifierFound) as error:
        return Attempt(refused_status(form, error))
