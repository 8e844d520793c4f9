"""The forms of the clinical record's pages. They shape and validate what was typed; every write
still goes through cases/services.py, which re-checks the rules (a form is a convenience, the
service is the guard).

Field names match the services' keyword arguments, so a `ValidationError` a service raises with
a field dict lands next to the field that caused it (see `add_service_errors`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from cases.choices import (
    CATEGORIES_BY_ACTOR,
    SESSION_MODES,
    Actor,
    ChainKind,
    ChainStatus,
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
from cases.models import (
    CHAIN_FIELDS,
    CHAIN_TEXT_FIELDS,
    CONSEQUENCE_TEXT_FIELDS,
    FEEDBACK_TEXT,
    LINK_FIELDS,
    LINK_TEXT_FIELDS,
    LONG_TEXT,
    MISSING_LINKS_FIELDS,
    SHORT_TEXT,
    ChainAnalysis,
)
from consultteam.accounts.models import User
from consultteam.reference.models import Agreement, AgreementCode, Assumption, AssumptionCode
from consultteam.teams.models import Team
from consultteam.web.forms import (
    PageForm,
    PersonChoiceField,
    check_live,
    identifier_override_field,
)

LINK_TEXT = 1000  # ChainLink and ChainConsequence descriptions

OBSERVABLE_HELP = (
    "Describe what someone in the room could have seen or heard: what was done or said, when, "
    "how often. “Arrived 25 minutes late to 3 of the last 4 sessions” helps the team more than "
    "a word for what it seemed to mean."
)


NOT_RECORD_FIELDS = frozenset({"version", "identifier_override"})


def _today() -> dt.date:
    return timezone.localdate()


class PastDateInput(forms.DateInput):
    """A date picker that stops at today (the service refuses the future too)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {**(attrs or {}), "max": _today().isoformat()}
        return super().get_context(name, value, attrs)


class PastDateField(forms.DateField):
    """A day that has happened: today or before (the services refuse the future too; checking
    here as well shows that message together with the form's others)."""

    widget = PastDateInput

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value > _today():
            raise ValidationError("This date is in the future; record what has happened.")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {**(attrs or {}), "max": _today().strftime("%Y-%m")}
        return super().get_context(name, value, attrs)


class MonthField(forms.DateField):
    """Month and year only (stored as the 1st): a full date could help identify a client.
    Takes "2025-03" from a month picker, or "03/2025" typed where the browser has none."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%m/%Y"]


def _team_choice(teams: QuerySet[Team]) -> forms.ModelChoiceField[Team]:
    field: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=teams.order_by("name"),
        empty_label=None,
        to_field_name="public_id",
        label="Team",
    )
    return field


def _text(max_length: int, *, required: bool = False, rows: int = 3, **kwargs: Any) -> Any:
    return forms.CharField(
        max_length=max_length,
        required=required,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
        **kwargs,
    )


def _intensity(label: str = "Intensity (0 to 10)") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _blank(choices: Any, label: str) -> list[tuple[str, str]]:
    return [("", label), *choices]


# --- Cases ------------------------------------------------------------------------------------


class CaseOpenForm(PageForm):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    opened = MonthField(
        label="Month opened",
        help_text="Month and year only; a full date could help identify the client.",
    )
    stage = forms.ChoiceField(choices=Stage.choices, initial=Stage.PRETREATMENT)

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"opened": _today().replace(day=1)})
        super().__init__(*args, **kwargs)
        self.fields["team"] = _team_choice(teams)


class AttendedForm(PageForm):
    mode = forms.ChoiceField(choices=[(mode.value, mode.label) for mode in SESSION_MODES])


# --- Framing by the assumptions -----------------------------------------------------------------

Citations = tuple[list[str], list[str]]  # assumption codes, agreement codes

# What each kind of record is offered ticked when it is new (DOMAIN.md section 5): a client's
# TIB is read as the best they can do and as needing to do better; a therapist's own TIB as
# fallible and in need of support; a chain analysis on the ground that behaviour is caused.
SUGGESTED_FOR_CLIENT_TIB: Citations = (
    [AssumptionCode.DOING_BEST_THEY_CAN, AssumptionCode.NEED_TO_DO_BETTER],
    [],
)
SUGGESTED_FOR_OWN_TIB: Citations = (
    [AssumptionCode.THERAPISTS_NEED_SUPPORT],
    [AgreementCode.FALLIBILITY],
)
SUGGESTED_FOR_CHAIN: Citations = ([AssumptionCode.ALL_BEHAVIOR_IS_CAUSED], [])
CITATION_HELP = "Tick what this draws on; the reference page lists what cites each one."


@dataclass(frozen=True)
class CitationChoices:
    """The active assumptions and agreements as checkbox choices. Loaded once per page (two
    queries) and shared by every form on it."""

    assumptions: list[tuple[str, str]]
    agreements: list[tuple[str, str]]

    @classmethod
    def load(cls) -> CitationChoices:
        return cls(
            [(row.code, row.statement) for row in Assumption.objects.active()],
            [(row.code, row.name) for row in Agreement.objects.active()],
        )


def citations_of(item: Any) -> Citations:
    """What an existing record cites, as codes (prefetched rows are used when present)."""
    return (
        [row.code for row in item.assumptions.all()],
        [row.code for row in item.agreements.all()],
    )


def add_citation_fields(form: forms.Form, choices: CitationChoices, *, initial: Citations) -> None:
    """Checkboxes for the assumptions and agreements a record draws on; the service checks
    the codes again (a retired one is refused)."""
    for name, label, options, ticked in (
        ("assumptions", "Assumptions it draws on", choices.assumptions, initial[0]),
        ("agreements", "Agreements it draws on", choices.agreements, initial[1]),
    ):
        form.fields[name] = forms.MultipleChoiceField(
            choices=options,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=label,
            help_text=CITATION_HELP,
            initial=[str(code) for code in ticked],
        )


# --- The TIB log ------------------------------------------------------------------------------


def category_groups(actors: Iterable[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Categories grouped by whose behaviour they describe, for `<optgroup>`s."""
    return [
        (
            Actor(actor).label,
            [(code, TIBCategory(code).label) for code in CATEGORIES_BY_ACTOR[actor]],
        )
        for actor in actors
    ]


class TIBForm(PageForm):
    """A TIB entry. On a case the actor is the client; otherwise the therapist (their own) or
    the team, and the category must be one of that actor's."""

    actor = forms.ChoiceField(
        choices=[(Actor.THERAPIST.value, "My own"), (Actor.TEAM.value, "The team's")],
        widget=forms.RadioSelect,
        label="Whose behaviour is it?",
        initial=Actor.THERAPIST,
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    category = forms.ChoiceField(choices=TIBCategory.choices)
    setting = forms.ChoiceField(choices=Setting.choices, label="Where it happened")
    description = _text(
        LONG_TEXT, required=True, rows=5, label="What happened", help_text=OBSERVABLE_HELP
    )
    occurred_on = PastDateField(label="Date")
    count = forms.IntegerField(
        label="How many times",
        min_value=1,
        max_value=99,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    status = forms.ChoiceField(choices=TIBStatus.choices, initial=TIBStatus.OPEN)
    identifier_override = identifier_override_field()

    def __init__(self, *args: Any, teams: QuerySet[Team] | None, **kwargs: Any) -> None:
        """``teams`` None: a client's TIB on a case; otherwise one's own or the team's TIB on
        one of these teams."""
        kwargs.setdefault("initial", {"occurred_on": _today()})
        super().__init__(*args, **kwargs)
        check_live(self, "description")
        self.client = client = teams is None
        actors = [Actor.CLIENT] if client else [Actor.THERAPIST, Actor.TEAM]
        # Every category validates as a choice; `clean` then checks it belongs to the actor,
        # so a category of the wrong actor gets a message that says so.
        self.fields["category"].widget.choices = _blank(category_groups(actors), "Choose…")
        if teams is None:
            del self.fields["actor"]
            del self.fields["team"]
            self.fields["then_missing_links"] = forms.BooleanField(
                required=False,
                label="Then start a missing-links analysis",
                help_text="For something that should have happened and did not: what was "
                "missing between knowing, willing and doing.",
            )
            suggested = SUGGESTED_FOR_CLIENT_TIB
        else:
            self.fields["team"] = _team_choice(teams)
            suggested = SUGGESTED_FOR_OWN_TIB
        add_citation_fields(self, CitationChoices.load(), initial=suggested)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        actor = Actor.CLIENT if self.client else data.get("actor")
        category = data.get("category")
        if actor and category and category not in CATEGORIES_BY_ACTOR[actor]:
            whose = {
                Actor.CLIENT: "the client's",
                Actor.THERAPIST: "your own",
                Actor.TEAM: "the team's",
            }
            self.add_error(
                "category",
                f"“{TIBCategory(category).label}” is not one of {whose[Actor(actor)]} "
                "categories; choose one from that group.",
            )
        return data


# --- Chain analyses ---------------------------------------------------------------------------


class ChainStartForm(PageForm):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    kind = forms.ChoiceField(
        choices=ChainKind.choices,
        widget=forms.RadioSelect,
        initial=ChainKind.BEHAVIOR_CHAIN,
        label="Kind of analysis",
    )
    target_level = forms.ChoiceField(choices=TargetLevel.choices, label="Target level")
    problem_behavior = _text(
        LONG_TEXT,
        required=True,
        rows=4,
        label="Problem behaviour",
        help_text="Specific enough that an actor could re-enact it: what, where, how much.",
    )
    behavior_on = PastDateField(label="Date of the behaviour")
    intensity = _intensity()
    identifier_override = identifier_override_field()

    def __init__(
        self, *args: Any, teams: QuerySet[Team] | None, kind: str | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial", {"behavior_on": _today(), "target_level": TargetLevel.THERAPY_INTERFERING}
        )
        super().__init__(*args, **kwargs)
        check_live(self, "problem_behavior")
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"] = _team_choice(teams)
        if kind in ChainKind.values:
            self.fields["kind"].initial = kind
        add_citation_fields(self, CitationChoices.load(), initial=SUGGESTED_FOR_CHAIN)


YES_NO = [("True", "Yes"), ("False", "No"), ("", "Not answered yet")]


def _yes_no(label: str) -> forms.NullBooleanField:
    return forms.NullBooleanField(
        label=label, required=False, widget=forms.RadioSelect(choices=YES_NO)
    )


class VersionForm(PageForm):
    """The version of the analysis the change was made against (see services: a stale one is
    refused with 409)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ChainWorksheetForm(VersionForm):
    """The worksheet's own fields, in its order. Links and consequences have their forms."""

    target_level = forms.ChoiceField(choices=TargetLevel.choices, label="Target level")
    problem_behavior = ChainStartForm.base_fields["problem_behavior"]
    behavior_on = PastDateField(label="Date")
    intensity = _intensity()
    prompting_event = _text(
        LONG_TEXT,
        label="Prompting event",
        help_text="What happened in the environment that started the chain.",
    )
    prompting_event_started = forms.CharField(
        max_length=SHORT_TEXT,
        required=False,
        label="When it started",
        help_text="As near as is known.",
    )
    vulnerabilities = forms.MultipleChoiceField(
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Vulnerability factors",
    )
    vulnerability_notes = _text(LONG_TEXT, label="Notes on vulnerability")
    prevention_plan = _text(
        LONG_TEXT, label="Prevention", help_text="How to lower the vulnerability next time."
    )
    repair = _text(LONG_TEXT, label="Repair", help_text="Correcting the harm the behaviour did.")
    commitment = _text(LONG_TEXT, label="Commitment")
    knew_what_was_needed = _yes_no("Did I know what was needed?")
    knowing_barrier = _text(LONG_TEXT, label="What got in the way of knowing")
    was_willing = _yes_no("Was I willing to do it?")
    willingness_barrier = _text(LONG_TEXT, label="What got in the way of willingness")
    thought_occurred = _yes_no("Did the thought of doing it occur to me?")
    thought_barrier = _text(LONG_TEXT, label="What kept the thought from occurring")
    what_got_in_the_way = _text(LONG_TEXT, label="What got in the way of doing it")
    problem_solving_plan = _text(LONG_TEXT, label="Problem-solving plan")
    identifier_override = identifier_override_field()

    FORM_ID = "chain-worksheet"

    def __init__(self, *args: Any, chain: ChainAnalysis, **kwargs: Any) -> None:
        initial = {name: getattr(chain, name) for name in CHAIN_FIELDS}
        kwargs.setdefault("initial", {**initial, "version": chain.version})
        super().__init__(*args, **kwargs)
        if chain.kind != ChainKind.MISSING_LINKS:
            for name in MISSING_LINKS_FIELDS:
                del self.fields[name]
        # The worksheet is one form, but the links and consequences (forms of their own, which
        # cannot nest) sit in the middle of it: fields after them join it through `form=`.
        add_citation_fields(self, CitationChoices.load(), initial=citations_of(chain))
        for bound_field in self.fields.values():
            bound_field.widget.attrs["form"] = self.FORM_ID
        check_live(self, *CHAIN_TEXT_FIELDS)

    def changes(self) -> dict[str, Any]:
        """The worksheet fields that differ from what the page was showing."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name not in NOT_RECORD_FIELDS
        }


class ChainStatusForm(VersionForm):
    """Only the author's moves (to the team and back); presenting and reviewing happen in the
    meeting's flow."""

    MOVES = (ChainStatus.DRAFT, ChainStatus.READY_FOR_TEAM)

    status = forms.ChoiceField(choices=[(status.value, status.label) for status in MOVES])


class ChainLinkForm(VersionForm):
    kind = forms.ChoiceField(choices=_blank(LinkKind.choices, "Choose…"), label="Kind")
    description = _text(LINK_TEXT, required=True, rows=2, label="What it was")
    intensity = _intensity()
    solution_type = forms.ChoiceField(
        choices=_blank(SolutionType.choices, "None yet"), required=False, label="Solution"
    )
    skill_module = forms.ChoiceField(
        choices=_blank(SkillModule.choices, "Not a skill"),
        required=False,
        label="Skill module",
    )
    replacement_behavior = _text(
        LINK_TEXT,
        rows=2,
        label="Instead, next time",
        help_text="What could be done at this link instead.",
    )
    identifier_override = identifier_override_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_live(self, *LINK_TEXT_FIELDS)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("solution_type") == SolutionType.SKILL:
            if not data.get("skill_module"):
                self.add_error("skill_module", "Name the module the skill comes from.")
        elif data.get("skill_module"):
            # A module belongs only to a skill; other solutions have none.
            data["skill_module"] = ""
        return data

    def link_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in LINK_FIELDS}

    @property
    def override(self) -> str | None:
        """The reason given for saving text the identifier check flagged, if any."""
        return self.cleaned_data.get("identifier_override") or None


class LinkMoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class ChainConsequenceForm(VersionForm):
    description = _text(LINK_TEXT, required=True, rows=2, label="What followed")
    timing = forms.ChoiceField(
        choices=ConsequenceTiming.choices, widget=forms.RadioSelect, label="When"
    )
    locus = forms.ChoiceField(
        choices=ConsequenceLocus.choices, widget=forms.RadioSelect, label="Where"
    )
    identifier_override = identifier_override_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_live(self, *CONSEQUENCE_TEXT_FIELDS)


# --- Feedback and review ----------------------------------------------------------------------

VALIDATION_FIRST = (
    "Validation comes first: what in this makes sense, or worked. Feedback is heard once the "
    "person feels understood."
)


class FeedbackForm(PageForm):
    """Feedback on a chain analysis or a TIB entry: validation first (required), then what was
    noticed and what might help, and the assumptions and agreements it draws on."""

    validation = _text(FEEDBACK_TEXT, required=True, rows=3, label="Validation", help_text="")
    observation = _text(FEEDBACK_TEXT, rows=3, label="What I noticed")
    suggestion = _text(FEEDBACK_TEXT, rows=3, label="What might help")

    def __init__(self, *args: Any, choices: CitationChoices, prefix_id: str, **kwargs: Any) -> None:
        """``prefix_id`` keeps the ids unique when a page holds several of these forms."""
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["validation"].help_text = VALIDATION_FIRST
        add_citation_fields(self, choices, initial=([], []))

    def feedback_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class ReviewRequestForm(PageForm):
    reviewer = PersonChoiceField(
        queryset=User.objects.none(),
        to_field_name="public_id",
        empty_label=None,
        label="Ask for a review by",
    )

    def __init__(self, *args: Any, reviewers: QuerySet[User], prefix_id: str, **kwargs: Any):
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        assert isinstance(field, PersonChoiceField)
        field.queryset = reviewers.order_by("display_name")
