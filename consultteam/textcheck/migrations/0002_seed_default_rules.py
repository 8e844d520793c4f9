"""Seed the default language rules: one or more per category of DOMAIN.md section 6.

Every suggestion here is our own wording. The phrases use the syntax documented in
consultteam/textcheck/phrases.py; the choices behind the hard cases:

- "a borderline" (a person named by a diagnosis) is flagged; "borderline personality disorder",
  "a borderline score" and other uses of the word as an adjective about a measure are not.
- "resistant" and "resistance" are flagged, but not "treatment-resistant depression" (a
  diagnostic term) or "resistance band"; "resisted the urge" is a skill and never matches.
- "splitting" is flagged about people ("splitting the team", "she is splitting") and not about
  things ("splitting the session into two halves", "split the team into pairs").
- "game-playing" and "mind games" are flagged; "a card game in group" and "played games in
  group" are not (only "just/only playing games" is).
- "attention-seeking", "wants attention" and "for attention" are flagged; "attention to the
  prompting event" is not.
- "a gesture" is flagged only as "suicidal gesture" or "just a gesture", never as body language.
- "not trying" is flagged, "not trying to hurt anyone" is not.
- "always" and "never" are flagged (as INFO) except in "as always", "almost always", "not
  always", "never been", "never before", "never missed"...: a count says more.
- Calling someone's prescriber, family or employer *for* the client is flagged as go-between;
  coaching the client to call is not.

Seeding is idempotent: a default rule with the same category and first phrase is left as is.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

RULES: list[dict[str, Any]] = [
    # --- PEJORATIVE_LABEL --------------------------------------------------------------------
    {
        "category": "PEJORATIVE_LABEL",
        "phrases": ["manipulat*"],
        "suggestion": (
            "Describe what the client did and what followed it (\"asked for a second call after "
            'I said no; I called back"). Holding that they are doing the best they can turns '
            "the question from \"what is she up to\" into \"what does this behaviour do for "
            'her", which can be assessed.'
        ),
        "assumptions": ["DOING_BEST_THEY_CAN", "ALL_BEHAVIOR_IS_CAUSED"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "PEJORATIVE_LABEL",
        "phrases": [
            "(game-playing|mind games|head games)",
            "(play|plays|played|playing) games with",
            "(just|only) (play|plays|played|playing) games",
        ],
        "suggestion": (
            "Name the behaviour and its effect on you (\"changed the agreed plan twice this "
            'week; I felt thrown"). The empathic reading of a confusing pattern is usually a '
            "skills gap or a learned way of getting a need met, not a game."
        ),
        "assumptions": ["DOING_BEST_THEY_CAN", "WANT_TO_IMPROVE"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "PEJORATIVE_LABEL",
        "phrases": [
            "(split|splits|splitting) (the |)(team|staff|us|providers|therapists|treatment team)"
            " !(into|in|up|between|across|for)",
            "(she|he|they|client|patient)('s| is| are| was| were| keeps) splitting",
            "engag* in splitting",
            "splitter*",
        ],
        "suggestion": (
            "Say what happened between whom (\"told me the plan was fine, then told the group "
            'leader it was unfair"). Helpers seeing one client differently is expected; the '
            "team's job is to hold both views and synthesise, not to find a culprit."
        ),
        "assumptions": ["DOING_BEST_THEY_CAN"],
        "agreements": ["CONSISTENCY", "DIALECTICAL"],
    },
    {
        "category": "PEJORATIVE_LABEL",
        "phrases": ["entitled !to", "(sense of entitlement|entitlement issues)"],
        "suggestion": (
            'Describe the request and what made it hard to meet ("asked for a same-day session '
            'twice this week"). Then the team can help you look at your own limits and at the '
            "skills the request calls for."
        ),
        "assumptions": ["DOING_BEST_THEY_CAN"],
        "agreements": ["OBSERVING_LIMITS", "PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "PEJORATIVE_LABEL",
        "phrases": [
            "borderlines",
            "(a|the|typical|classic|such a|so|very|really|total) borderline"
            " !(personality|pd|bpd|traits|features|diagnosis|presentation|range|score|scores|"
            "result|results|level|levels|case|symptoms|criteria|disorder|high|low|elevated|"
            "normal|significant|clinical|between|of)",
            "borderline (client|clients|patient|patients)",
        ],
        "suggestion": (
            "Refer to the client by the case code and describe the behaviour, not the diagnosis "
            'as a noun. "A borderline" turns a person into a label; the name of the diagnosis '
            "itself is fine."
        ),
        "assumptions": ["DOING_BEST_THEY_CAN", "LIVES_UNBEARABLE"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "PEJORATIVE_LABEL",
        "phrases": [
            "(needy|hysterical|victim mentality)",
            "drama-queen*",
            "(being|so|too|overly) dramatic",
            "(difficult|problem|nightmare|hateful) (client|clients|patient|patients)",
            "frequent (flyer|flier|flyers|fliers) !(miles|points|program*|scheme*)",
            "(play|plays|played|playing) the victim",
            "acting out !(a|an|the|role*|scene*|scenario*)",
        ],
        "suggestion": (
            "Replace the label with what was seen and heard, specific enough that someone could "
            "act it out. A label ends the assessment; a description starts it."
        ),
        "assumptions": ["ALL_BEHAVIOR_IS_CAUSED", "CHANGE_CAUSES_NOT_BLAME"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    # --- INTENT_ATTRIBUTION ------------------------------------------------------------------
    {
        "category": "INTENT_ATTRIBUTION",
        "phrases": [
            "attention-seek*",
            "attention-getting",
            "(wants|wanted|wanting|craves|craving|looking for|looks for) attention",
            "(for|about) (the |)attention !(to|of|on|span|training)",
        ],
        "suggestion": (
            'Describe what she did and what it got her ("posted a goodbye message; three '
            'friends phoned within the hour"). Care may be what the behaviour brings, and '
            "wanting care is not a flaw; assessing that function is the work."
        ),
        "assumptions": ["WANT_TO_IMPROVE", "ALL_BEHAVIOR_IS_CAUSED"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "INTENT_ATTRIBUTION",
        "phrases": [
            "(suicid*|self-harm*|parasuicid*) gesture*",
            "(just|only|merely|simply) a gesture",
            "(cry|cries|crying) for help",
        ],
        "suggestion": (
            "Describe the act, how lethal it was, and what came before and after. Calling it a "
            "gesture guesses at intent and can lower the team's guard against real risk; "
            "assess it instead."
        ),
        "assumptions": ["LIVES_UNBEARABLE", "ALL_BEHAVIOR_IS_CAUSED"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "INTENT_ATTRIBUTION",
        "phrases": [
            "(to get|for|looking for|wants|wanted|trying to get) (a|the) (reaction|rise)"
            " !(to|from the med*)",
            "get a rise out of",
            "(did|does|do|doing|done) (it|this|that) on purpose",
            "(to|trying to|wants to|wanted to) (punish|get back at)"
            " (me|us|the team|staff|her therapist|his therapist|their therapist)",
            "testing (me|us|the team|my limits|our limits|limits|boundaries|the boundaries)",
            "secondary gain",
            "(game|games|gamed|gaming|work|works|worked|working) the system",
        ],
        "suggestion": (
            "Write what happened and what followed, and keep the why as a question for "
            "assessment (\"raised her voice when I ended on time; I ran ten minutes over\"). "
            "A purpose we guess at is usually the least generous one."
        ),
        "assumptions": ["ALL_BEHAVIOR_IS_CAUSED", "DOING_BEST_THEY_CAN"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    # --- MOTIVATION_BLAME --------------------------------------------------------------------
    {
        "category": "MOTIVATION_BLAME",
        "phrases": [
            "(not|isn't|aren't|wasn't|weren't) (really |even |)trying !(to|out|on)",
            "(doesn't|does not|didn't|did not|won't|will not|don't) (even|really) try",
            "(make|makes|made|making|puts in|put in|putting in) (no|zero|little|minimal) effort",
        ],
        "suggestion": (
            'Treat "not trying" as a cue for more assessment: did the client know what was '
            "needed, were they willing, did it occur to them, what got in the way? A "
            "missing-links analysis answers that. They may well need to do more; our part is "
            "finding what blocks it."
        ),
        "assumptions": ["DOING_BEST_THEY_CAN", "NEED_TO_DO_BETTER"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "MOTIVATION_BLAME",
        "phrases": [
            "(lazy|laziness)",
            "(unmotivated|amotivated|not motivated)",
            "(lacks|lacking|lack of|has no|shows no) motivation",
            "(choose|chooses|chose|choosing) not to",
            "(make|makes|made|making) excuses",
        ],
        "suggestion": (
            "Describe what was and was not done, then assess what stood in the way: a missing "
            "skill, a belief about what would happen, an emotion, what followed last time. "
            "Motivation is something treatment builds, not a trait the client lacks."
        ),
        "assumptions": ["DOING_BEST_THEY_CAN", "WANT_TO_IMPROVE", "NEED_TO_DO_BETTER"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "MOTIVATION_BLAME",
        "phrases": [
            "resistant !(depression|depressive|bacteria|infection|strain)",
            "resistance !(training|band|bands|exercise|exercises|to the urge*|to urge*)",
            "self-sabotag*",
            "sabotag* (her|his|their|the) (treatment|therapy|progress|recovery)",
        ],
        "suggestion": (
            "Describe the behaviour that interfered and when (\"left the session ten minutes "
            'after we started the chain"). What looks like resistance is often fear, shame or '
            "a missing skill, and each of those can be assessed and treated."
        ),
        "assumptions": ["ALL_BEHAVIOR_IS_CAUSED", "DOING_BEST_THEY_CAN"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    {
        "category": "MOTIVATION_BLAME",
        "phrases": [
            "(doesn't|does not|don't|do not|didn't|did not) (really |even |)(want|wanna) to"
            " (get better|change|improve|recover|get well|be helped)",
            "(like|likes|enjoy|enjoys|enjoying|love|loves) (being sick|being unwell|the drama|"
            "the chaos|suffering|being a victim|the attention)",
            "(want|wants|wanted) to stay (sick|unwell|stuck)",
        ],
        "suggestion": (
            "Hold that the client wants a life worth living, and look for what makes change "
            "costly right now: what the problem behaviour gets them and what they would lose. "
            "Write what you saw, not what you think they want."
        ),
        "assumptions": ["WANT_TO_IMPROVE", "LIVES_UNBEARABLE"],
        "agreements": ["PHENOMENOLOGICAL_EMPATHY"],
    },
    # --- FAILURE_FRAMING ---------------------------------------------------------------------
    {
        "category": "FAILURE_FRAMING",
        "phrases": [
            "(fail|fails|failed|failing) (at |out of |)(dbt|treatment|therapy|skills group|group|"
            "the program|the programme|this program|our program)",
            "(a|another) (dbt|treatment|therapy) failure",
            "(set|sets|setting) (herself|himself|themselves|themself) up (to|for) fail*",
            "(kicked|kick|kicking|thrown|throw) out of (dbt|group|skills group|therapy|"
            "treatment|the program|the programme)",
            "(never going to|won't ever|never) (get better|change|improve|recover|get well)",
        ],
        "suggestion": (
            "The client cannot fail treatment; the treatment, the therapist or the team can "
            "fall short of a goal. Name the goal that was not reached and what got in the way, "
            "and ask what the team could change."
        ),
        "assumptions": ["CANNOT_FAIL_IN_THERAPY"],
        "agreements": ["FALLIBILITY"],
    },
    {
        "category": "FAILURE_FRAMING",
        "phrases": [
            "not a (good |suitable |appropriate |)candidate",
            "(poor|bad) candidate*",
            "not (a good|the right) fit for (dbt|treatment|therapy|group|skills group|"
            "the program|this program|our program)",
            "(hopeless|lost) (case|cause)",
            "(beyond help|untreatable|can't be helped|cannot be helped)",
        ],
        "suggestion": (
            "Say what the program offers, what the client would need to use it, and what "
            "stands in the way now. Whether treatment fits is a question about fit and "
            "resources, not a verdict on the person."
        ),
        "assumptions": ["CANNOT_FAIL_IN_THERAPY", "WANT_TO_IMPROVE"],
        "agreements": ["DIALECTICAL"],
    },
    # --- FRAGILIZING_OR_GO_BETWEEN -----------------------------------------------------------
    {
        "category": "FRAGILIZING_OR_GO_BETWEEN",
        "phrases": [
            "(we|I) (can't|cannot|couldn't|could not|shouldn't|should not|mustn't) (tell|ask)"
            " (her|him|them|the client)",
            "(too|so|very|really|extremely) (fragile|delicate|breakable)",
            "too (vulnerable|raw) to (hear|handle|take|cope with|be told)",
            "(she|he|they|client|patient) (can't|cannot|couldn't|could not|won't be able to)"
            " (handle|cope with|take) (hearing|being told|feedback|that|it|this|the truth)",
            "(walk on eggshells|walks on eggshells|walking on eggshells|tiptoe* on eggshells|"
            "kid gloves)",
            "(protect|protecting|shield|shielding|spare|sparing) (her|him|them|the client) from"
            " (hearing|the truth|feedback|the news|bad news|disappointment)",
            "(shouldn't|should not|mustn't|can't|cannot) push (her|him|them)",
        ],
        "suggestion": (
            "Treat the client as able to hear hard things and learn from them: plan how to say "
            "it, with validation, and which skills to coach. The team consults to you; it does "
            "not decide for the client what they can bear."
        ),
        "assumptions": ["MUST_SOLVE_PROBLEMS_ANYWAY"],
        "agreements": ["CONSULTATION_TO_THE_PATIENT"],
    },
    {
        "category": "FRAGILIZING_OR_GO_BETWEEN",
        "phrases": [
            "(I'll|I will|I'd|I'm going to|I can|I could|let me|we'll|we will|we can|we could)"
            " (call|phone|ring|email|text|contact|speak to|talk to|write to|reach out to)"
            " (her|his|their|the client's) (psychiatrist|prescriber|doctor|gp|nurse|psychologist|"
            "caseworker|case manager|social worker|care coordinator|probation officer|lawyer|"
            "pharmacist|providers|other providers|school|teacher)",
            "(I'll|I will|I'd|I'm going to|I can|I could|let me|we'll|we will|we can|we could)"
            " (call|phone|ring|email|text|contact|speak to|talk to|write to|reach out to)"
            " (her|his|their|the client's) (mother|mom|mum|father|dad|parents|family|partner|"
            "husband|wife|boyfriend|girlfriend|employer|boss|manager|landlord)",
            "(call|calls|called|calling|phone|phoned|ring|rang|email|emailed|contact|contacted|"
            "speak to|spoke to|talk to|talked to) (her|his|their) * (for|on behalf of)"
            " (her|him|them)",
            "(call|calls|called|calling|phone|phoned|ring|rang|email|emailed|contact|contacted|"
            "speak to|spoke to|talk to|talked to) (her|his|their) * * (for|on behalf of)"
            " (her|him|them)",
            "on (her|his|their|the client's) behalf",
            "(sort|sorted|sorting|fix|fixed|fixing|smooth|smoothed|smoothing) (it|things|this|"
            "that) (out |over |)for (her|him|them)",
        ],
        "suggestion": (
            "Coach the client to make the call or send the message, and plan it together in "
            "session. Stepping in as a go-between (outside what safety or the law requires) "
            "takes away practice the client needs in the places where life happens."
        ),
        "assumptions": ["MUST_SOLVE_PROBLEMS_ANYWAY", "LEARN_IN_ALL_CONTEXTS"],
        "agreements": ["CONSULTATION_TO_THE_PATIENT"],
    },
    # --- ABSOLUTIST_POLARIZING ---------------------------------------------------------------
    {
        "category": "ABSOLUTIST_POLARIZING",
        "severity": "INFO",
        "phrases": [
            "!(as|almost|nearly|not) always",
            "!(almost|nearly) never !(been|before|mind|had|missed|misses|used|smoked|drank)",
            "every single (time|session|week|day|call)",
        ],
        "suggestion": (
            'Count instead ("late to 3 of the last 4 sessions"). Absolutes polarise the '
            "discussion and hide the exceptions the team could learn from."
        ),
        "assumptions": [],
        "agreements": ["DIALECTICAL"],
    },
    {
        "category": "ABSOLUTIST_POLARIZING",
        "severity": "INFO",
        "phrases": [
            "the only (way|option|thing that works|answer|solution|one who can)",
            "nothing (works|helps|ever works|ever helps|will work|will help|we do|I do|"
            "we try|I try)",
            "(no one|nobody) (can|could|will|ever) (help|reach|work with|get through to)",
            "(completely|totally|utterly|entirely) (hopeless|impossible|useless|pointless)",
        ],
        "suggestion": (
            "Look for what is valid on each side and what both leave out (\"this plan has not "
            'cut the calls yet; the last one did, for a month"). There is rarely only one way.'
        ),
        "assumptions": ["CHANGE_CAUSES_NOT_BLAME"],
        "agreements": ["DIALECTICAL"],
    },
]


def seed(apps: Any, schema_editor: Any) -> None:
    LanguageRule = apps.get_model("textcheck", "LanguageRule")
    for rule in RULES:
        existing = LanguageRule.objects.filter(team__isnull=True, category=rule["category"])
        if any(row.phrases[:1] == rule["phrases"][:1] for row in existing):
            continue
        LanguageRule.objects.create(
            team=None,
            category=rule["category"],
            phrases=rule["phrases"],
            suggestion=rule["suggestion"],
            assumptions=rule["assumptions"],
            agreements=rule["agreements"],
            severity=rule.get("severity", "CAUTION"),
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    LanguageRule = apps.get_model("textcheck", "LanguageRule")
    firsts = {(rule["category"], rule["phrases"][0]) for rule in RULES}
    for row in LanguageRule.objects.filter(team__isnull=True):
        if (row.category, (row.phrases or [None])[0]) in firsts:
            row.delete()


class Migration(migrations.Migration):
    dependencies = [("textcheck", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
