"""The forms of the meeting's pages. They shape and validate what was typed; every write still
goes through agendas/services, which re-checks the rules (a form is a convenience, the service
is the guard). Field names match the services' keyword arguments, so a service's
`ValidationError` lands next to the field that caused it (`cases.forms.add_service_errors`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet

from agendas.choices import (
    ActionStatus,
    AttendanceStatus,
    FlagReason,
    HelpWanted,
    ItemType,
    LocationKind,
    MeetingRole,
    Section,
    Urgency,
)
from agendas.models import LONG_TEXT, MINUTES_TEXT, TITLE_TEXT, AgendaItem
from cases.choices import TargetLevel
from cases.models import Case
from consultteam.accounts.models import User
from consultteam.reference.models import Agreement
from consultteam.teams.models import Team
from consultteam.web.forms import LIVE_CHECK, PageForm, PersonChoiceField, identifier_override_field

BEHAVIOURAL_HELP = (
    "What happened, in terms someone in the room could have seen or heard, and what you want "
    "from the team. “Three calls to the on-call line after 10 pm this week; I want help "
    "assessing what the calls get her” helps more than a word for what it seemed to mean."
)


class CaseChoiceField(forms.ModelChoiceField[Case]):
    """A case by its code: nothing more of a case appears on a meeting's pages."""

    def label_from_instance(self, obj: Case) -> str:
        return obj.code


class TeamChoiceField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


class MeetingsPlanForm(PageForm):
    team = TeamChoiceField(
        queryset=Team.objects.none(), to_field_name="public_id", empty_label=None
    )
    weeks = forms.IntegerField(
        min_value=1, max_value=52, initial=8, label="Weeks ahead", help_text="From 1 to 52."
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class MeetingSettingsForm(PageForm):
    """How the team's meetings run: which roles go round, and where it meets."""

    rotating_roles = forms.MultipleChoiceField(
        choices=MeetingRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Roles that go round the members",
        help_text=(
            "Each meeting, these pass to the next member in turn. A role left out is not "
            "handed out by rotation: you give it by hand on the meeting's page."
        ),
    )
    location_kind = forms.ChoiceField(choices=LocationKind.choices, label="Where the team meets")
    join_link = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Video link",
        help_text="For video and hybrid meetings: the address members join at.",
    )
    planned_too = forms.BooleanField(
        required=False,
        label="The meetings already planned meet there too",
        help_text=(
            "Every meeting planned and not yet started takes this place and link; members' "
            "calendars follow. Left unticked, only meetings planned from now on do."
        ),
    )


class AbsenceForm(PageForm):
    """Notice of absence: for oneself, or (the team leader) for a member of the team."""

    member = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label="Me",
        label="Who will not be there",
    )

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class RoleSwapForm(PageForm):
    role = forms.ChoiceField(choices=MeetingRole.choices, label="Role")
    with_member = PersonChoiceField(
        queryset=User.objects.none(), to_field_name="public_id", label="Hand it to"
    )

    def __init__(
        self, *args: Any, roles: list[tuple[str, str]], members: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]
        self.fields["with_member"].queryset = members  # type: ignore[attr-defined]


class RoleAssignForm(PageForm):
    """The team leader gives a role nobody holds yet to a member (a held one is swapped)."""

    role = forms.ChoiceField(choices=MeetingRole.choices, label="Role nobody holds")
    member = PersonChoiceField(
        queryset=User.objects.none(), to_field_name="public_id", label="Give it to"
    )

    def __init__(
        self, *args: Any, roles: list[tuple[str, str]], members: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class AgendaItemForm(PageForm):
    """An item brought to the meeting, defined in behavioural terms with the help wanted."""

    title = forms.CharField(max_length=TITLE_TEXT, label="Title")
    section = forms.ChoiceField(choices=Section.choices, initial=Section.CONSULTATION)
    item_type = forms.ChoiceField(
        choices=ItemType.choices, initial=ItemType.CONSULTATION_REQUEST, label="Type"
    )
    target_level = forms.ChoiceField(
        choices=TargetLevel.choices, initial=TargetLevel.NONE, label="Target level"
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.SINCE_LAST_MEETING)
    help_wanted = forms.ChoiceField(
        choices=HelpWanted.choices, initial=HelpWanted.ASSESSMENT, label="Help I want"
    )
    question = forms.CharField(
        max_length=LONG_TEXT,
        required=False,
        label="The behavioural question",
        help_text=BEHAVIOURAL_HELP,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": LONG_TEXT, **LIVE_CHECK}),
    )
    minutes_requested = forms.IntegerField(
        min_value=1, max_value=120, initial=10, label="Minutes requested"
    )
    case = CaseChoiceField(
        queryset=Case.objects.none(),
        required=False,
        to_field_name="public_id",
        label="Case (optional)",
        empty_label="No case",
        help_text="Only its code is shown to the team.",
    )

    identifier_override = forms.CharField(
        max_length=500,
        required=False,
        label="Keep it anyway, because…",
        help_text="Only if the check found something that could identify a client and it "
        "must stay (for example a crisis line's number). Your reason is recorded.",
    )

    def __init__(self, *args: Any, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class AgendaItemMoveForm(PageForm):
    position = forms.IntegerField(
        min_value=1,
        required=False,
        label="New place",
        help_text="1 is first; leave empty to put it back in its computed place.",
    )
    reason = forms.CharField(
        max_length=AgendaItem._meta.get_field("move_reason").max_length,
        label="Reason (the team sees it)",
    )
    identifier_override = identifier_override_field()


class AgendaItemDiscussForm(PageForm):
    outcome = forms.CharField(
        max_length=LONG_TEXT,
        label="What came of it",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": LONG_TEXT}),
    )
    actual_minutes = forms.IntegerField(
        min_value=0,
        max_value=240,
        required=False,
        label="Minutes it took",
        widget=forms.NumberInput(attrs={"data-timer-minutes": ""}),
    )
    identifier_override = forms.CharField(
        max_length=500,
        required=False,
        label="Keep it anyway, because…",
        help_text="Only if the check found something that could identify a client and it "
        "must stay. Your reason is recorded.",
    )


class ActionItemForm(PageForm):
    owner = PersonChoiceField(
        queryset=User.objects.none(), to_field_name="public_id", label="Owner"
    )
    description = forms.CharField(
        max_length=1000,
        label="What they will do",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )
    due_on = forms.DateField(
        required=False,
        label="Due (optional)",
        help_text="Without a date it is followed up at the next meeting.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=forms.HiddenInput,
    )
    identifier_override = identifier_override_field()

    def __init__(
        self, *args: Any, members: QuerySet[User], items: QuerySet[AgendaItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]
        self.fields["agenda_item"].queryset = items  # type: ignore[attr-defined]


class ObserverFlagForm(PageForm):
    """Two clicks: the agreement it concerns (optional), then the button naming the reason."""

    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="No particular agreement",
        label="Agreement it concerns",
    )
    reason = forms.ChoiceField(choices=FlagReason.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.active().order_by(  # type: ignore[attr-defined]
            "position", "code"
        )


class MinutesForm(PageForm):
    minutes_text = forms.CharField(
        max_length=MINUTES_TEXT,
        required=False,
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 12, "maxlength": MINUTES_TEXT, **LIVE_CHECK}),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    identifier_override = identifier_override_field()


class CompleteForm(PageForm):
    confirm = forms.BooleanField(
        label="Yes, complete the meeting: lock its minutes and carry over what is left"
    )


# --- Changing a meeting and its parts ------------------------------------------------------------


class MeetingRescheduleForm(PageForm):
    """A new date and start in the team's own zone (the page says which), and the length."""

    day = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label="Start time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.IntegerField(
        min_value=15, max_value=240, label="Length (minutes)", help_text="From 15 to 240."
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.fields["start"].help_text = f"In the team's time zone ({time_zone})."

    def starts_at(self) -> dt.datetime:
        """The chosen local date and time as a moment; a time the clock skips that day (spring
        forward) reads as the same clock time an hour later, as planning does."""
        local = dt.datetime.combine(
            self.cleaned_data["day"], self.cleaned_data["start"], tzinfo=ZoneInfo(self.time_zone)
        )
        return local.astimezone(dt.UTC)


class MeetingCancelForm(PageForm):
    confirm = forms.BooleanField(
        label="Yes, cancel this meeting: its waiting items move to the next one"
    )


class AttendanceRecordForm(PageForm):
    """Who came, for one member: recorded during or after the meeting."""

    member = PersonChoiceField(
        queryset=User.objects.none(), to_field_name="public_id", label="Member"
    )
    status = forms.ChoiceField(choices=AttendanceStatus.choices, label="Attendance")

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class ActionItemStatusForm(PageForm):
    status = forms.ChoiceField(
        choices=[(ActionStatus.DONE, "Done"), (ActionStatus.DROPPED, "Dropped")]
    )


class AgendaItemEditForm(AgendaItemForm):
    """One's own item, changed until the meeting starts. Its case stays what it was: bring a
    new item for another case."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, cases=Case.objects.none(), **kwargs)
        del self.fields["case"]

    def changes(self, item: AgendaItem) -> dict[str, Any]:
        """The fields whose value differs from the item's."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "identifier_override" and getattr(item, name) != value
        }


class ObserverFlagAcknowledgeForm(PageForm):
    repair_note = forms.CharField(
        max_length=1000,
        label="How it was repaired",
        help_text="A line for the record, naming no one: “Reworded as a description of what "
        "happened.”",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )
    identifier_override = identifier_override_field()
