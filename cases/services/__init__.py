"""Every write of the clinical record. Each service re-checks its rule, validates the whole
record before saving (a 400 with a message a clinician can act on, never half a record), runs in
one transaction and is audited by the registry in apps.py.

Chain analyses carry a `version`: every change names the version it was made against, and a
change against an older one is refused (409), so two people editing at once never silently
overwrite each other."""

from cases.services.case import (
    CASE_FIELDS,
    case_co_therapist_add,
    case_co_therapist_remove,
    case_open,
    case_update,
)
from cases.services.chain import (
    MAX_LINKS,
    STALE,
    chain_consequence_add,
    chain_consequence_remove,
    chain_link_add,
    chain_link_remove,
    chain_link_update,
    chain_links_reorder,
    chain_reviewer_add,
    chain_set_status,
    chain_start,
    chain_update,
)
from cases.services.citations import cite, resolve_citations
from cases.services.emergency import emergency_access_open, emergency_access_review
from cases.services.review import (
    feedback_give,
    review_request,
    review_request_revision,
    review_resubmit,
    review_sign_off,
    review_start,
)
from cases.services.tib import (
    TIB_FIELDS,
    TIBLogged,
    case_session_attended,
    tib_log,
    tib_share_with_team,
    tib_update,
)

__all__ = [
    "CASE_FIELDS",
    "MAX_LINKS",
    "STALE",
    "TIB_FIELDS",
    "TIBLogged",
    "case_co_therapist_add",
    "case_co_therapist_remove",
    "case_open",
    "case_session_attended",
    "case_update",
    "chain_consequence_add",
    "chain_consequence_remove",
    "chain_link_add",
    "chain_link_remove",
    "chain_link_update",
    "chain_links_reorder",
    "chain_reviewer_add",
    "chain_set_status",
    "chain_start",
    "chain_update",
    "cite",
    "emergency_access_open",
    "emergency_access_review",
    "feedback_give",
    "resolve_citations",
    "review_request",
    "review_request_revision",
    "review_resubmit",
    "review_sign_off",
    "review_start",
    "tib_log",
    "tib_share_with_team",
    "tib_update",
]
