"""The clinical vocabulary of the record: treatment targets, TIB categories, the parts of a
chain analysis. Labels are ours; the codes follow the DBT literature's names."""

from __future__ import annotations

from django.db import models


class Stage(models.TextChoices):
    PRETREATMENT = "PRETREATMENT", "Pre-treatment (orientation and commitment)"
    STAGE_1 = "STAGE_1", "Stage 1 (behavioural control)"
    STAGE_2 = "STAGE_2", "Stage 2 (emotional experiencing)"
    STAGE_3 = "STAGE_3", "Stage 3 (everyday problems of living)"
    STAGE_4 = "STAGE_4", "Stage 4 (capacity for joy and freedom)"


class CaseStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    ON_HOLD = "ON_HOLD", "On hold"
    DISCHARGED = "DISCHARGED", "Discharged"


class TargetLevel(models.TextChoices):
    """Stage 1 target hierarchy, highest priority first."""

    LIFE_THREATENING = "LIFE_THREATENING", "Life-threatening behaviour"
    THERAPY_INTERFERING = "THERAPY_INTERFERING", "Therapy-interfering behaviour"
    QUALITY_OF_LIFE = "QUALITY_OF_LIFE", "Quality-of-life interfering behaviour"
    SKILLS = "SKILLS", "Skills to build"
    NONE = "NONE", "Not a client target"


class Actor(models.TextChoices):
    CLIENT = "CLIENT", "Client"
    THERAPIST = "THERAPIST", "Therapist (my own)"
    TEAM = "TEAM", "The team"


class TIBCategory(models.TextChoices):
    # The client's
    NON_ATTENDING = "NON_ATTENDING", "Missing or leaving sessions"
    NON_COLLABORATIVE = "NON_COLLABORATIVE", "Not working together on the task at hand"
    NON_COMPLIANT = "NON_COMPLIANT", "Not doing agreed tasks (diary card, homework)"
    INTERFERES_WITH_OTHER_CLIENTS = (
        "INTERFERES_WITH_OTHER_CLIENTS",
        "Gets in the way of others' treatment",
    )
    PUSHES_THERAPIST_LIMITS = "PUSHES_THERAPIST_LIMITS", "Goes past the therapist's limits"
    DECREASES_THERAPIST_MOTIVATION = (
        "DECREASES_THERAPIST_MOTIVATION",
        "Wears down the therapist's motivation",
    )
    # The therapist's own
    IMBALANCE_CHANGE_ACCEPTANCE = (
        "IMBALANCE_CHANGE_ACCEPTANCE",
        "Out of balance: change vs acceptance",
    )
    IMBALANCE_FLEXIBILITY_STABILITY = (
        "IMBALANCE_FLEXIBILITY_STABILITY",
        "Out of balance: flexibility vs stability",
    )
    IMBALANCE_NURTURING_DEMANDING = (
        "IMBALANCE_NURTURING_DEMANDING",
        "Out of balance: nurturing vs demanding",
    )
    IMBALANCE_RECIPROCAL_IRREVERENT = (
        "IMBALANCE_RECIPROCAL_IRREVERENT",
        "Out of balance: warm vs irreverent style",
    )
    DISRESPECTFUL = "DISRESPECTFUL", "Disrespectful to the client (late, cancelling, distracted)"
    TARGETING_ERROR = "TARGETING_ERROR", "Working on the wrong target"
    REINFORCING_TARGET_BEHAVIOUR = (
        "REINFORCING_TARGET_BEHAVIOUR",
        "Reinforcing the behaviour we target",
    )
    # The team's
    LATE_OR_ABSENT = "LATE_OR_ABSENT", "Late to or absent from the meeting"
    UNPREPARED = "UNPREPARED", "Came unprepared"
    JUDGMENTAL_OR_PEJORATIVE = "JUDGMENTAL_OR_PEJORATIVE", "Judgmental or pejorative talk"
    POLARIZING = "POLARIZING", "Polarised discussion"
    DEFENSIVE = "DEFENSIVE", "Defensiveness"
    NOT_BRINGING_ITEMS = "NOT_BRINGING_ITEMS", "Not bringing items to team"
    OFF_AGENDA = "OFF_AGENDA", "Drifting off the agenda"


CATEGORIES_BY_ACTOR: dict[str, list[str]] = {
    Actor.CLIENT: [
        TIBCategory.NON_ATTENDING,
        TIBCategory.NON_COLLABORATIVE,
        TIBCategory.NON_COMPLIANT,
        TIBCategory.INTERFERES_WITH_OTHER_CLIENTS,
        TIBCategory.PUSHES_THERAPIST_LIMITS,
        TIBCategory.DECREASES_THERAPIST_MOTIVATION,
    ],
    Actor.THERAPIST: [
        TIBCategory.IMBALANCE_CHANGE_ACCEPTANCE,
        TIBCategory.IMBALANCE_FLEXIBILITY_STABILITY,
        TIBCategory.IMBALANCE_NURTURING_DEMANDING,
        TIBCategory.IMBALANCE_RECIPROCAL_IRREVERENT,
        TIBCategory.DISRESPECTFUL,
        TIBCategory.TARGETING_ERROR,
        TIBCategory.REINFORCING_TARGET_BEHAVIOUR,
    ],
    Actor.TEAM: [
        TIBCategory.LATE_OR_ABSENT,
        TIBCategory.UNPREPARED,
        TIBCategory.JUDGMENTAL_OR_PEJORATIVE,
        TIBCategory.POLARIZING,
        TIBCategory.DEFENSIVE,
        TIBCategory.NOT_BRINGING_ITEMS,
        TIBCategory.OFF_AGENDA,
    ],
}


class Setting(models.TextChoices):
    INDIVIDUAL_SESSION = "INDIVIDUAL_SESSION", "Individual session"
    SKILLS_GROUP = "SKILLS_GROUP", "Skills group"
    PHONE_COACHING = "PHONE_COACHING", "Phone coaching"
    BETWEEN_SESSIONS = "BETWEEN_SESSIONS", "Between sessions"
    TEAM_MEETING = "TEAM_MEETING", "Team meeting"


# Modes with scheduled sessions, where missed sessions in a row are counted.
SESSION_MODES = [Setting.INDIVIDUAL_SESSION, Setting.SKILLS_GROUP]
MISSED_IN_A_ROW_WARNING = 3  # many programmes end the treatment contract at four in a row


class TIBStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    TARGETED = "TARGETED", "Being targeted"
    IMPROVING = "IMPROVING", "Improving"
    RESOLVED = "RESOLVED", "Resolved"


class ChainSubject(models.TextChoices):
    CLIENT_BEHAVIOR = "CLIENT_BEHAVIOR", "A client's behaviour"
    THERAPIST_BEHAVIOR = "THERAPIST_BEHAVIOR", "My own behaviour as a therapist"


class ChainKind(models.TextChoices):
    BEHAVIOR_CHAIN = "BEHAVIOR_CHAIN", "Behaviour chain (something that happened)"
    MISSING_LINKS = (
        "MISSING_LINKS",
        "Missing links (something that should have happened and did not)",
    )


class ChainStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    READY_FOR_TEAM = "READY_FOR_TEAM", "Ready for team"
    PRESENTED = "PRESENTED", "Presented in team"
    REVIEWED = "REVIEWED", "Reviewed"


SHARED_CHAIN_STATUSES = [ChainStatus.READY_FOR_TEAM, ChainStatus.PRESENTED, ChainStatus.REVIEWED]

# Where an analysis may go from where it is. Only its author shares a draft with the team: no
# one else can move a draft straight to presented or reviewed (that would share it for them).
CHAIN_STATUS_MOVES: dict[str, set[str]] = {
    ChainStatus.DRAFT: {ChainStatus.READY_FOR_TEAM},
    ChainStatus.READY_FOR_TEAM: {ChainStatus.DRAFT, ChainStatus.PRESENTED, ChainStatus.REVIEWED},
    ChainStatus.PRESENTED: {ChainStatus.REVIEWED},
    ChainStatus.REVIEWED: set(),
}


class Vulnerability(models.TextChoices):
    PHYSICAL_ILLNESS_OR_PAIN = "PHYSICAL_ILLNESS_OR_PAIN", "Physical illness or pain"
    SLEEP = "SLEEP", "Too little or too much sleep"
    EATING = "EATING", "Not eating, or eating too much"
    SUBSTANCE_OR_MEDICATION = "SUBSTANCE_OR_MEDICATION", "Alcohol, drugs or medication"
    STRESSFUL_EVENT = "STRESSFUL_EVENT", "Stressful events around it"
    INTENSE_EMOTION = "INTENSE_EMOTION", "Strong emotions already present"
    PRIOR_OWN_BEHAVIOR = "PRIOR_OWN_BEHAVIOR", "Something the person did earlier"
    OTHER = "OTHER", "Something else"


class LinkKind(models.TextChoices):
    THOUGHT = "THOUGHT", "Thought"
    EMOTION = "EMOTION", "Emotion"
    BODY_SENSATION = "BODY_SENSATION", "Body sensation"
    URGE = "URGE", "Urge"
    ACTION = "ACTION", "Action"
    EVENT = "EVENT", "Event"


class SolutionType(models.TextChoices):
    SKILL = "SKILL", "A DBT skill"
    EXPOSURE = "EXPOSURE", "Exposure"
    CONTINGENCY_MANAGEMENT = "CONTINGENCY_MANAGEMENT", "Contingency management"
    COGNITIVE_MODIFICATION = "COGNITIVE_MODIFICATION", "Cognitive modification"
    ENVIRONMENT_CHANGE = "ENVIRONMENT_CHANGE", "Changing the environment"


class SkillModule(models.TextChoices):
    MINDFULNESS = "MINDFULNESS", "Mindfulness"
    DISTRESS_TOLERANCE = "DISTRESS_TOLERANCE", "Distress tolerance"
    EMOTION_REGULATION = "EMOTION_REGULATION", "Emotion regulation"
    INTERPERSONAL_EFFECTIVENESS = "INTERPERSONAL_EFFECTIVENESS", "Interpersonal effectiveness"


class ConsequenceTiming(models.TextChoices):
    IMMEDIATE = "IMMEDIATE", "Right away"
    DELAYED = "DELAYED", "Later on"


class ConsequenceLocus(models.TextChoices):
    ENVIRONMENT = "ENVIRONMENT", "In the surroundings (other people, circumstances)"
    SELF = "SELF", "In the person (feelings, thoughts, body)"
