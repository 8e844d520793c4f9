"""Access rows for the clinical record's pages (cases/urls.py `urlpatterns`).

The matrix posts a JSON body, which a form post does not read: a permitted POST therefore
arrives with an empty form and answers 400 (the form's own validation), never 500 and never a
write. Who may see the object is asked first (404), then who may change it (403), then the form.

In the world, tara_case is Tara's case on Alpha; tara_chain_draft is her draft (read by her and
Alpha's overseers, Lena and Sam, not by Theo) and tara_chain_ready is shared with the team.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.matrix import PAGE, SIGNED_OUT, Row, every

# Reaching a case: Alpha's members; another team, former members and administrators get 404.
CASE_PAGE = every(200, olga=404, fern=404, ada=404, **SIGNED_OUT)
# Writing a case's record (its TIB log, its chain analyses): only its therapist.
CASE_RECORD_FORM = every(403, tara=200, olga=404, fern=404, ada=404, **SIGNED_OUT)
CASE_RECORD_POST = {**CASE_RECORD_FORM, "tara": 400}
# One's own or the team's TIB and self-chains: any member of a team.
OWN_FORM = every(200, fern=403, ada=403, **SIGNED_OUT)
OWN_POST = every(400, fern=403, ada=403, **SIGNED_OUT)
# Opening a case: therapists and team leaders; a supervisor may not.
OPEN_FORM = every(200, sam=403, fern=403, ada=403, **SIGNED_OUT)
OPEN_POST = every(400, sam=403, fern=403, ada=403, **SIGNED_OUT)
# Tara's draft: she and the overseers read it; only she changes it.
DRAFT_PAGE = every(404, tara=200, lena=200, sam=200, **SIGNED_OUT)
DRAFT_POST = every(404, tara=400, lena=403, sam=403, **SIGNED_OUT)
# The chain shared with the team: every member reads it; only Tara changes it.
SHARED_PAGE = CASE_PAGE
SHARED_POST = every(403, tara=400, olga=404, fern=404, ada=404, **SIGNED_OUT)


def case(world: SimpleNamespace) -> dict[str, Any]:
    return {"case_id": world.tara_case.public_id}


def draft(world: SimpleNamespace) -> dict[str, Any]:
    return {"chain_id": world.tara_chain_draft.public_id}


def shared(world: SimpleNamespace) -> dict[str, Any]:
    return {"chain_id": world.tara_chain_ready.public_id}


def first_link(world: SimpleNamespace) -> dict[str, Any]:
    link = world.tara_chain_draft.links.get(position=1)
    return {"chain_id": world.tara_chain_draft.public_id, "link_id": link.public_id}


def a_consequence(world: SimpleNamespace) -> dict[str, Any]:
    """The world has no consequence yet: Tara notes one, through the service, before the row."""
    from cases import services

    chain = world.tara_chain_draft
    chain.refresh_from_db()
    consequence = chain.consequences.first() or services.chain_consequence_add(
        chain=chain,
        by=world.tara,
        expected_version=chain.version,
        description="Relief at once.",
        timing="IMMEDIATE",
        locus="SELF",
    )
    return {"chain_id": chain.public_id, "consequence_id": consequence.public_id}


ROWS: list[Row] = [
    Row("caseload", "GET", PAGE),
    Row("case-new", "GET", OPEN_FORM),
    Row("case-new", "POST", OPEN_POST),
    Row("case-detail", "GET", CASE_PAGE, case),
    # Attendance resets a count: the case's therapist and the team leader.
    Row("case-attended", "POST", {**CASE_RECORD_FORM, "tara": 400, "lena": 400}, case),
    Row("tib-new", "GET", CASE_RECORD_FORM, case),
    Row("tib-new", "POST", CASE_RECORD_POST, case),
    Row("tib-new-own", "GET", OWN_FORM),
    Row("tib-new-own", "POST", OWN_POST),
    Row("chain-new", "GET", CASE_RECORD_FORM, case),
    Row("chain-new", "POST", CASE_RECORD_POST, case),
    Row("chain-new-own", "GET", OWN_FORM),
    Row("chain-new-own", "POST", OWN_POST),
    Row("chain-detail", "GET", DRAFT_PAGE, draft),
    Row("chain-detail", "GET", SHARED_PAGE, shared),
    Row("chain-edit", "POST", DRAFT_POST, draft),
    Row("chain-edit", "POST", SHARED_POST, shared),
    Row("chain-status", "POST", DRAFT_POST, draft),
    Row("chain-status", "POST", SHARED_POST, shared),
    Row("chain-link-add", "POST", DRAFT_POST, draft),
    Row("chain-link-add", "POST", SHARED_POST, shared),
    Row("chain-link-edit", "POST", DRAFT_POST, first_link),
    Row("chain-link-move", "POST", DRAFT_POST, first_link),
    Row("chain-link-delete", "POST", DRAFT_POST, first_link),
    Row("chain-consequence-add", "POST", DRAFT_POST, draft),
    Row("chain-consequence-delete", "POST", DRAFT_POST, a_consequence),
]
