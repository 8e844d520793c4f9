"""Access rows for the clinical record's API: cases, the TIB log, chain analyses.

Who may do what follows DOMAIN.md section 3. Outsiders (olga on Beta, fern who left Alpha, ada
the administrator, who sees no clinical record) get 404 on every detail of Alpha's record; a
creation that names a case or team they cannot see is a 400 on that field, exactly as if it did
not exist. Someone who can see an object but whose role may not change it gets 403.

DELETE within a chain analysis takes the version as `?version=N`, which the matrix cannot send
(it builds URLs from route names only): Tara, who may delete, gets through every access check
and is then answered 400 for the missing version. tests/cases/test_cases_api.py deletes for real.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from cases.models import ChainAnalysis, ChainConsequence
from tests.matrix import API_MEMBERS_OF_ALPHA, API_SIGNED_OUT, Row, every

LAST_MONTH = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).isoformat()

# Read by Tara, Lena and Sam only: a client's record kept to the therapist, a draft analysis.
OVERSEERS_AND_OWNER = every(404, tara=200, lena=200, sam=200, **API_SIGNED_OUT)


def _writes(*, ok: int, writers: tuple[str, ...], seen_by: tuple[str, ...]) -> dict[str, int]:
    """``writers`` succeed with ``ok``; the others of ``seen_by`` can see it and get 403; the
    rest of the cast cannot see it and get 404."""
    expect = every(404, **API_SIGNED_OUT)
    for who in seen_by:
        expect[who] = ok if who in writers else 403
    return expect


ALPHA = ("tara", "theo", "lena", "sam")
SEE_PRIVATE = ("tara", "lena", "sam")  # who sees Tara's private entry and her drafts
# A create that names a case or a team: those who cannot see it get 400 on that field.
CREATE_FOR_TARA_CASE = every(403, tara=201, olga=400, fern=400, ada=400, **API_SIGNED_OUT)


def case_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {"case_id": world.tara_case.public_id}


def theo_as_co_therapist(world: SimpleNamespace) -> dict[str, Any]:
    return {"case_id": world.tara_case.public_id, "user_id": world.theo.public_id}


def tib_kwargs(entry: str) -> Any:
    return lambda world: {"tib_id": getattr(world, entry).public_id}


def chain_kwargs(chain: str) -> Any:
    return lambda world: {"chain_id": getattr(world, chain).public_id}


def _version(chain: ChainAnalysis) -> int:
    # Read afresh for each person: a permitted change earlier in the row moves it on.
    return ChainAnalysis.objects.get(pk=chain.pk).version


def first_link(world: SimpleNamespace) -> dict[str, Any]:
    link = world.tara_chain_draft.links.order_by("position").first()
    return {"chain_id": world.tara_chain_draft.public_id, "link_id": link.public_id}


def a_consequence(world: SimpleNamespace) -> dict[str, Any]:
    """The world's draft has no consequences: give it one (made once, before anyone asks)."""
    from cases.services import chain_consequence_add

    draft = world.tara_chain_draft
    consequence = ChainConsequence.objects.filter(chain=draft).first()
    if consequence is None:
        consequence = chain_consequence_add(
            chain=draft,
            by=world.tara,
            expected_version=_version(draft),
            description="The group leader followed her out and talked with her.",
            timing="IMMEDIATE",
            locus="ENVIRONMENT",
        )
    return {"chain_id": draft.public_id, "consequence_id": consequence.public_id}


def tara_case_tib(world: SimpleNamespace) -> dict[str, Any]:
    return {
        "case": str(world.tara_case.public_id),
        "actor": "CLIENT",
        "category": "NON_COLLABORATIVE",
        "setting": "INDIVIDUAL_SESSION",
        "description": "Answered every question in the session with 'I don't know'.",
        "occurred_on": LAST_MONTH,
    }


def tara_case_chain(world: SimpleNamespace) -> dict[str, Any]:
    return {
        "case": str(world.tara_case.public_id),
        "subject": "CLIENT_BEHAVIOR",
        "problem_behavior": "Did not fill in the diary card for the week.",
        "behavior_on": LAST_MONTH,
    }


def with_version(chain: str, **body: Any) -> Any:
    return lambda world: {"version": _version(getattr(world, chain)), **body}


def reversed_links(world: SimpleNamespace) -> dict[str, Any]:
    draft = world.tara_chain_draft
    order = [str(link.public_id) for link in draft.links.order_by("-position")]
    return {"version": _version(draft), "order": order}


ROWS: list[Row] = [
    # Cases: every active member of Alpha reads them; the primary therapist and the team
    # leader change them; the supervisor and teammates read only.
    Row("api-case-list", "GET", every(200, **API_SIGNED_OUT)),
    Row(
        "api-case-list",
        "POST",
        every(403, tara=201, theo=201, lena=201, olga=400, fern=400, **API_SIGNED_OUT),
        data=lambda world: {"team": str(world.alpha.public_id), "opened": "2025-01"},
    ),
    Row("api-case-detail", "GET", API_MEMBERS_OF_ALPHA, case_kwargs),
    Row(
        "api-case-detail",
        "PATCH",
        _writes(ok=200, writers=("tara", "lena"), seen_by=ALPHA),
        case_kwargs,
        data={"stage": "STAGE_2"},
    ),
    Row("api-case-detail", "DELETE", every(405, **API_SIGNED_OUT), case_kwargs),
    Row(
        "api-case-attended",
        "POST",
        _writes(ok=200, writers=("tara", "lena"), seen_by=ALPHA),
        case_kwargs,
        data={"mode": "INDIVIDUAL_SESSION"},
    ),
    Row(
        "api-case-co-therapists",
        "POST",
        _writes(ok=200, writers=("tara", "lena"), seen_by=ALPHA),
        case_kwargs,
        data=lambda world: {"user": str(world.theo.public_id)},
    ),
    Row(
        "api-case-co-therapist-detail",
        "DELETE",
        _writes(ok=200, writers=("tara", "lena"), seen_by=ALPHA),
        theo_as_co_therapist,
    ),
    # The TIB log: a client's entry is written by the case's therapists only; teammates read
    # it once it is brought to team.
    Row("api-tib-entry-list", "GET", every(200, **API_SIGNED_OUT)),
    Row("api-tib-entry-list", "POST", CREATE_FOR_TARA_CASE, data=tara_case_tib),
    Row("api-tib-entry-detail", "GET", OVERSEERS_AND_OWNER, tib_kwargs("tara_tib_private")),
    Row("api-tib-entry-detail", "GET", API_MEMBERS_OF_ALPHA, tib_kwargs("tara_tib_shared")),
    Row("api-tib-entry-detail", "GET", API_MEMBERS_OF_ALPHA, tib_kwargs("team_tib")),
    Row(
        "api-tib-entry-detail",
        "PATCH",
        _writes(ok=200, writers=("tara",), seen_by=ALPHA),
        tib_kwargs("tara_tib_shared"),
        data={"status": "TARGETED"},
    ),
    Row(
        "api-tib-entry-share",
        "POST",
        _writes(ok=200, writers=("tara",), seen_by=SEE_PRIVATE),
        tib_kwargs("tara_tib_private"),
    ),
    # Chain analyses: a draft is read by its author and the team's overseers; one ready for
    # team by every member. Only the case's therapists change it; the team leader marks it
    # presented.
    Row("api-chain-analysis-list", "GET", every(200, **API_SIGNED_OUT)),
    Row("api-chain-analysis-list", "POST", CREATE_FOR_TARA_CASE, data=tara_case_chain),
    Row("api-chain-analysis-detail", "GET", OVERSEERS_AND_OWNER, chain_kwargs("tara_chain_draft")),
    Row("api-chain-analysis-detail", "GET", OVERSEERS_AND_OWNER, chain_kwargs("tara_self_chain")),
    Row("api-chain-analysis-detail", "GET", API_MEMBERS_OF_ALPHA, chain_kwargs("tara_chain_ready")),
    Row(
        "api-chain-analysis-detail",
        "PATCH",
        _writes(ok=200, writers=("tara",), seen_by=ALPHA),
        chain_kwargs("tara_chain_ready"),
        data=with_version("tara_chain_ready", prevention_plan="Set a phone reminder at 8 pm."),
    ),
    Row(
        "api-chain-analysis-status",
        "POST",
        _writes(ok=200, writers=("tara",), seen_by=SEE_PRIVATE),
        chain_kwargs("tara_chain_draft"),
        data=with_version("tara_chain_draft", status="READY_FOR_TEAM"),
    ),
    Row(
        "api-chain-analysis-status",
        "POST",
        _writes(ok=200, writers=("lena",), seen_by=ALPHA),
        chain_kwargs("tara_chain_ready"),
        data=with_version("tara_chain_ready", status="PRESENTED"),
    ),
    Row(
        "api-chain-analysis-links",
        "POST",
        _writes(ok=201, writers=("tara",), seen_by=SEE_PRIVATE),
        chain_kwargs("tara_chain_draft"),
        data=with_version("tara_chain_draft", kind="THOUGHT", description="'I can't stay.'"),
    ),
    Row(
        "api-chain-analysis-link-detail",
        "PATCH",
        _writes(ok=200, writers=("tara",), seen_by=SEE_PRIVATE),
        first_link,
        data=with_version("tara_chain_draft", intensity=7),
    ),
    Row(
        "api-chain-analysis-link-detail",
        "DELETE",
        _writes(ok=400, writers=("tara",), seen_by=SEE_PRIVATE),  # 400: no ?version (above)
        first_link,
    ),
    Row(
        "api-chain-analysis-links-reorder",
        "POST",
        _writes(ok=200, writers=("tara",), seen_by=SEE_PRIVATE),
        chain_kwargs("tara_chain_draft"),
        data=reversed_links,
    ),
    Row(
        "api-chain-analysis-consequences",
        "POST",
        _writes(ok=201, writers=("tara",), seen_by=SEE_PRIVATE),
        chain_kwargs("tara_chain_draft"),
        data=with_version(
            "tara_chain_draft",
            description="The urge dropped once she was outside.",
            timing="IMMEDIATE",
            locus="SELF",
        ),
    ),
    Row(
        "api-chain-analysis-consequence-detail",
        "DELETE",
        _writes(ok=400, writers=("tara",), seen_by=SEE_PRIVATE),  # 400: no ?version (above)
        a_consequence,
    ),
]
