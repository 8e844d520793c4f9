"""Starting a team and changing its settings: the one write path for pages and API alike.

An administrator starts a team and appoints its first leader; the leader (or an administrator)
changes its settings afterwards. Which roles rotate at its meetings is the agendas app's meeting
settings, not a field here. Every save is audited by the registry in apps.py (CREATE / UPDATE,
with the names of the fields changed, never their values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from consultteam.accounts.models import User, normalize_email
from consultteam.errors import Conflict
from consultteam.teams.models import Cadence, Membership, Role, Team, Weekday
from consultteam.teams.permissions import can_change_team, can_create_team

# What a team's leader may set; anything else in a request is refused by the callers' forms.
TEAM_SETTINGS = (
    "name",
    "time_zone",
    "cadence",
    "meeting_weekday",
    "meeting_start",
    "meeting_minutes",
    "agenda_cutoff_hours",
)
SHORTEST_MEETING, LONGEST_MEETING = 15, 240
LONGEST_CUTOFF_HOURS = 14 * 24


def _problems(team: Team, *, exclude_pk: int | None) -> dict[str, list[str]]:
    """What is wrong with ``team``'s settings, in words a clinician can act on. Model
    validation (time zone, choices) runs too, for the fields not already refused here."""
    problems: dict[str, list[str]] = {}
    team.name = (team.name or "").strip()
    if not team.name:
        problems["name"] = ["Give the team a name, for example 'Tuesday adult team'."]
    else:
        same_name = Team.objects.filter(name__iexact=team.name)
        if exclude_pk is not None:
            same_name = same_name.exclude(pk=exclude_pk)
        if same_name.exists():
            problems["name"] = [
                f"There is already a team called {team.name!r}; choose another name."
            ]
    minutes = team.meeting_minutes
    if not isinstance(minutes, int) or not SHORTEST_MEETING <= minutes <= LONGEST_MEETING:
        problems["meeting_minutes"] = [
            f"A meeting lasts between {SHORTEST_MEETING} and {LONGEST_MEETING} minutes "
            "(90 is usual)."
        ]
    cutoff = team.agenda_cutoff_hours
    if not isinstance(cutoff, int) or not 0 <= cutoff <= LONGEST_CUTOFF_HOURS:
        problems["agenda_cutoff_hours"] = [
            f"The agenda closes between 0 and {LONGEST_CUTOFF_HOURS} hours (two weeks) "
            "before the meeting."
        ]
    if not isinstance(team.meeting_start, dt.time):
        problems["meeting_start"] = ["Give the start time as hours and minutes, such as 09:30."]
    try:
        # `name` is checked above, without regard to case; its unique index backs it.
        team.full_clean(exclude=[*problems, "name"], validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.setdefault(field, []).extend(messages)
    return problems


def _refuse_if_wrong(team: Team, *, exclude_pk: int | None) -> None:
    problems = _problems(team, exclude_pk=exclude_pk)
    if problems:
        raise ValidationError(problems)


def leader_by_email(email: str) -> User:
    """The active account a new team's leader signs in with. Only administrators get here
    (they may see every account), so naming a missing one tells them nothing new."""
    leader = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if leader is None:
        raise ValidationError(
            {
                "leader_email": [
                    f"No active account signs in as {normalize_email(email)}. Check the "
                    "address, or create the account first."
                ]
            }
        )
    return leader


@transaction.atomic
def team_create(
    *,
    by: User,
    leader: User,
    name: str,
    time_zone: str = "UTC",
    cadence: str = Cadence.WEEKLY,
    meeting_weekday: int = Weekday.WEDNESDAY,
    meeting_start: dt.time = dt.time(9, 0),
    meeting_minutes: int = 90,
    agenda_cutoff_hours: int = 24,
) -> Team:
    """Start a team with ``leader`` as its team leader (administrators only).

    Audited: the team's CREATE and the leader's membership's CREATE. Not idempotent: a second
    call with the same name is refused (ValidationError on ``name``), and writes nothing.
    """
    if not can_create_team(by):
        raise PermissionDenied("Only an administrator can start a team.")
    if not leader.is_active:
        raise ValidationError({"leader_email": ["This account is deactivated; choose another."]})
    team = Team(
        name=name,
        time_zone=time_zone,
        cadence=cadence,
        meeting_weekday=meeting_weekday,
        meeting_start=meeting_start,
        meeting_minutes=meeting_minutes,
        agenda_cutoff_hours=agenda_cutoff_hours,
    )
    _refuse_if_wrong(team, exclude_pk=None)
    try:
        with transaction.atomic():  # a name taken at the same moment: refused, not a 500
            team.save()
    except IntegrityError:
        raise Conflict(
            f"A team called {team.name!r} was just started; choose another name."
        ) from None
    Membership.objects.create(team=team, user=leader, role=Role.TEAM_LEADER)
    return team


@transaction.atomic
def team_change(*, team: Team, by: User, changes: Mapping[str, Any]) -> Team:
    """Change some of ``team``'s settings (``changes``: names of TEAM_SETTINGS and their new
    values). Its leader or an administrator only.

    Audited as one UPDATE naming the fields that really changed; nothing is written (or
    recorded) when nothing changed, so it is safe to run twice.
    """
    if not can_change_team(by, team):
        raise PermissionDenied("Only the team's leader or an administrator changes its settings.")
    unknown = sorted(set(changes) - set(TEAM_SETTINGS))
    if unknown:
        raise ValidationError({name: ["This setting cannot be changed here."] for name in unknown})
    team = Team.objects.select_for_update().get(pk=team.pk)
    changed = [name for name, value in changes.items() if getattr(team, name) != value]
    if not changed:
        return team
    for name in changed:
        setattr(team, name, changes[name])
    _refuse_if_wrong(team, exclude_pk=team.pk)
    if "name" in changed and changes["name"].strip() == Team.objects.get(pk=team.pk).name:
        changed.remove("name")  # only blanks around it differed
    try:
        with transaction.atomic():
            team.save(update_fields=changed)
    except IntegrityError:
        raise Conflict(
            f"A team called {team.name!r} was just started; choose another name."
        ) from None
    return team
