"""The clinical record in the API: cases, the TIB log, chain analyses, feedback and reviews,
and emergency access, one module each.

Thin views. Every lookup starts from `visible_to`, so an object the caller may not see answers
404 (nested links and consequences are found through their visible analysis). Each action has
its rule in `rules` (ActionRules refuses an action without one); every write goes through
`cases.services`, which re-checks its own rule (PermissionDenied: 403 for something the caller
can see) and answers with the fresh object. Reading a detail is audited as VIEW.
"""

from cases.api.cases import CaseViewSet
from cases.api.chains import ChainAnalysisViewSet
from cases.api.emergency import EmergencyAccessViewSet
from cases.api.review import FeedbackViewSet, ReviewViewSet
from cases.api.tib import TIBEntryViewSet

__all__ = [
    "CaseViewSet",
    "ChainAnalysisViewSet",
    "EmergencyAccessViewSet",
    "FeedbackViewSet",
    "ReviewViewSet",
    "TIBEntryViewSet",
]
