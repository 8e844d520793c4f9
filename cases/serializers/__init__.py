"""Shapes of the clinical record in the API: validation of what comes in, rendering of what
goes out, one module per topic. Nothing here writes: the views hand validated data to
`cases.services`.

Input serializers check shape only (choices, lengths, dates, ranges) and refuse fields they do
not know, so a typo is a 400 rather than a change silently dropped. Rules that need the record
(a category of the wrong actor, a date in the future, a position past the end, a stale
version) are the services' to enforce. Related objects are rendered by their public ids.
"""

from cases.serializers.cases import (
    AttendedInput,
    CaseDetailSerializer,
    CaseOpenInput,
    CaseSerializer,
    CaseUpdateInput,
    CoTherapistInput,
    MissedInARowSerializer,
    PersonSerializer,
)
from cases.serializers.chains import (
    ChainAnalysisListSerializer,
    ChainAnalysisSerializer,
    ChainConsequenceAddInput,
    ChainConsequenceSerializer,
    ChainLinkAddInput,
    ChainLinkFieldsInput,
    ChainLinkSerializer,
    ChainLinksReorderInput,
    ChainLinkUpdateInput,
    ChainStartInput,
    ChainStatusInput,
    ChainUpdateInput,
    ChainWorksheetInput,
    VersionQuery,
)
from cases.serializers.fields import CitedCodes, MonthField, with_citations
from cases.serializers.tib import (
    TIBEntrySerializer,
    TIBLoggedSerializer,
    TIBLogInput,
    TIBUpdateInput,
)

__all__ = [
    "AttendedInput",
    "CaseDetailSerializer",
    "CaseOpenInput",
    "CaseSerializer",
    "CaseUpdateInput",
    "ChainAnalysisListSerializer",
    "ChainAnalysisSerializer",
    "ChainConsequenceAddInput",
    "ChainConsequenceSerializer",
    "ChainLinkAddInput",
    "ChainLinkFieldsInput",
    "ChainLinkSerializer",
    "ChainLinkUpdateInput",
    "ChainLinksReorderInput",
    "ChainStartInput",
    "ChainStatusInput",
    "ChainUpdateInput",
    "ChainWorksheetInput",
    "CitedCodes",
    "CoTherapistInput",
    "MissedInARowSerializer",
    "MonthField",
    "PersonSerializer",
    "TIBEntrySerializer",
    "TIBLogInput",
    "TIBLoggedSerializer",
    "TIBUpdateInput",
    "VersionQuery",
    "with_citations",
]
