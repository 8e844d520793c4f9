"""Fictional demo clinical record: cases, TIB entries and chain analyses for the demo therapists.

Everything is invented and written as behaviour someone could have observed, without labels or
judgments. Free text holds no names, dates, places or identifiers; every date is counted back
from its writer's today, so the charts always show recent weeks and nothing lies in the future
where that person is.

All writes go through `cases.services`, acting as the demo user who would have made them, so
the usual rules and the audit trail apply exactly as for a clinician using the app.

Idempotency: case codes are random, so a demo case has no stable key to look it up by, and the
record has no field where a "demo" marker could live without being shown to clinicians. The
unit of loading is therefore one therapist's whole clinical demo (their cases, TIB log and
chain analyses), written in one transaction: it is loaded only if that therapist has nothing
in the team's record yet (no case as primary therapist, no TIB entry, no chain analysis). A
team's own TIB entries are loaded only if the team has none. Once loaded, a demo record is the
clinician's to change; a second run leaves it alone rather than restoring it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from cases.choices import (
    Actor,
    CaseStatus,
    ChainKind,
    ChainStatus,
    ChainSubject,
    ConsequenceLocus,
    ConsequenceTiming,
    LinkKind,
    Setting,
    SkillModule,
    SolutionType,
    Stage,
    TargetLevel,
    TIBCategory,
    TIBStatus,
    Vulnerability,
)
from cases.models import CHAIN_FIELDS, Case, ChainAnalysis, TIBEntry
from cases.services import (
    case_open,
    case_session_attended,
    case_update,
    chain_consequence_add,
    chain_link_add,
    chain_set_status,
    chain_start,
    tib_log,
    tib_share_with_team,
)
from consultteam.accounts.models import User
from consultteam.accounts.time_zones import person_today
from consultteam.audit.context import acting
from consultteam.teams.models import Membership, Role, Team

# --- The shape of the data ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoTIB:
    days_ago: int
    category: TIBCategory
    setting: Setting
    description: str
    count: int = 1
    status: TIBStatus = TIBStatus.OPEN
    shared: bool = False  # brought to team: teammates may read it


@dataclass(frozen=True)
class DemoLink:
    kind: LinkKind
    description: str
    solution: SolutionType
    replacement: str
    module: SkillModule | None = None  # only for a skill
    intensity: int | None = None


@dataclass(frozen=True)
class DemoConsequence:
    timing: ConsequenceTiming
    locus: ConsequenceLocus
    description: str


@dataclass(frozen=True)
class DemoChain:
    kind: ChainKind
    days_ago: int
    target_level: TargetLevel
    problem_behavior: str
    status: ChainStatus = ChainStatus.DRAFT
    intensity: int | None = None
    prompting_event: str = ""
    prompting_event_started: str = ""
    vulnerabilities: tuple[Vulnerability, ...] = ()
    vulnerability_notes: str = ""
    links: tuple[DemoLink, ...] = ()
    consequences: tuple[DemoConsequence, ...] = ()
    prevention_plan: str = ""
    repair: str = ""
    commitment: str = ""
    # Missing-links analyses: the four questions, in order.
    knew_what_was_needed: bool | None = None
    knowing_barrier: str = ""
    was_willing: bool | None = None
    willingness_barrier: str = ""
    thought_occurred: bool | None = None
    thought_barrier: str = ""
    what_got_in_the_way: str = ""
    problem_solving_plan: str = ""

    def worksheet(self) -> dict[str, object]:
        """The worksheet fields `chain_start` takes besides the behaviour and its date, as the
        worksheet lists them (cases.models.CHAIN_FIELDS)."""
        given = {"problem_behavior", "behavior_on"}
        fields = {name: getattr(self, name) for name in CHAIN_FIELDS if name not in given}
        fields["vulnerabilities"] = [str(code) for code in self.vulnerabilities]
        return fields


@dataclass(frozen=True)
class DemoCase:
    stage: Stage
    opened_months_ago: int
    tibs: tuple[DemoTIB, ...]
    chains: tuple[DemoChain, ...] = ()
    status: CaseStatus = CaseStatus.ACTIVE
    # Modes the client attended after the last TIB logged: their missed-in-a-row tally resets.
    attended_since: tuple[Setting, ...] = ()


@dataclass(frozen=True)
class DemoTherapist:
    email: str
    team: str
    cases: tuple[DemoCase, ...]
    own_tib: DemoTIB
    self_chain: DemoChain


@dataclass(frozen=True)
class DemoTeamRecord:
    team: str
    author: str  # the member who logs the team's TIB entries
    tibs: tuple[DemoTIB, ...] = ()


# Short names for the vocabulary, so the data below reads as data.
C, T, P = TIBCategory, TIBStatus, Setting
L, S, M = LinkKind, SolutionType, SkillModule
NOW, LATER = ConsequenceTiming.IMMEDIATE, ConsequenceTiming.DELAYED
ENV, SELF = ConsequenceLocus.ENVIRONMENT, ConsequenceLocus.SELF
V = Vulnerability


# --- Alpha Team: the first therapist --------------------------------------------------------------

_ALPHA_ONE_CALLS = DemoCase(
    stage=Stage.STAGE_1,
    opened_months_ago=8,
    tibs=(
        DemoTIB(
            66,
            C.PUSHES_THERAPIST_LIMITS,
            P.BETWEEN_SESSIONS,
            "Sent 11 text messages to the therapist's work phone over one weekend, outside the "
            "agreed coaching hours; none of them asked for help with a skill.",
            count=11,
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            52,
            C.NON_COMPLIANT,
            P.INDIVIDUAL_SESSION,
            "Arrived without a diary card and filled in the week from memory during the first "
            "10 minutes of the session.",
            status=T.RESOLVED,
        ),
        DemoTIB(
            45,
            C.PUSHES_THERAPIST_LIMITS,
            P.PHONE_COACHING,
            "Phoned the on-call line 9 times between 10 pm and 1 am; hung up within a minute on "
            "6 of the calls, before a skill had been named.",
            count=9,
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            31,
            C.NON_COLLABORATIVE,
            P.INDIVIDUAL_SESSION,
            "When the therapist started the chain analysis of the late calls, looked at the floor "
            "and answered 'I don't know' to each question for about 20 minutes.",
            status=T.IMPROVING,
        ),
        DemoTIB(
            17,
            C.PUSHES_THERAPIST_LIMITS,
            P.PHONE_COACHING,
            "Phoned the coaching line 3 times after 11 pm in one week; each call ended once a "
            "skill had been agreed.",
            count=3,
            status=T.IMPROVING,
            shared=True,
        ),
        DemoTIB(
            4,
            C.DECREASES_THERAPIST_MOTIVATION,
            P.INDIVIDUAL_SESSION,
            "Said 'nothing you suggest works' four times while the therapist went through the "
            "skills card, then sat without speaking for the last 15 minutes.",
        ),
    ),
    chains=(
        DemoChain(
            kind=ChainKind.BEHAVIOR_CHAIN,
            days_ago=45,
            target_level=TargetLevel.THERAPY_INTERFERING,
            status=ChainStatus.PRESENTED,
            problem_behavior=(
                "Phoned the on-call line 9 times between 10 pm and 1 am; hung up within a "
                "minute on 6 of the calls, before a skill had been named."
            ),
            intensity=8,
            prompting_event=(
                "A text from a family member cancelling a planned visit arrived in the evening."
            ),
            prompting_event_started="Around 9:30 pm, half an hour before the first call.",
            vulnerabilities=(V.SLEEP, V.EATING, V.INTENSE_EMOTION),
            vulnerability_notes=(
                "About four hours of sleep the night before; had skipped dinner; had been on "
                "their own since the early afternoon and already felt low."
            ),
            links=(
                DemoLink(
                    L.EVENT,
                    "Read the cancellation text twice and put the phone face down.",
                    S.SKILL,
                    "Name the feeling out loud and rate it before doing anything else.",
                    module=M.MINDFULNESS,
                ),
                DemoLink(
                    L.THOUGHT,
                    "'Nobody is going to be there for me tonight.'",
                    S.COGNITIVE_MODIFICATION,
                    "Check the facts: write down two people who can be reached tonight and the "
                    "hours the coaching line is open.",
                    intensity=7,
                ),
                DemoLink(
                    L.EMOTION,
                    "Sadness, then panic, rated 8.",
                    S.SKILL,
                    "Ride the wave of the emotion for ten minutes with the audio practice from "
                    "group, without acting on it.",
                    module=M.EMOTION_REGULATION,
                    intensity=8,
                ),
                DemoLink(
                    L.BODY_SENSATION,
                    "Tight chest, shaking hands, racing heart.",
                    S.SKILL,
                    "Cold water on the face, then slow breathing with longer out-breaths for "
                    "five minutes.",
                    module=M.DISTRESS_TOLERANCE,
                    intensity=7,
                ),
                DemoLink(
                    L.URGE,
                    "Urge to hear the therapist's voice straight away, rated 9.",
                    S.CONTINGENCY_MANAGEMENT,
                    "Keep to the coaching agreement: one call that names the skill wanted; a "
                    "second call once that skill has been tried.",
                    intensity=9,
                ),
                DemoLink(
                    L.ACTION,
                    "Dialled the line, hung up when the voicemail greeting began, and redialled "
                    "within a minute, again and again.",
                    S.ENVIRONMENT_CHANGE,
                    "Keep the crisis-skills card beside the phone; after one voicemail, put the "
                    "phone in another room and work through the card while waiting.",
                ),
            ),
            consequences=(
                DemoConsequence(NOW, SELF, "Panic eased for a few minutes each time it rang."),
                DemoConsequence(
                    NOW,
                    ENV,
                    "The therapist called back after the fourth attempt and stayed on the line "
                    "for about 40 minutes.",
                ),
                DemoConsequence(
                    LATER,
                    SELF,
                    "Woke tired and embarrassed and put off the skills homework planned for the "
                    "morning.",
                ),
                DemoConsequence(
                    LATER,
                    ENV,
                    "The therapist proposed going over the coaching agreement together in the "
                    "next session.",
                ),
            ),
            prevention_plan=(
                "Write an evening plan in session: the skills card by the phone, one coaching "
                "call that names a skill, and a check-in message to a friend agreed in advance."
            ),
            repair=(
                "Opened the next session by describing the calls and asked to rework the "
                "coaching agreement together."
            ),
            commitment=(
                "Try the skills card for ten minutes before any call after 10 pm, for the next "
                "two weeks, and bring the card to session."
            ),
        ),
    ),
)

_ALPHA_ONE_GROUP = DemoCase(
    stage=Stage.STAGE_1,
    opened_months_ago=5,
    tibs=(
        DemoTIB(
            63,
            C.NON_ATTENDING,
            P.SKILLS_GROUP,
            "Did not come to skills group; sent a message to the group leader an hour after it "
            "had ended.",
            status=T.RESOLVED,
        ),
        DemoTIB(
            56,
            C.INTERFERES_WITH_OTHER_CLIENTS,
            P.SKILLS_GROUP,
            "During the check-in, described a recent self-harm episode in detail for about 5 "
            "minutes; two members left the room and the leaders paused the group.",
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            38,
            C.NON_COMPLIANT,
            P.INDIVIDUAL_SESSION,
            "Brought a diary card with 2 of the 7 days filled in, for the fourth week in a row.",
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            24,
            C.NON_COMPLIANT,
            P.SKILLS_GROUP,
            "Did not do the homework sheet for the emotion regulation module; during homework "
            "review said they were unsure which skill had been set.",
        ),
        DemoTIB(
            10,
            C.NON_ATTENDING,
            P.SKILLS_GROUP,
            "Left skills group at the break, about 50 minutes in, straight after the homework "
            "review, and did not come back for the second half.",
        ),
    ),
    attended_since=(P.SKILLS_GROUP,),
    chains=(
        DemoChain(
            kind=ChainKind.MISSING_LINKS,
            days_ago=38,
            target_level=TargetLevel.THERAPY_INTERFERING,
            problem_behavior=(
                "Did not fill in the diary card on 5 of the 7 days before the individual session."
            ),
            knew_what_was_needed=True,
            was_willing=True,
            thought_occurred=False,
            thought_barrier=(
                "The card stays in a bag by the door; on working evenings it did not come to "
                "mind until the next morning."
            ),
            what_got_in_the_way=(
                "Evening shifts with no fixed bedtime routine. On the two days it was filled "
                "in, the card had been left out on the kitchen table."
            ),
            problem_solving_plan=(
                "Keep the card next to the toothbrush and fill it in straight after brushing "
                "teeth; set a phone reminder for 10 pm; bring the card whatever is on it, so a "
                "partly filled card is reviewed too."
            ),
            commitment=(
                "Try the new place and the reminder for two weeks and report back on what worked."
            ),
        ),
    ),
)

ALPHA_ONE = DemoTherapist(
    email="therapist@alpha.example",
    team="Alpha Team",
    cases=(_ALPHA_ONE_CALLS, _ALPHA_ONE_GROUP),
    own_tib=DemoTIB(
        44,
        C.IMBALANCE_NURTURING_DEMANDING,
        P.PHONE_COACHING,
        "Stayed on 3 late coaching calls for 30 to 40 minutes each, well past the agreed 10, "
        "and suggested most of the solutions myself instead of asking which skill had been "
        "tried.",
        count=3,
        status=T.TARGETED,
        shared=True,
    ),
    self_chain=DemoChain(
        kind=ChainKind.BEHAVIOR_CHAIN,
        days_ago=45,
        target_level=TargetLevel.THERAPY_INTERFERING,
        status=ChainStatus.READY_FOR_TEAM,
        problem_behavior=(
            "Returned a client's fourth call at about 11 pm and stayed on the line for 40 "
            "minutes, doing most of the problem solving, where the coaching agreement is one "
            "short call about one skill."
        ),
        intensity=6,
        prompting_event="The fourth missed call appeared on my phone as I was getting ready "
        "for bed.",
        prompting_event_started="Around 11 pm, after three missed calls in the hour before.",
        vulnerabilities=(V.SLEEP, V.STRESSFUL_EVENT, V.INTENSE_EMOTION),
        vulnerability_notes=(
            "A full clinical day with two risk assessments; had slept badly the night before; "
            "had been worried about this client since the last session."
        ),
        links=(
            DemoLink(
                L.EVENT,
                "Saw the fourth missed call and the voicemail icon.",
                S.SKILL,
                "Pause, notice the pull to call back at once, and describe it to myself before "
                "acting.",
                module=M.MINDFULNESS,
            ),
            DemoLink(
                L.THOUGHT,
                "'If I do not call back now and something happens, it is on me.'",
                S.COGNITIVE_MODIFICATION,
                "Recall what the crisis plan says about risk outside coaching hours, and that "
                "the plan was made with the client for exactly this.",
                intensity=7,
            ),
            DemoLink(
                L.EMOTION,
                "Fear, rated 7, with guilt underneath it.",
                S.SKILL,
                "Check the facts behind the fear: listen to the voicemail first and assess "
                "risk, then decide.",
                module=M.EMOTION_REGULATION,
                intensity=7,
            ),
            DemoLink(
                L.URGE,
                "Urge to call straight back and to stay on until the client sounded calm.",
                S.SKILL,
                "Weigh the pros and cons of a long call against the short one we agreed, and "
                "call back for the agreed length.",
                module=M.DISTRESS_TOLERANCE,
                intensity=8,
            ),
            DemoLink(
                L.ACTION,
                "Called back and, when asked for more, kept offering solutions instead of "
                "asking what had been tried.",
                S.SKILL,
                "Say at the start how long the call will be and which skill it is for; close "
                "the call warmly at that point.",
                module=M.INTERPERSONAL_EFFECTIVENESS,
            ),
            DemoLink(
                L.ACTION,
                "Stayed on the line for 40 minutes and went to bed after midnight.",
                S.CONTINGENCY_MANAGEMENT,
                "End the call once a skill is agreed and offer a longer review in the next "
                "session, so skill use rather than distress earns more time.",
            ),
        ),
        consequences=(
            DemoConsequence(NOW, SELF, "Relief once the client's voice calmed down."),
            DemoConsequence(
                NOW, ENV, "The client thanked me and asked whether they could call again."
            ),
            DemoConsequence(LATER, SELF, "Tired and short-tempered in the first session next day."),
            DemoConsequence(
                LATER,
                ENV,
                "The client phoned late on the next two evenings, for longer each time.",
            ),
        ),
        prevention_plan=(
            "Bring the coaching agreement to team; agree a written plan for late calls with "
            "the client; run a timer during coaching calls; ask the team for help with the fear "
            "that comes up at night."
        ),
        repair=(
            "Told the client in session that I had stayed on longer than we agreed, and that I "
            "want to keep coaching calls short so that I can keep offering them."
        ),
        commitment=(
            "Keep coaching calls to about 10 minutes for the next month and bring any call that "
            "runs over to team."
        ),
    ),
)


# --- Alpha Team: the second therapist -------------------------------------------------------------

_ALPHA_TWO_MISSED = DemoCase(
    stage=Stage.STAGE_1,
    opened_months_ago=4,
    tibs=(
        DemoTIB(
            60,
            C.NON_COLLABORATIVE,
            P.INDIVIDUAL_SESSION,
            "Changed the subject each time the diary card showed an urge rated 4 or above, "
            "about 5 times in the session.",
            status=T.IMPROVING,
        ),
        DemoTIB(
            47,
            C.PUSHES_THERAPIST_LIMITS,
            P.BETWEEN_SESSIONS,
            "Sent 4 long messages in one day asking to move the session time, each before the "
            "previous one had been answered.",
            count=4,
            status=T.RESOLVED,
        ),
        DemoTIB(
            21,
            C.NON_ATTENDING,
            P.INDIVIDUAL_SESSION,
            "Did not come to the individual session, with no call or message beforehand; the "
            "therapist's message after 15 minutes went unanswered that day.",
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            14,
            C.NON_ATTENDING,
            P.INDIVIDUAL_SESSION,
            "Did not come to the individual session; answered the therapist's message two days "
            "later with 'sorry, bad week'.",
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            7,
            C.NON_ATTENDING,
            P.INDIVIDUAL_SESSION,
            "Did not come to the individual session, the third week in a row; the therapist's "
            "call went to voicemail and the client wrote back that evening asking to talk.",
            shared=True,
        ),
    ),
    chains=(
        DemoChain(
            kind=ChainKind.MISSING_LINKS,
            days_ago=14,
            target_level=TargetLevel.THERAPY_INTERFERING,
            status=ChainStatus.READY_FOR_TEAM,
            problem_behavior=(
                "Did not call or send a message to cancel before missing the individual session."
            ),
            knew_what_was_needed=True,
            was_willing=False,
            willingness_barrier=(
                "Expected the therapist to sound disappointed; sending the message felt like "
                "admitting that the week had gone badly."
            ),
            thought_occurred=True,
            what_got_in_the_way=(
                "Slept through the alarm after a late shift; by the time they woke the session "
                "had started, and a late message felt worse than none."
            ),
            problem_solving_plan=(
                "Agree a one-line message the client can send without explaining, even after "
                "the start time; the therapist answers with the next session time only. Look "
                "at the late-shift weeks and move the session to the afternoon where possible."
            ),
            commitment=(
                "The client agreed to send the short message for any missed session, even "
                "afterwards; the therapist will bring the missed sessions to team before a "
                "fourth."
            ),
        ),
    ),
)

_ALPHA_TWO_WALKOUT = DemoCase(
    stage=Stage.STAGE_1,
    opened_months_ago=9,
    tibs=(
        DemoTIB(
            70,
            C.NON_COLLABORATIVE,
            P.INDIVIDUAL_SESSION,
            "Answered questions about the week in one word for the first half of the session "
            "and asked to finish early.",
            status=T.RESOLVED,
        ),
        DemoTIB(
            49,
            C.NON_ATTENDING,
            P.INDIVIDUAL_SESSION,
            "Left the session about 20 minutes early when the therapist asked to look at a day "
            "on the diary card with an urge rated 5; walked out without saying anything.",
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            35,
            C.DECREASES_THERAPIST_MOTIVATION,
            P.PHONE_COACHING,
            "Called for coaching, said no skill would help, and ended the call after 2 minutes, "
            "on 3 evenings that week.",
            count=3,
            status=T.IMPROVING,
        ),
        DemoTIB(
            12,
            C.INTERFERES_WITH_OTHER_CLIENTS,
            P.SKILLS_GROUP,
            "Talked with the neighbouring member during 3 homework reviews; one member stopped "
            "partway and asked to go last.",
        ),
    ),
    attended_since=(P.INDIVIDUAL_SESSION,),
    chains=(
        DemoChain(
            kind=ChainKind.BEHAVIOR_CHAIN,
            days_ago=49,
            target_level=TargetLevel.THERAPY_INTERFERING,
            problem_behavior=(
                "Left the individual session about 20 minutes early: stood up, took their coat "
                "and walked out without speaking, after the therapist asked to look at a day on "
                "the diary card with a self-harm urge rated 5."
            ),
            intensity=7,
            prompting_event="The therapist asked to go through one day of the diary card in "
            "detail.",
            prompting_event_started="About 30 minutes into the session.",
            vulnerabilities=(V.PHYSICAL_ILLNESS_OR_PAIN, V.STRESSFUL_EVENT, V.INTENSE_EMOTION),
            vulnerability_notes=(
                "A headache since the morning; a tense conversation at home just before leaving "
                "for the session; had been dreading the diary-card review on the way in."
            ),
            links=(
                DemoLink(
                    L.EVENT,
                    "The therapist pointed to the day with the urge rated 5 and asked what "
                    "happened first.",
                    S.ENVIRONMENT_CHANGE,
                    "Agree at the start of each session how the diary-card review will go, and "
                    "that asking for a pause is welcome.",
                ),
                DemoLink(
                    L.BODY_SENSATION,
                    "Hot face, tight throat, a dropping feeling in the stomach.",
                    S.SKILL,
                    "Slow breathing with longer out-breaths while holding something cold.",
                    module=M.DISTRESS_TOLERANCE,
                    intensity=6,
                ),
                DemoLink(
                    L.EMOTION,
                    "Shame, rated 8.",
                    S.EXPOSURE,
                    "Describe the day in small steps, with the therapist pacing it, staying "
                    "with the shame a little longer each time.",
                    intensity=8,
                ),
                DemoLink(
                    L.THOUGHT,
                    "'If I say what happened, they will see how bad it is.'",
                    S.COGNITIVE_MODIFICATION,
                    "Say the thought out loud and check it against how earlier reviews went: "
                    "they ended in problem solving, not criticism.",
                ),
                DemoLink(
                    L.URGE,
                    "Urge to get out of the room, rated 9.",
                    S.SKILL,
                    "Act opposite to the shame: stay seated, keep looking up, and say one true "
                    "sentence about the day.",
                    module=M.EMOTION_REGULATION,
                    intensity=9,
                ),
                DemoLink(
                    L.ACTION,
                    "Stood up, took their coat and walked out without speaking.",
                    S.SKILL,
                    "Ask for what is needed: a short break, ten minutes on another topic, or "
                    "writing it down instead of saying it.",
                    module=M.INTERPERSONAL_EFFECTIVENESS,
                ),
            ),
            consequences=(
                DemoConsequence(NOW, SELF, "The shame dropped sharply once outside."),
                DemoConsequence(NOW, ENV, "The day on the diary card was not discussed."),
                DemoConsequence(
                    LATER,
                    SELF,
                    "Felt embarrassed about going back and thought about skipping the next "
                    "session.",
                ),
                DemoConsequence(
                    LATER,
                    ENV,
                    "The therapist sent a short check-in and offered to start the next session "
                    "with a plan for hard topics.",
                ),
            ),
            prevention_plan=(
                "Agree a pause signal; review the hardest diary-card day in short steps; "
                "practise slow breathing in session before the review starts."
            ),
            repair=(
                "Came to the next session, said the walk-out was about shame rather than about "
                "the therapist, and agreed to the pause signal."
            ),
            commitment="Use the pause signal instead of leaving, for the next four sessions.",
        ),
    ),
)

_ALPHA_TWO_ORIENTATION = DemoCase(
    stage=Stage.PRETREATMENT,
    opened_months_ago=2,
    status=CaseStatus.ON_HOLD,
    tibs=(
        DemoTIB(
            40,
            C.NON_COLLABORATIVE,
            P.INDIVIDUAL_SESSION,
            "Did not agree to a target in the second orientation session; answered 'I will "
            "think about it' to each one the therapist proposed.",
        ),
        DemoTIB(
            26,
            C.NON_ATTENDING,
            P.INDIVIDUAL_SESSION,
            "Cancelled the third orientation session by message an hour before it began, "
            "giving a change in working hours as the reason.",
        ),
    ),
)

ALPHA_TWO = DemoTherapist(
    email="therapist2@alpha.example",
    team="Alpha Team",
    cases=(_ALPHA_TWO_MISSED, _ALPHA_TWO_WALKOUT, _ALPHA_TWO_ORIENTATION),
    own_tib=DemoTIB(
        33,
        C.DISRESPECTFUL,
        P.INDIVIDUAL_SESSION,
        "Started 2 individual sessions about 10 minutes late after the appointment before ran "
        "over, and did not name the late start or offer the time back.",
        count=2,
        status=T.IMPROVING,
    ),
    self_chain=DemoChain(
        kind=ChainKind.MISSING_LINKS,
        days_ago=19,
        target_level=TargetLevel.THERAPY_INTERFERING,
        problem_behavior=(
            "Did not reply within the agreed one working day to a client's message asking to "
            "reschedule; replied three days later."
        ),
        knew_what_was_needed=True,
        was_willing=False,
        willingness_barrier=(
            "Rescheduling meant giving up a protected admin slot, and I did not want to lose it."
        ),
        thought_occurred=True,
        what_got_in_the_way=(
            "The message arrived in a week with two extra intakes; I left it unread so it would "
            "not add to the list, and then it slipped."
        ),
        problem_solving_plan=(
            "Block ten minutes at the end of each day for client messages; keep one flexible "
            "slot a week for rescheduling; when I cannot offer a time yet, say that I have seen "
            "the message and when I will reply."
        ),
        commitment="Try the end-of-day block for a month and report back to team.",
    ),
)


# --- Beta Team: its therapist ---------------------------------------------------------------------

_BETA_ONE_HARM = DemoCase(
    stage=Stage.STAGE_1,
    opened_months_ago=6,
    tibs=(
        DemoTIB(
            65,
            C.NON_COMPLIANT,
            P.INDIVIDUAL_SESSION,
            "Brought the crisis plan worksheet agreed in the previous session with only the "
            "first line filled in.",
            status=T.RESOLVED,
        ),
        DemoTIB(
            50,
            C.PUSHES_THERAPIST_LIMITS,
            P.PHONE_COACHING,
            "Phoned for coaching 4 times in one evening after self-harm had already happened, "
            "where the agreement is to call before acting.",
            count=4,
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            29,
            C.NON_COLLABORATIVE,
            P.INDIVIDUAL_SESSION,
            "Declined to start the chain analysis of the self-harm and asked to talk about a "
            "letter instead, for most of the session.",
            status=T.IMPROVING,
            shared=True,
        ),
        DemoTIB(
            9,
            C.NON_ATTENDING,
            P.SKILLS_GROUP,
            "Did not come to skills group; wrote to the group leader the next morning asking "
            "for the handout.",
        ),
    ),
    attended_since=(P.SKILLS_GROUP,),
    chains=(
        DemoChain(
            kind=ChainKind.BEHAVIOR_CHAIN,
            days_ago=30,
            target_level=TargetLevel.LIFE_THREATENING,
            status=ChainStatus.READY_FOR_TEAM,
            problem_behavior=(
                "Scratched the inside of the forearm with a key for about 10 minutes, alone in "
                "their room, until it bled; cleaned and covered the scratches afterwards."
            ),
            intensity=8,
            prompting_event=(
                "A phone call with a family member ended with raised voices and the other "
                "person hanging up."
            ),
            prompting_event_started="Early evening, about an hour before the scratching.",
            vulnerabilities=(V.SLEEP, V.SUBSTANCE_OR_MEDICATION, V.STRESSFUL_EVENT),
            vulnerability_notes=(
                "About four hours of sleep; two glasses of wine with dinner; a letter about "
                "money owed had arrived that morning."
            ),
            links=(
                DemoLink(
                    L.EVENT,
                    "The call ended and the screen went dark.",
                    S.SKILL,
                    "Notice the first sensations and name them without judging them.",
                    module=M.MINDFULNESS,
                ),
                DemoLink(
                    L.THOUGHT,
                    "'I made it worse again.'",
                    S.COGNITIVE_MODIFICATION,
                    "Write the thought down, then one fact from the call that does not fit it.",
                    intensity=7,
                ),
                DemoLink(
                    L.EMOTION,
                    "Shame and anger, rated 8.",
                    S.SKILL,
                    "Ride the wave of the emotion for ten minutes with the practice audio, "
                    "without acting on it.",
                    module=M.EMOTION_REGULATION,
                    intensity=8,
                ),
                DemoLink(
                    L.BODY_SENSATION,
                    "Pressure in the chest, hot face, restless hands.",
                    S.SKILL,
                    "Change body chemistry fast: cold water on the face, then a few minutes of "
                    "hard exercise.",
                    module=M.DISTRESS_TOLERANCE,
                    intensity=7,
                ),
                DemoLink(
                    L.URGE,
                    "Urge to hurt themselves, rated 9; looked at the keys on the desk.",
                    S.ENVIRONMENT_CHANGE,
                    "Keep sharp things out of the bedroom in the evening and the keys in a "
                    "drawer in another room; move to a shared room when the urge starts.",
                    intensity=9,
                ),
                DemoLink(
                    L.ACTION,
                    "Picked up the key and started scratching the forearm.",
                    S.CONTINGENCY_MANAGEMENT,
                    "Coaching is offered before acting, not after: call the coaching line while "
                    "the urge is still rising.",
                ),
                DemoLink(
                    L.ACTION,
                    "Kept scratching for about 10 minutes and stopped when it bled.",
                    S.SKILL,
                    "Use the crisis kit to soothe through the senses: a strong mint, loud music, "
                    "a warm shower.",
                    module=M.DISTRESS_TOLERANCE,
                ),
            ),
            consequences=(
                DemoConsequence(NOW, SELF, "The tension dropped and their mind went quiet."),
                DemoConsequence(NOW, ENV, "Nobody else knew; the evening went on as planned."),
                DemoConsequence(
                    LATER,
                    SELF,
                    "Felt ashamed the next morning and wore long sleeves on a warm day.",
                ),
                DemoConsequence(
                    LATER,
                    ENV,
                    "The therapist put the chain analysis first on the next session's agenda.",
                ),
            ),
            prevention_plan=(
                "An evening plan for after difficult calls: leave the bedroom, cold water, and "
                "a coaching call while the urge is below 7. Keys go in the hall drawer."
            ),
            repair=(
                "Looked after the scratches and showed the therapist the wound care in session; "
                "sent the family member a short message about their own part in the call."
            ),
            commitment=(
                "Follow the evening plan and call for coaching before acting, until the next "
                "review of the plan."
            ),
        ),
    ),
)

_BETA_ONE_GROUP = DemoCase(
    stage=Stage.STAGE_1,
    opened_months_ago=3,
    tibs=(
        DemoTIB(
            58,
            C.INTERFERES_WITH_OTHER_CLIENTS,
            P.SKILLS_GROUP,
            "During the break, advised another member about their medication; the member "
            "later told the group they planned to stop taking it.",
            status=T.TARGETED,
            shared=True,
        ),
        DemoTIB(
            42,
            C.NON_COMPLIANT,
            P.SKILLS_GROUP,
            "Did not do the mindfulness practice set for the week; during homework review said "
            "they had not known which exercise it was.",
            status=T.RESOLVED,
        ),
        DemoTIB(
            20,
            C.NON_COLLABORATIVE,
            P.SKILLS_GROUP,
            "Kept headphones in during the teaching part of group for about 25 minutes and took "
            "them out when the co-leader asked.",
            status=T.IMPROVING,
        ),
        DemoTIB(
            3,
            C.PUSHES_THERAPIST_LIMITS,
            P.BETWEEN_SESSIONS,
            "Waited by the therapist's door after the session had ended to carry on talking, "
            "for about 20 minutes, twice this month.",
            count=2,
        ),
    ),
    chains=(
        DemoChain(
            kind=ChainKind.MISSING_LINKS,
            days_ago=42,
            target_level=TargetLevel.SKILLS,
            status=ChainStatus.READY_FOR_TEAM,
            problem_behavior=(
                "Did not practise the mindfulness exercise set in group on any day of the week "
                "between groups."
            ),
            knew_what_was_needed=False,
            knowing_barrier=(
                "The handout was given out in a group the client missed; they did not know which "
                "exercise had been set."
            ),
            was_willing=True,
            thought_occurred=True,
            what_got_in_the_way=(
                "Without the handout they were unsure what to do, and felt awkward asking the "
                "leaders in front of the others."
            ),
            problem_solving_plan=(
                "The group leaders send the week's handout to anyone who missed group; the "
                "client asks at the break when unsure, or by message afterwards."
            ),
            commitment="Practise the exercise on at least three days before the next group.",
        ),
    ),
)

BETA_ONE = DemoTherapist(
    email="therapist@beta.example",
    team="Beta Team",
    cases=(_BETA_ONE_HARM, _BETA_ONE_GROUP),
    own_tib=DemoTIB(
        28,
        C.TARGETING_ERROR,
        P.INDIVIDUAL_SESSION,
        "Spent most of 2 sessions helping with a letter while the diary card showed self-harm "
        "urges rated 4 or higher on 3 days, which were not reviewed.",
        count=2,
        status=T.TARGETED,
        shared=True,
    ),
    self_chain=DemoChain(
        kind=ChainKind.BEHAVIOR_CHAIN,
        days_ago=28,
        target_level=TargetLevel.THERAPY_INTERFERING,
        problem_behavior=(
            "Skipped the diary-card review and spent about 40 of the 50 minutes helping the "
            "client draft a reply to a letter, while the card showed self-harm urges."
        ),
        intensity=5,
        prompting_event=(
            "The client opened the session holding the letter and said they could not think "
            "about anything else."
        ),
        prompting_event_started="The first minute of the session.",
        vulnerabilities=(V.STRESSFUL_EVENT, V.OTHER),
        vulnerability_notes=(
            "Running late from a long meeting; had not read the diary card before the session "
            "started."
        ),
        links=(
            DemoLink(
                L.EVENT,
                "Saw the letter in the client's hands and heard how worried they were.",
                S.SKILL,
                "Notice the pull of the client's urgency, then come back to the session plan.",
                module=M.MINDFULNESS,
            ),
            DemoLink(
                L.EMOTION,
                "Worry about the letter, and relief at a topic that felt easier than self-harm.",
                S.SKILL,
                "Check the facts: compare the worry about the letter with the risk shown on "
                "the card.",
                module=M.EMOTION_REGULATION,
                intensity=5,
            ),
            DemoLink(
                L.THOUGHT,
                "'If I do not help with this first, they will not be able to focus anyway.'",
                S.COGNITIVE_MODIFICATION,
                "Treat the thought as a guess and test it: start five minutes of the card "
                "review and see.",
            ),
            DemoLink(
                L.URGE,
                "Urge to be helpful and to steer away from the client's distress about the card.",
                S.EXPOSURE,
                "Approach the harder topic with the client in small steps instead of steering "
                "around it.",
                intensity=6,
            ),
            DemoLink(
                L.ACTION,
                "Worked through the letter line by line for about 40 minutes.",
                S.CONTINGENCY_MANAGEMENT,
                "Offer the last ten minutes for the letter once the card has been reviewed, so "
                "the harder work comes first.",
            ),
        ),
        consequences=(
            DemoConsequence(NOW, SELF, "Felt useful, and the session felt calm."),
            DemoConsequence(NOW, ENV, "The client thanked me and left with a finished letter."),
            DemoConsequence(LATER, ENV, "The urges on the card went unassessed for another week."),
            DemoConsequence(
                LATER,
                SELF,
                "Felt uneasy reading the next diary card, which showed the urges had continued.",
            ),
        ),
        prevention_plan=(
            "Read the diary card before every session; open with the card and set the agenda "
            "with the client, leaving time for practical matters at the end."
        ),
        repair=(
            "Told the client at the next session that I had put the letter ahead of the card, "
            "and that we will start with the card from now on."
        ),
        commitment=(
            "Diary card first in every session for the next month; bring the pull towards "
            "practical help to team."
        ),
    ),
)

DEMO_THERAPISTS = (ALPHA_ONE, ALPHA_TWO, BETA_ONE)


# --- The teams' own TIB entries -------------------------------------------------------------------

DEMO_TEAM_RECORDS = (
    DemoTeamRecord(
        team="Alpha Team",
        author="lead@alpha.example",
        tibs=(
            DemoTIB(
                55,
                C.LATE_OR_ABSENT,
                P.TEAM_MEETING,
                "Three members joined the video meeting between 5 and 15 minutes after the "
                "start, so the mindfulness practice was cut short.",
                count=3,
                status=T.RESOLVED,
            ),
            DemoTIB(
                34,
                C.OFF_AGENDA,
                P.TEAM_MEETING,
                "One consultation ran about 25 minutes past the 10 requested; the 2 items "
                "after it were carried over to the next meeting.",
                status=T.IMPROVING,
            ),
            DemoTIB(
                13,
                C.JUDGMENTAL_OR_PEJORATIVE,
                P.TEAM_MEETING,
                "A member described a client with a label instead of the behaviour; the "
                "observer rang the bell and the member restated it as what the client had done.",
            ),
        ),
    ),
    DemoTeamRecord(
        team="Beta Team",
        author="lead@beta.example",
        tibs=(
            DemoTIB(
                22,
                C.NOT_BRINGING_ITEMS,
                P.TEAM_MEETING,
                "For 3 meetings in a row no member brought a consultation item, and the time "
                "went to admin.",
                count=3,
                status=T.TARGETED,
            ),
        ),
    ),
)


# --- Loading --------------------------------------------------------------------------------------


def _months_ago(today: dt.date, months: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _has_record(user: User, team: Team) -> bool:
    """Whether ``user`` already has anything in ``team``'s clinical record."""
    return (
        Case.objects.filter(team=team, primary_therapist=user).exists()
        or TIBEntry.objects.filter(team=team, author=user).exists()
        or ChainAnalysis.objects.filter(team=team, author=user).exists()
    )


def _team_leader(team: Team) -> User | None:
    membership = (
        Membership.objects.filter(team=team, role=Role.TEAM_LEADER, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _log(
    tib: DemoTIB, *, by: User, team: Team, actor: Actor, today: dt.date, case: Case | None = None
) -> None:
    logged = tib_log(
        by=by,
        team=team,
        actor=actor,
        category=tib.category,
        setting=tib.setting,
        description=tib.description,
        occurred_on=today - dt.timedelta(days=tib.days_ago),
        count=tib.count,
        case=case,
        status=tib.status,
    )
    if tib.shared:
        tib_share_with_team(entry=logged.entry, by=by)


def _log_all(
    tibs: tuple[DemoTIB, ...],
    *,
    by: User,
    team: Team,
    actor: Actor,
    today: dt.date,
    case: Case | None = None,
) -> None:
    # Oldest first, as a clinician would have logged them (and as the audit trail reads).
    for tib in sorted(tibs, key=lambda tib: -tib.days_ago):
        _log(tib, by=by, team=team, actor=actor, today=today, case=case)


def _write_chain(
    spec: DemoChain, *, by: User, team: Team, today: dt.date, case: Case | None = None
) -> ChainAnalysis:
    chain = chain_start(
        by=by,
        team=team,
        subject=ChainSubject.CLIENT_BEHAVIOR
        if case is not None
        else ChainSubject.THERAPIST_BEHAVIOR,
        kind=spec.kind,
        problem_behavior=spec.problem_behavior,
        behavior_on=today - dt.timedelta(days=spec.days_ago),
        case=case,
        **spec.worksheet(),
    )
    for link in spec.links:
        chain_link_add(
            chain=chain,
            by=by,
            expected_version=chain.version,
            kind=link.kind,
            description=link.description,
            intensity=link.intensity,
            solution_type=link.solution,
            skill_module=link.module or "",
            replacement_behavior=link.replacement,
        )
        chain.refresh_from_db(fields=["version"])
    for consequence in spec.consequences:
        chain_consequence_add(
            chain=chain,
            by=by,
            expected_version=chain.version,
            description=consequence.description,
            timing=consequence.timing,
            locus=consequence.locus,
        )
        chain.refresh_from_db(fields=["version"])
    if spec.status != ChainStatus.DRAFT:
        chain = chain_set_status(
            chain=chain, by=by, status=ChainStatus.READY_FOR_TEAM, expected_version=chain.version
        )
    if spec.status == ChainStatus.PRESENTED:
        # Marking an analysis presented is the team leader's step, taken in the meeting.
        leader = _team_leader(team)
        if leader is not None:
            with acting(actor_id=leader.pk):
                chain = chain_set_status(
                    chain=chain, by=leader, status=spec.status, expected_version=chain.version
                )
    return chain


def _load_case(spec: DemoCase, *, by: User, team: Team, today: dt.date) -> Case:
    case = case_open(
        team=team, by=by, opened=_months_ago(today, spec.opened_months_ago), stage=spec.stage
    )
    _log_all(spec.tibs, by=by, team=team, actor=Actor.CLIENT, today=today, case=case)
    for mode in spec.attended_since:
        case_session_attended(case=case, mode=mode, by=by)
    for chain in spec.chains:
        _write_chain(chain, by=by, team=team, today=today, case=case)
    if spec.status != CaseStatus.ACTIVE:
        case = case_update(case=case, by=by, changes={"status": spec.status})
    return case


@transaction.atomic
def load_clinical_demo(*, people: Mapping[str, User]) -> None:
    """Give the demo therapists and teams their fictional clinical record, through the services
    and as the demo user who would have written each part. ``people`` maps each demo email to
    its account. Safe to run any number of times: see the module docstring. Days are counted
    back from each writer's own today: the services refuse a date in that person's future."""
    for therapist in DEMO_THERAPISTS:
        user = people[therapist.email]
        team = Team.objects.get(name=therapist.team)
        if _has_record(user, team):
            continue
        today = person_today(user)
        with acting(actor_id=user.pk):
            for case in therapist.cases:
                _load_case(case, by=user, team=team, today=today)
            _log(therapist.own_tib, by=user, team=team, actor=Actor.THERAPIST, today=today)
            _write_chain(therapist.self_chain, by=user, team=team, today=today)
    for record in DEMO_TEAM_RECORDS:
        team = Team.objects.get(name=record.team)
        if TIBEntry.objects.filter(team=team, actor=Actor.TEAM).exists():
            continue
        author = people[record.author]
        with acting(actor_id=author.pk):
            _log_all(
                record.tibs, by=author, team=team, actor=Actor.TEAM, today=person_today(author)
            )
