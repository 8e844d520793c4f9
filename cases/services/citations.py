"""Framing by the assumptions: which assumptions and agreements a TIB entry, a chain analysis
or a piece of feedback draws on. Callers pass codes (``DOING_BEST_THEY_CAN``, ``FALLIBILITY``);
an unknown or retired code is refused with a message that names it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.reference.models import Agreement, Assumption

CITATION_FIELDS = ("assumptions", "agreements")


def _rows(
    model: type[Assumption] | type[Agreement], codes: Iterable[str] | None, field: str
) -> list[Any]:
    wanted = list(dict.fromkeys(codes or ()))  # keep the order given, drop repeats
    if not all(isinstance(code, str) for code in wanted):
        raise ValidationError({field: "Name each one by its code, as text."})
    found = {row.code: row for row in model.objects.active().filter(code__in=wanted)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        what = "assumption" if model is Assumption else "agreement"
        raise ValidationError(
            {field: f"There is no {what} with the code {', '.join(map(repr, unknown))}."}
        )
    return [found[code] for code in wanted]


def resolve_citations(
    *, assumptions: Iterable[str] | None, agreements: Iterable[str] | None
) -> tuple[list[Assumption], list[Agreement]]:
    """The rows the codes name. Raises ValidationError naming every unknown code. Reads only."""
    return (
        _rows(Assumption, assumptions, "assumptions"),
        _rows(Agreement, agreements, "agreements"),
    )


def cite(
    item: models.Model,
    *,
    assumptions: Iterable[str] | None = None,
    agreements: Iterable[str] | None = None,
    audit_change: bool = False,
) -> None:
    """Set what ``item`` cites; ``None`` leaves that side as it is. Call inside the caller's
    transaction, after the item is saved. Safe to run twice. Many-to-many changes fire no
    save signal, so a change of an existing item is audited here (``audit_change``) with the
    names of the fields, never their content."""
    rows = resolve_citations(assumptions=assumptions, agreements=agreements)
    changed = []
    for field, given, found in zip(CITATION_FIELDS, (assumptions, agreements), rows, strict=True):
        if given is None:
            continue
        getattr(item, field).set(found)
        changed.append(field)
    if audit_change and changed:
        team_id = getattr(item, "team_id", None)
        audit_record(action=Action.UPDATE, obj=item, team=team_id, fields=changed)
