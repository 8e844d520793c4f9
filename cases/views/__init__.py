"""The clinical record's pages. Thin: each view fetches through `visible_to` (404 for what one
may not see), asks a predicate before showing or taking a change (403), and leaves every write
to cases/services.py."""

from cases.views.caseload import case_detail, case_new, case_session_attended, caseload
from cases.views.chains import chain_detail, chain_edit, chain_new, chain_new_own, chain_status
from cases.views.links import (
    chain_consequence_add,
    chain_consequence_delete,
    chain_link_add,
    chain_link_delete,
    chain_link_edit,
    chain_link_move,
)
from cases.views.tib import tib_new, tib_new_own

__all__ = [
    "case_detail",
    "case_new",
    "case_session_attended",
    "caseload",
    "chain_consequence_add",
    "chain_consequence_delete",
    "chain_detail",
    "chain_edit",
    "chain_link_add",
    "chain_link_delete",
    "chain_link_edit",
    "chain_link_move",
    "chain_new",
    "chain_new_own",
    "chain_status",
    "tib_new",
    "tib_new_own",
]
