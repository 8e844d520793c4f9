"""The vocabulary of the weekly meeting: statuses, rotating roles, the parts of an agenda item.
Labels are ours; the codes follow DOMAIN.md section 5.

The order of the members of `Section`, `Urgency` and `ItemType` is the agenda's order (see
`agendas.services.agenda.agenda_for`): reorder them here and the computed agenda follows.
"""

from __future__ import annotations

from django.db import models

from cases.choices import TargetLevel


class MeetingStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", "Scheduled"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


OPEN_MEETING_STATUSES = [MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS]


class LocationKind(models.TextChoices):
    IN_PERSON = "IN_PERSON", "In person"
    VIDEO = "VIDEO", "Video call"
    HYBRID = "HYBRID", "In person and by video"


class MeetingRole(models.TextChoices):
    MEETING_LEADER = "MEETING_LEADER", "Meeting leader"
    OBSERVER = "OBSERVER", "Observer"
    NOTE_TAKER = "NOTE_TAKER", "Note-taker"
    MINDFULNESS_LEADER = "MINDFULNESS_LEADER", "Mindfulness leader"
    AGREEMENT_READER = "AGREEMENT_READER", "Agreement reader"
    TIMEKEEPER = "TIMEKEEPER", "Timekeeper"


# Rotating unless a team says otherwise (TeamMeetingSettings.rotating_roles).
DEFAULT_ROTATING_ROLES = [
    MeetingRole.MEETING_LEADER.value,
    MeetingRole.OBSERVER.value,
    MeetingRole.NOTE_TAKER.value,
    MeetingRole.MINDFULNESS_LEADER.value,
]


def default_rotating_roles() -> list[str]:
    return list(DEFAULT_ROTATING_ROLES)


class RoleSource(models.TextChoices):
    ROTATION = "ROTATION", "By rotation"
    MANUAL = "MANUAL", "Assigned by the team leader"
    SWAP = "SWAP", "Swapped between members"


class AttendanceStatus(models.TextChoices):
    PRESENT = "PRESENT", "Present"
    LATE = "LATE", "Late"
    ABSENT_NOTIFIED = "ABSENT_NOTIFIED", "Absent, sent notice"
    ABSENT_UNNOTIFIED = "ABSENT_UNNOTIFIED", "Absent without notice"


class Section(models.TextChoices):
    OPENING = "OPENING", "Opening (mindfulness, agreement)"
    WINS = "WINS", "Wins"
    FOLLOW_UP = "FOLLOW_UP", "Follow-ups"
    CONSULTATION = "CONSULTATION", "Consultation requests"
    ADMIN = "ADMIN", "Admin"
    CLOSING = "CLOSING", "Close"


class ItemType(models.TextChoices):
    WIN = "WIN", "A win to share"
    CONSULTATION_REQUEST = "CONSULTATION_REQUEST", "Consultation request"
    CLIENT_TIB = "CLIENT_TIB", "A client's therapy-interfering behaviour"
    THERAPIST_TIB = "THERAPIST_TIB", "My own therapy-interfering behaviour"
    TEAM_INTERFERING = "TEAM_INTERFERING", "Something getting in the team's way"
    BURNOUT_SUPPORT = "BURNOUT_SUPPORT", "Support for a therapist (burnout)"
    VIDEO_REVIEW = "VIDEO_REVIEW", "Session recording to review"
    DIDACTIC = "DIDACTIC", "Teaching or a reading"
    FOLLOW_UP = "FOLLOW_UP", "Follow-up from an earlier meeting"
    ADMIN = "ADMIN", "Admin"


class Urgency(models.TextChoices):
    IMMINENT = "IMMINENT", "Imminent risk"
    SINCE_LAST_MEETING = "SINCE_LAST_MEETING", "Happened since the last meeting"
    ONGOING_PATTERN = "ONGOING_PATTERN", "An ongoing pattern"
    HISTORICAL = "HISTORICAL", "Something from the past"


class HelpWanted(models.TextChoices):
    ASSESSMENT = "ASSESSMENT", "Help assessing what is going on"
    SOLUTIONS = "SOLUTIONS", "Ideas for what to do"
    VALIDATION_SUPPORT = "VALIDATION_SUPPORT", "Validation and support"
    INFORMATION = "INFORMATION", "Information"
    ACCOUNTABILITY = "ACCOUNTABILITY", "Someone to hold me to it"


class ItemStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    SUBMITTED = "SUBMITTED", "Submitted"
    SCHEDULED = "SCHEDULED", "On the agenda"
    DISCUSSED = "DISCUSSED", "Discussed"
    DEFERRED = "DEFERRED", "Deferred to the next meeting"
    CARRIED_OVER = "CARRIED_OVER", "Carried over to the next meeting"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


# Items still waiting for their turn: what the agenda shows and times.
WAITING_ITEM_STATUSES = [ItemStatus.DRAFT, ItemStatus.SUBMITTED, ItemStatus.SCHEDULED]
# Items that are done with at completion; every other one is carried to the next meeting.
SETTLED_ITEM_STATUSES = [ItemStatus.DISCUSSED, ItemStatus.WITHDRAWN, ItemStatus.CARRIED_OVER]


class ActionStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    DONE = "DONE", "Done"
    CARRIED_OVER = "CARRIED_OVER", "Carried over to the next meeting"
    DROPPED = "DROPPED", "Dropped"


class FlagReason(models.TextChoices):
    JUDGMENTAL_LANGUAGE = "JUDGMENTAL_LANGUAGE", "Judgmental language"
    PEJORATIVE_LABEL = "PEJORATIVE_LABEL", "A pejorative label"
    NON_DIALECTICAL = "NON_DIALECTICAL", "Stuck on one side (not dialectical)"
    DEFENSIVENESS = "DEFENSIVENESS", "Defensiveness"
    PROBLEM_SOLVING_WITHOUT_ASSESSMENT = (
        "PROBLEM_SOLVING_WITHOUT_ASSESSMENT",
        "Solutions offered before the problem was assessed",
    )
    INVALIDATION = "INVALIDATION", "Invalidation"
    FRAGILIZING = "FRAGILIZING", "Treating someone as fragile"
    GO_BETWEEN = "GO_BETWEEN", "Acting as a go-between"
    OFF_AGENDA = "OFF_AGENDA", "Off the agenda"
    TIME_OVERRUN = "TIME_OVERRUN", "Over the time box"
    OTHER = "OTHER", "Something else"


def rank(vocabulary: type[models.TextChoices]) -> dict[str, int]:
    """Each code's place in its vocabulary: the sort key of the computed agenda."""
    return {code: index for index, code in enumerate(vocabulary.values)}


SECTION_RANK = rank(Section)
TARGET_RANK = rank(TargetLevel)  # LIFE_THREATENING first, NONE last
URGENCY_RANK = rank(Urgency)  # IMMINENT first
TYPE_RANK = rank(ItemType)
