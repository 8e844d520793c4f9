"""Writes of chain analyses: the worksheet, its links and consequences, status, reviewers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from cases.choices import (
    ChainKind,
    ChainSubject,
    SolutionType,
    Vulnerability,
)
from cases.models import (
    CHAIN_FIELDS,
    CHAIN_TEXT_FIELDS,
    CONSEQUENCE_TEXT_FIELDS,
    LINK_FIELDS,
    LINK_TEXT_FIELDS,
    Case,
    ChainAnalysis,
    ChainAnalysisUserObjectPermission,
    ChainConsequence,
    ChainLink,
)
from cases.permissions import (
    can_change_chain,
    can_set_chain_status,
    can_start_chain,
)
from cases.services.citations import CITATION_FIELDS, cite
from cases.services.common import plausible_day
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.teams.models import Role, Team
from consultteam.teams.permissions import role_in
from consultteam.textcheck.services import text_gate
from consultteam.writes import apply_changes, refuse, save_valid

STALE = (
    "Someone else saved this chain analysis after you opened it (it is now at version "
    "{current}, you were editing version {yours}). Reload to see their changes; what you typed "
    "has not been saved, so copy it first."
)


# --- Chain analyses -------------------------------------------------------------------------------

MAX_LINKS = 40


def _texts(obj: Any, names: Iterable[str]) -> dict[str, str]:
    return {name: getattr(obj, name) or "" for name in names}


def _check_vulnerabilities(codes: object) -> None:
    if not isinstance(codes, list) or any(code not in Vulnerability.values for code in codes):
        raise ValidationError({"vulnerabilities": "Choose from the listed vulnerability factors."})


@transaction.atomic
def chain_start(
    *,
    by: User,
    team: Team,
    subject: str,
    kind: str,
    problem_behavior: str,
    behavior_on: dt.date,
    case: Case | None = None,
    # `object`, not `str | None`: callers pass the worksheet as one `**dict[str, object]`.
    identifier_override: object = None,
    **fields: Any,
) -> ChainAnalysis:
    """Start a chain analysis as a draft (only its author and overseers can read a draft).
    Its text goes through the text checks: language flags are stored (see
    `textcheck.services.flags_for`), an identifier refuses the save (IdentifierFound) unless
    ``identifier_override`` gives a reason, which is audited."""
    if subject not in ChainSubject.values or kind not in ChainKind.values:
        raise ValidationError({"subject": "Choose what is analysed and the kind of analysis."})
    if (subject == ChainSubject.CLIENT_BEHAVIOR) != (case is not None):
        raise ValidationError({"case": "A client's behaviour is analysed within their case."})
    if not can_start_chain(by, team, case):
        raise refuse("You cannot write a chain analysis for this team or case.")
    chain = ChainAnalysis(
        team=team,
        case=case,
        author=by,
        subject=subject,
        kind=kind,
        problem_behavior=problem_behavior,
        behavior_on=behavior_on,
    )
    # `assumptions` and `agreements` (lists of codes) come among the worksheet's fields.
    fields = dict(fields)
    citations = {name: fields.pop(name) for name in CITATION_FIELDS if name in fields}
    apply_changes(chain, fields, CHAIN_FIELDS)
    _check_vulnerabilities(chain.vulnerabilities)
    plausible_day(chain.behavior_on, "behavior_on", person=by)
    save_valid(chain)
    cite(chain, **citations)  # codes; an unknown one is a 400 naming it
    written = ["problem_behavior", *(name for name in CHAIN_TEXT_FIELDS if name in fields)]
    text_gate(
        obj=chain,
        team=team,
        fields=_texts(chain, written),
        by=by,
        identifier_override=identifier_override if isinstance(identifier_override, str) else None,
    )
    return chain


def _lock_current(chain: ChainAnalysis, expected_version: int) -> ChainAnalysis:
    """Lock the analysis row and refuse a change made against an older version."""
    current = ChainAnalysis.objects.select_for_update().get(pk=chain.pk)
    if current.version != expected_version:
        raise Conflict(STALE.format(current=current.version, yours=expected_version))
    return current


def _bump(chain: ChainAnalysis, fields: Iterable[str] = ()) -> None:
    chain.version += 1
    save_valid(chain, update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def chain_update(
    *,
    chain: ChainAnalysis,
    by: User,
    expected_version: int,
    changes: Mapping[str, Any],
    identifier_override: str | None = None,
) -> ChainAnalysis:
    """Change worksheet fields. Refused (409) if someone saved since ``expected_version``.
    Changed text goes through the text checks as in `chain_start`."""
    if not can_change_chain(by, chain):
        raise refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(chain, expected_version)
    changes = dict(changes)
    citations = {name: changes.pop(name) for name in CITATION_FIELDS if name in changes}
    apply_changes(chain, changes, CHAIN_FIELDS)
    _check_vulnerabilities(chain.vulnerabilities)
    plausible_day(chain.behavior_on, "behavior_on", person=by)
    _bump(chain, changes)
    if citations:  # what the analysis draws on, as codes (see services/citations.py)
        cite(chain, **citations, audit_change=True)
    text_gate(
        obj=chain,
        team=chain.team,
        fields=_texts(chain, (name for name in CHAIN_TEXT_FIELDS if name in changes)),
        by=by,
        identifier_override=identifier_override,
    )
    return chain


@transaction.atomic
def chain_set_status(
    *, chain: ChainAnalysis, by: User, status: str, expected_version: int
) -> ChainAnalysis:
    """Move the analysis along: ready for team, presented, reviewed (or back to draft)."""
    if not can_set_chain_status(by, chain, status):
        raise refuse("Your role cannot move this analysis to that status.")
    chain = _lock_current(chain, expected_version)
    chain.status = status
    _bump(chain, ["status"])
    return chain


def _renumber(chain: ChainAnalysis, ordered_ids: list[int]) -> None:
    """Give the links positions 1..n in this order. Two passes (first all out of the way,
    then each into place) so the unique (chain, position) constraint holds at every step, on
    any database, without deferrable constraints. Position changes are not audited one by one:
    the analysis's own version change records the edit."""
    links = {link.pk: link for link in ChainLink.objects.filter(chain=chain)}
    for link in links.values():
        link.position += MAX_LINKS * 10
        link.save(update_fields=["position"])
    for position, pk in enumerate(ordered_ids, start=1):
        links[pk].position = position
        links[pk].save(update_fields=["position"])


def _ordered_link_ids(chain: ChainAnalysis) -> list[int]:
    return list(
        ChainLink.objects.filter(chain=chain).order_by("position").values_list("pk", flat=True)
    )


@transaction.atomic
def chain_link_add(
    *,
    chain: ChainAnalysis,
    by: User,
    expected_version: int,
    kind: str,
    description: str,
    position: int | None = None,
    identifier_override: str | None = None,
    **fields: Any,
) -> ChainLink:
    """Add a link at ``position`` (default: the end); later links move down one. Its text
    goes through the text checks as in `chain_start`."""
    if not can_change_chain(by, chain):
        raise refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(chain, expected_version)
    order = _ordered_link_ids(chain)
    if len(order) >= MAX_LINKS:
        raise ValidationError({"position": f"A chain holds at most {MAX_LINKS} links."})
    at = len(order) + 1 if position is None else position
    if not 1 <= at <= len(order) + 1:
        raise ValidationError({"position": f"Choose a position from 1 to {len(order) + 1}."})
    link = ChainLink(chain=chain, position=MAX_LINKS * 20, kind=kind, description=description)
    apply_changes(link, fields, LINK_FIELDS)
    save_valid(link)
    text_gate(
        obj=link,
        team=chain.team,
        fields=_texts(link, LINK_TEXT_FIELDS),
        by=by,
        identifier_override=identifier_override,
    )
    order.insert(at - 1, link.pk)
    _renumber(chain, order)
    _bump(chain)
    link.refresh_from_db()
    return link


@transaction.atomic
def chain_link_update(
    *,
    link: ChainLink,
    by: User,
    expected_version: int,
    changes: Mapping[str, Any],
    identifier_override: str | None = None,
) -> ChainLink:
    """Edit one link's content (not its place: see chain_links_reorder). Changed text goes
    through the text checks as in `chain_start`."""
    if not can_change_chain(by, link.chain):
        raise refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(link.chain, expected_version)
    link = ChainLink.objects.get(pk=link.pk)
    apply_changes(link, changes, LINK_FIELDS)
    if link.solution_type != SolutionType.SKILL:
        if changes.get("skill_module"):  # never drop what was sent without a word
            raise ValidationError({"skill_module": "Only a skill has a module."})
        link.skill_module = ""
    elif not link.skill_module:
        raise ValidationError({"skill_module": "Name the module the skill is from."})
    save_valid(link, update_fields=list({*changes, "skill_module"}))
    text_gate(
        obj=link,
        team=chain.team,
        fields=_texts(link, (name for name in LINK_TEXT_FIELDS if name in changes)),
        by=by,
        identifier_override=identifier_override,
    )
    _bump(chain)
    return link


@transaction.atomic
def chain_link_remove(*, link: ChainLink, by: User, expected_version: int) -> None:
    """Remove a link; the ones after it move up, so positions stay 1..n."""
    if not can_change_chain(by, link.chain):
        raise refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(link.chain, expected_version)
    link.delete()
    _renumber(chain, _ordered_link_ids(chain))
    _bump(chain)


@transaction.atomic
def chain_links_reorder(
    *, chain: ChainAnalysis, by: User, expected_version: int, order: list[uuid.UUID]
) -> list[ChainLink]:
    """Put the links in the given order (public ids, first to last). The list must name every
    link of the chain exactly once: no gaps, no repeats, no strangers."""
    if not can_change_chain(by, chain):
        raise refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(chain, expected_version)
    ids = dict(ChainLink.objects.filter(chain=chain).values_list("public_id", "pk"))
    if len(order) != len(set(order)) or set(order) != set(ids):
        raise ValidationError({"order": "List every link of this analysis once, in the new order."})
    _renumber(chain, [ids[public_id] for public_id in order])
    _bump(chain)
    return list(ChainLink.objects.filter(chain=chain).order_by("position"))


@transaction.atomic
def chain_consequence_add(
    *,
    chain: ChainAnalysis,
    by: User,
    expected_version: int,
    description: str,
    timing: str,
    locus: str,
    identifier_override: str | None = None,
) -> ChainConsequence:
    """Add a consequence of the behaviour. Its text goes through the text checks as in
    `chain_start`."""
    if not can_change_chain(by, chain):
        raise refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(chain, expected_version)
    consequence = ChainConsequence(chain=chain, description=description, timing=timing, locus=locus)
    save_valid(consequence)
    text_gate(
        obj=consequence,
        team=chain.team,
        fields=_texts(consequence, CONSEQUENCE_TEXT_FIELDS),
        by=by,
        identifier_override=identifier_override,
    )
    _bump(chain)
    return consequence


@transaction.atomic
def chain_consequence_remove(
    *, consequence: ChainConsequence, by: User, expected_version: int
) -> None:
    if not can_change_chain(by, consequence.chain):
        raise refuse("Only the author or the case's therapists can edit this analysis.")
    chain = _lock_current(consequence.chain, expected_version)
    consequence.delete()
    _bump(chain)


@transaction.atomic
def chain_reviewer_add(*, chain: ChainAnalysis, reviewer: User, by: User) -> Any:
    """Let a reviewer outside the team (a supervisor) read one chain analysis. Audited."""
    if not can_change_chain(by, chain) and role_in(by, chain.team) != Role.TEAM_LEADER:
        raise refuse("Only the author, the case's therapists or the team leader can do this.")
    permission = Permission.objects.get(
        content_type__app_label="cases", codename="view_chainanalysis"
    )
    grant, _ = ChainAnalysisUserObjectPermission.objects.get_or_create(
        user=reviewer, permission=permission, content_object=chain
    )
    return grant
