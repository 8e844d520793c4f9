"""The clinical record: cases known only by a random code, the TIB log, chain analyses,
feedback and reviews, and emergency access, one module each.

Nothing here identifies a client: there is no field for a name, birth date, address, phone,
email or record number, and case codes are random. Every row belongs to exactly one team.
Everything is re-exported here: the migrations and the rest of the code import `cases.models`.
"""

from cases.models.case import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LONG_TEXT,
    REASON_MIN_LENGTH,
    SHORT_TEXT,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    EmergencyAccess,
    MissedSessions,
    at_least_a_sentence,
    new_case_code,
)
from cases.models.chains import (
    ChainAnalysis,
    ChainAnalysisGroupObjectPermission,
    ChainAnalysisUserObjectPermission,
    ChainConsequence,
    ChainLink,
)
from cases.models.review import (
    FEEDBACK_TEXT,
    OPEN_REVIEW_STATUSES,
    Feedback,
    FeedbackBase,
    FeedbackKind,
    ReviewRequest,
    ReviewStatus,
)
from cases.models.tib import TIBEntry

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "FEEDBACK_TEXT",
    "LONG_TEXT",
    "OPEN_REVIEW_STATUSES",
    "REASON_MIN_LENGTH",
    "SHORT_TEXT",
    "Case",
    "CaseGroupObjectPermission",
    "CaseUserObjectPermission",
    "ChainAnalysis",
    "ChainAnalysisGroupObjectPermission",
    "ChainAnalysisUserObjectPermission",
    "ChainConsequence",
    "ChainLink",
    "EmergencyAccess",
    "Feedback",
    "FeedbackBase",
    "FeedbackKind",
    "MissedSessions",
    "ReviewRequest",
    "ReviewStatus",
    "TIBEntry",
    "at_least_a_sentence",
    "new_case_code",
]
