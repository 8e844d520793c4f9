"""Seed the six team agreements and the ten DBT assumptions.

The names and short statements are the standard ones (Linehan 1993; Linehan 2015). Every other
text here is our own wording: the published worksheets are copyrighted, so we take the facts and
write the explanations ourselves. The data lives in this file, not in app code, because a
migration must keep meaning the same thing after the app changes.

Seeding is idempotent (`update_or_create` by code); admins edit the rows afterwards in the admin.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

AGREEMENTS: list[dict[str, Any]] = [
    {
        "code": "DIALECTICAL",
        "name": "Dialectical agreement",
        "description": (
            "No one on the team holds the whole truth. When views pull in opposite directions, "
            "we look for what is valid on each side and ask what both may be missing, instead "
            "of settling who is right."
        ),
    },
    {
        "code": "CONSULTATION_TO_THE_PATIENT",
        "name": "Consultation-to-the-patient agreement",
        "description": (
            "The team consults to its own members on how to help their clients; it does not "
            "step in as a go-between for a client with other people or services. We treat "
            "clients and colleagues as capable, not fragile, and coach them to act for "
            "themselves."
        ),
    },
    {
        "code": "CONSISTENCY",
        "name": "Consistency agreement",
        "description": (
            "Members do not have to agree with each other or respond in the same way to the "
            "same client. Differences between helpers are a normal part of life, and clients "
            "can learn to deal with them."
        ),
    },
    {
        "code": "OBSERVING_LIMITS",
        "name": "Observing-limits agreement",
        "description": (
            "Each member notices and keeps their own personal and professional limits. "
            "Colleagues do not judge a limit as too wide or too narrow; the team helps a "
            "member state and hold a limit without shame."
        ),
    },
    {
        "code": "PHENOMENOLOGICAL_EMPATHY",
        "name": "Phenomenological-empathy agreement",
        "description": (
            "When several explanations fit what a client, a colleague or we ourselves did, and "
            "nothing else tips the balance, we choose the reading that is empathic and free of "
            "judgment. Members help each other notice and reword pejorative accounts."
        ),
    },
    {
        "code": "FALLIBILITY",
        "name": "Fallibility agreement",
        "description": (
            "Everyone on the team makes mistakes and will sometimes break these agreements. "
            "Because that is expected, no one needs to be defensive: we name the slip, repair "
            "what we can, and look at what led to it."
        ),
    },
]

ASSUMPTIONS: list[dict[str, Any]] = [
    {
        "code": "DOING_BEST_THEY_CAN",
        "statement": "Patients are doing the best they can.",
        "source": "LINEHAN_1993",
        "restated_in_2015_skills": True,
        "intent": (
            "Treating the client's present effort as the most they can manage right now turns "
            "'why won't they?' into 'what is getting in the way?', a question assessment can "
            "answer."
        ),
        "guards_against": (
            "The pull to explain a lack of change as a choice or a lack of will, which ends "
            "the search for what actually keeps the behaviour going."
        ),
        "reframe_example": (
            'Instead of "She isn\'t even trying to use her skills", try "She did not use '
            "skills this week; let's find out what made them hard to reach in those "
            'moments."'
        ),
    },
    {
        "code": "WANT_TO_IMPROVE",
        "statement": "Patients want to improve.",
        "source": "LINEHAN_1993",
        "restated_in_2015_skills": True,
        "intent": (
            "Assuming a wish to get better keeps the therapist looking for the goals the client "
            "does hold and tying the treatment to them."
        ),
        "guards_against": (
            "Reading ambivalence, missed sessions or anger as proof that the client does not "
            "want to change, and dropping commitment work too early."
        ),
        "reframe_example": (
            'Instead of "He doesn\'t really want to get better", try "He wants a different '
            "life and feels torn about what changing will cost; let's strengthen his "
            'commitment and link it to his goals."'
        ),
    },
    {
        "code": "NEED_TO_DO_BETTER",
        "statement": "Patients need to do better, try harder, and be more motivated to change.",
        "source": "LINEHAN_1993",
        "restated_in_2015_skills": True,
        "intent": (
            "Held together with the first assumption, it keeps change on the table without "
            "blame: effort and motivation still have to grow, and helping them grow is part of "
            "the therapist's job."
        ),
        "guards_against": (
            "Settling for a stuck situation because the client is already doing their best, "
            "and so losing sight of the changes their goals require."
        ),
        "reframe_example": (
            'Instead of "She\'s doing her best, so we can\'t ask more of her", try "She is '
            "doing what she can with what she has now; our task is to help her build the "
            'skills and motivation to do more."'
        ),
    },
    {
        "code": "MUST_SOLVE_PROBLEMS_ANYWAY",
        "statement": (
            "Patients may not have caused all of their own problems, but they have to solve "
            "them anyway."
        ),
        "source": "LINEHAN_1993",
        "restated_in_2015_skills": True,
        "intent": (
            "Separating how a problem arose from who has to act on it lets the therapist "
            "validate what happened to the client and still help the client work toward change."
        ),
        "guards_against": (
            "Blaming clients for what was done to them, and the opposite error of waiting for "
            "other people or the past to change before any work can start."
        ),
        "reframe_example": (
            'Instead of "It isn\'t fair to expect him to change when others caused this", '
            "try \"Much of this was not his doing, and it is still his life; let's find one "
            'step he can take, with our help."'
        ),
    },
    {
        "code": "LIVES_UNBEARABLE",
        "statement": (
            "The lives of suicidal, borderline individuals are unbearable as they are currently "
            "being lived."
        ),
        "source": "LINEHAN_1993",
        "restated_in_2015_skills": True,
        "intent": (
            "Taking the client's account of their pain at face value keeps treatment aimed at "
            "building a life worth living, not only at stopping crisis behaviour."
        ),
        "guards_against": (
            "Minimising the client's suffering or reading distress as exaggeration or "
            "attention-seeking."
        ),
        "reframe_example": (
            'Instead of "She\'s being dramatic again", try "She is in a lot of pain right '
            'now; what would make today more bearable, and what has to change over time?"'
        ),
    },
    {
        "code": "LEARN_IN_ALL_CONTEXTS",
        "statement": "Patients must learn new behaviors in all relevant contexts.",
        "source": "LINEHAN_1993",
        "restated_in_2015_skills": False,
        "intent": (
            "A skill learned in a calm session does not carry over by itself to a crisis at "
            "home, so the therapist plans practice and generalisation in the places where the "
            "skill is needed."
        ),
        "guards_against": (
            "Concluding that a client who can describe a skill in session is choosing not to "
            "use it elsewhere."
        ),
        "reframe_example": (
            'Instead of "He knows the skill perfectly well, he just won\'t use it", try "He '
            "can use the skill here; we have not yet helped him practise it when he is "
            'overwhelmed at home."'
        ),
    },
    {
        "code": "CANNOT_FAIL_IN_THERAPY",
        "statement": "Patients cannot fail in therapy.",
        "source": "LINEHAN_1993",
        "restated_in_2015_skills": False,
        "intent": (
            "When treatment is not working, this points the team at the treatment, the "
            "therapist or the fit between them, which are the things the team can adjust."
        ),
        "guards_against": (
            "Labelling a client as resistant, not ready or a treatment failure, and ending "
            "care without first reviewing the treatment itself."
        ),
        "reframe_example": (
            'Instead of "She failed DBT", try "DBT as we have delivered it has not helped her '
            'yet; what do we change in the plan, the skills or our approach?"'
        ),
    },
    {
        "code": "THERAPISTS_NEED_SUPPORT",
        "statement": "Therapists treating borderline patients need support.",
        "source": "LINEHAN_1993",
        "restated_in_2015_skills": False,
        "intent": (
            "Work with clients at high risk is demanding, so seeking consultation is part of "
            "the treatment rather than a sign that a therapist is not coping."
        ),
        "guards_against": (
            "Therapists carrying fear, exhaustion or resentment alone until it shows up as "
            "judgmental or rigid care."
        ),
        "reframe_example": (
            'Instead of "I should be able to handle this case on my own", try "This case is '
            'hard; bringing it to the team is part of doing the work well."'
        ),
    },
    {
        "code": "ALL_BEHAVIOR_IS_CAUSED",
        "statement": "All behaviors (actions, thoughts, emotions) are caused.",
        "source": "LINEHAN_2015_SKILLS",
        "restated_in_2015_skills": False,
        "intent": (
            "If every action, thought and feeling has causes, a puzzling behaviour becomes "
            "something to understand, step by step through a chain analysis, rather than "
            "something to condemn."
        ),
        "guards_against": (
            "Explanations that describe the person instead of the conditions, such as calling "
            "a client manipulative, which close off assessment."
        ),
        "reframe_example": (
            'Instead of "He hurt himself to manipulate the staff", try "Something led up to '
            "the self-harm and something followed it; let's map the chain before we decide "
            'what it does for him."'
        ),
    },
    {
        "code": "CHANGE_CAUSES_NOT_BLAME",
        "statement": (
            "Figuring out and changing the causes of behavior works better than judging and "
            "blaming."
        ),
        "source": "LINEHAN_2015_SKILLS",
        "restated_in_2015_skills": False,
        "intent": (
            "Finding what drives a behaviour and changing it gives client and therapist "
            "something concrete to do; blame gives them nothing to work on."
        ),
        "guards_against": (
            "Shaming or punitive responses, which tend to add shame and make the behaviour "
            "more likely, and a therapist's frustration quietly becoming the plan."
        ),
        "reframe_example": (
            'Instead of "She should be ashamed of using again", try "Let\'s look at what set '
            'off the lapse and which links in the chain we can change next time."'
        ),
    },
]


def seed_reference_data(apps: Any, schema_editor: Any) -> None:
    """Create or update every agreement and assumption by code. Safe to run twice: a second
    run rewrites the same texts and creates nothing. It leaves ``is_active`` alone, so a row an
    admin retired stays retired."""
    Agreement = apps.get_model("reference", "Agreement")
    Assumption = apps.get_model("reference", "Assumption")
    for position, row in enumerate(AGREEMENTS, start=1):
        fields = {key: value for key, value in row.items() if key != "code"}
        Agreement.objects.update_or_create(
            code=row["code"], defaults={**fields, "position": position}
        )
    for position, row in enumerate(ASSUMPTIONS, start=1):
        fields = {key: value for key, value in row.items() if key != "code"}
        Assumption.objects.update_or_create(
            code=row["code"], defaults={**fields, "position": position}
        )


def unseed_reference_data(apps: Any, schema_editor: Any) -> None:
    """Delete the seeded rows, by code; rows with other codes are left alone."""
    Agreement = apps.get_model("reference", "Agreement")
    Assumption = apps.get_model("reference", "Assumption")
    Agreement.objects.filter(code__in=[row["code"] for row in AGREEMENTS]).delete()
    Assumption.objects.filter(code__in=[row["code"] for row in ASSUMPTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_reference_data, unseed_reference_data),
    ]
