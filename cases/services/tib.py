"""Writes of the TIB log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from cases.choices import (
    CATEGORIES_BY_ACTOR,
    MISSED_IN_A_ROW_WARNING,
    SESSION_MODES,
    Actor,
    TIBCategory,
)
from cases.models import (
    Case,
    MissedSessions,
    TIBEntry,
)
from cases.permissions import (
    can_change_case,
    can_change_tib,
    can_log_tib,
)
from cases.services.citations import CITATION_FIELDS, cite
from cases.services.common import plausible_day
from consultteam.accounts.models import User
from consultteam.teams.models import Team
from consultteam.textcheck.models import TextFlag
from consultteam.textcheck.services import text_gate
from consultteam.writes import apply_changes, refuse, save_valid

# --- The TIB log ----------------------------------------------------------------------------------

TIB_FIELDS = ("category", "setting", "description", "occurred_on", "count", "status")


@dataclass(frozen=True)
class TIBLogged:
    entry: TIBEntry
    missed_in_a_row: int | None = None  # for a missed session, the count after this entry
    flags: tuple[TextFlag, ...] = ()  # the language check's open flags on the description

    @property
    def warning(self) -> str | None:
        if self.missed_in_a_row is None or self.missed_in_a_row < MISSED_IN_A_ROW_WARNING:
            return None
        return (
            f"This client has now missed {self.missed_in_a_row} "
            f"{self.entry.get_setting_display().lower()}s in a row. Many programmes end the "
            "treatment contract at four: consider bringing it to team."
        )


def _check_category(actor: str, category: str) -> None:
    if category not in TIBCategory.values:
        raise ValidationError({"category": f"{category!r} is not a TIB category."})
    if category not in CATEGORIES_BY_ACTOR.get(actor, []):
        raise ValidationError(
            {"category": f"{TIBCategory(category).label!r} is not a category for this actor."}
        )


@transaction.atomic
def tib_log(
    *,
    by: User,
    team: Team,
    actor: str,
    category: str,
    setting: str,
    description: str,
    occurred_on: dt.date,
    count: int = 1,
    case: Case | None = None,
    status: str = "OPEN",
    identifier_override: str | None = None,
    assumptions: Iterable[str] | None = None,
    agreements: Iterable[str] | None = None,
) -> TIBLogged:
    """Log a TIB entry. A client's missed session (in individual therapy or skills group)
    also counts towards the missed-in-a-row tally of that mode. The description goes through
    the text checks: language flags are stored and returned, an identifier refuses the save
    (IdentifierFound) unless ``identifier_override`` gives a reason. Not idempotent."""
    if actor not in Actor.values:
        raise ValidationError({"actor": "Choose the client, yourself or the team."})
    if (actor == Actor.CLIENT) != (case is not None):
        raise ValidationError({"case": "A client's TIB belongs to a case; others do not."})
    if not can_log_tib(by, team, actor, case):
        raise refuse("You cannot log this TIB for this team or case.")
    _check_category(actor, category)
    plausible_day(occurred_on, "occurred_on", person=by)
    entry = TIBEntry(
        team=team,
        case=case,
        author=by,
        actor=actor,
        category=category,
        setting=setting,
        description=description,
        occurred_on=occurred_on,
        count=count,
        status=status,
    )
    save_valid(entry)
    cite(entry, assumptions=assumptions, agreements=agreements)  # codes; unknown ones: 400
    flags = text_gate(
        obj=entry,
        team=team,
        fields={"description": description},
        by=by,
        identifier_override=identifier_override,
    )
    missed = None
    if case is not None and category == TIBCategory.NON_ATTENDING and setting in SESSION_MODES:
        missed = _missed_sessions_add(case=case, mode=setting, count=count)
    return TIBLogged(entry=entry, missed_in_a_row=missed, flags=tuple(flags))


def _missed_sessions_add(*, case: Case, mode: str, count: int) -> int:
    tally, _ = MissedSessions.objects.select_for_update().get_or_create(case=case, mode=mode)
    tally.in_a_row = F("in_a_row") + count
    tally.save(update_fields=["in_a_row", "updated_at"])
    tally.refresh_from_db(fields=["in_a_row"])
    return tally.in_a_row


@transaction.atomic
def case_session_attended(*, case: Case, mode: str, by: User) -> None:
    """The client came to a session of ``mode``: the missed-in-a-row tally starts again."""
    if not can_change_case(by, case):
        raise refuse("Only the case's therapists or the team leader can record attendance.")
    if mode not in SESSION_MODES:
        raise ValidationError({"mode": "Attendance is counted for individual sessions and group."})
    MissedSessions.objects.update_or_create(case=case, mode=mode, defaults={"in_a_row": 0})


@transaction.atomic
def tib_update(
    *,
    entry: TIBEntry,
    by: User,
    changes: Mapping[str, Any],
    identifier_override: str | None = None,
) -> TIBEntry:
    """Correct or progress a TIB entry (status from open to resolved). Audited with fields.
    A changed description goes through the text checks as in `tib_log` (its open language
    flags: `textcheck.services.flags_for(entry)`)."""
    if not can_change_tib(by, entry):
        raise refuse("Only the author or the case's therapists can change this entry.")
    entry = TIBEntry.objects.select_for_update().get(pk=entry.pk)
    changes = dict(changes)
    citations = {name: changes.pop(name) for name in CITATION_FIELDS if name in changes}
    apply_changes(entry, changes, TIB_FIELDS)
    _check_category(entry.actor, entry.category)
    plausible_day(entry.occurred_on, "occurred_on", person=by)
    save_valid(entry, update_fields=[*changes, "updated_at"])
    if citations:
        cite(entry, **citations, audit_change=True)
    if "description" in changes:
        text_gate(
            obj=entry,
            team=entry.team,
            fields={"description": entry.description},
            by=by,
            identifier_override=identifier_override,
        )
    return entry


@transaction.atomic
def tib_share_with_team(*, entry: TIBEntry, by: User) -> TIBEntry:
    """Bring an entry to team: from now on teammates may read it. Safe to run twice."""
    if not can_change_tib(by, entry):
        raise refuse("Only the author or the case's therapists can bring this to team.")
    if not entry.shared_with_team:
        entry.shared_with_team = True
        entry.save(update_fields=["shared_with_team", "updated_at"])
    return entry
