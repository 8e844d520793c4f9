"""Lean read serializers (consultteam/lean.py) render exactly what DRF's own rendering gives,
row for row, over the demo's whole clinical record, meetings and audit trail; their method
fields answer from the request's own context; and a serializer that would render from the
context of a copy it keeps is refused when its plan is made."""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, QuerySet
from django.utils.functional import cached_property
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField

from agendas.agenda_read import agenda_items
from agendas.choices import Urgency
from agendas.models import AgendaItem, Meeting
from agendas.serializers import (
    AgendaItemSerializer,
    AgendaItemSubmittedSerializer,
    AgendaRowSerializer,
)
from cases.chain_detail import chain_worksheet
from cases.models import Case, ChainAnalysis, TIBEntry
from cases.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    ChainAnalysisListSerializer,
    ChainAnalysisSerializer,
    ChainConsequenceSerializer,
    ChainLinkSerializer,
    CitedCodes,
    TIBEntrySerializer,
    TIBLoggedSerializer,
    with_citations,
)
from clinic.demo import load_demo
from consultteam.audit.models import Action, AuditEvent
from consultteam.audit.serializers import AuditEventSerializer
from consultteam.fixed_fields import WRITE_SIDE, refuse_varying_fields
from consultteam.lean import Lean, columns_read, rendered_as_is
from consultteam.web.api import EnumField

pytestmark = pytest.mark.django_db


def _chains() -> QuerySet[ChainAnalysis]:
    return with_citations(
        ChainAnalysis.objects.select_related("team", "case", "author").annotate(
            link_count=Count("links")
        )
    )


def _worksheets() -> list[dict[str, Any]]:
    """The rows the chain analysis detail renders (one statement each: cases/chain_detail.py)."""
    return [
        chain_worksheet(person=chain.author_id, public_id=chain.public_id)[0]
        for chain in ChainAnalysis.objects.all()
    ]


def _agenda_items() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.select_related(
        "meeting", "submitter", "case", "tib_entry", "chain_analysis", "carried_from__meeting__team"
    )


def _agenda_rows() -> list[dict[str, Any]]:
    """The rows the API's agenda renders (one statement a meeting: agendas/agenda_read.py)."""
    return [item.row for meeting in Meeting.objects.all() for item in agenda_items(meeting)]


def _lean_classes(cls: type) -> set[type]:
    return {sub for child in cls.__subclasses__() for sub in {child, *_lean_classes(child)}}


def served_lean_serializers() -> list[type[serializers.Serializer[Any]]]:
    """Every lean serializer the project serves: all the routes are imported first, so a new
    one is held to DRF here without anyone listing it."""
    importlib.import_module(settings.ROOT_URLCONF)
    found = {cls for cls in _lean_classes(Lean) if not cls.__module__.startswith("tests.")}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


# The rows a lean serializer needs fetched with them and a context like its views give, where
# its model's plain rows and an empty context are not enough to render all its fields.
SHAPES: dict[type[serializers.Serializer[Any]], tuple[Callable[[], Any], dict[str, Any]]] = {
    CaseSerializer: (lambda: Case.objects.select_related("team", "primary_therapist"), {}),
    CaseDetailSerializer: (
        lambda: Case.objects.select_related("team", "primary_therapist"),
        {"co_therapists": []},
    ),
    TIBEntrySerializer: (lambda: with_citations(TIBEntry.objects.all()), {}),
    TIBLoggedSerializer: (lambda: with_citations(TIBEntry.objects.all()), {"warning": "Third."}),
    ChainAnalysisListSerializer: (_chains, {}),
    ChainAnalysisSerializer: (_worksheets, {}),
    AgendaItemSerializer: (_agenda_items, {"positions": {}}),
    AgendaItemSubmittedSerializer: (_agenda_items, {"notice": "Moved to the next meeting."}),
    AgendaRowSerializer: (_agenda_rows, {"positions": {}}),
    AuditEventSerializer: (lambda: AuditEvent.objects.select_related("actor", "team"), {}),
}


def _shape(cls: Any) -> tuple[Callable[[], Any], dict[str, Any]]:
    return SHAPES.get(cls, (lambda: cls.Meta.model._default_manager.all(), {}))


SERVED = served_lean_serializers()


@pytest.fixture
def demo() -> None:
    load_demo(password="lean-parity-0")
    # A system event: no actor, no team (the serializer's default and nulls).
    AuditEvent.objects.create(action=Action.LOGIN_FAILED, object_type="user")


def _stock(serializer: serializers.Serializer[Any], row: Any) -> dict[str, Any]:
    """What DRF's own `Serializer.to_representation` gives, past the lean one."""
    return dict(serializers.Serializer.to_representation(serializer, row))


def test_every_lean_serializer_is_found_and_every_shape_is_of_one() -> None:
    assert set(SHAPES) <= set(SERVED), "a shape for a serializer that is no longer lean"
    assert {ChainLinkSerializer, ChainConsequenceSerializer} <= set(SERVED)


@pytest.mark.parametrize("cls", SERVED, ids=[cls.__name__ for cls in SERVED])
def test_lean_renders_what_drf_renders(demo: None, cls: Any) -> None:
    rows, context = _shape(cls)
    found = list(rows())
    assert len(found) >= 3, "the demo should give this serializer rows to render"
    for row in found:
        serializer = cls(row, context=context)
        assert serializer.data == _stock(cls(row, context=context), row)


def test_agenda_positions_come_from_each_request(demo: None) -> None:
    items = list(_agenda_items()[:2])
    first, second = items[0], items[1]
    asked = {first.pk: 1, second.pk: 2}
    other = {first.pk: 7}
    rendered = AgendaItemSerializer(items, many=True, context={"positions": asked}).data
    again = AgendaItemSerializer(items, many=True, context={"positions": other}).data
    assert [row["position"] for row in rendered] == [1, 2]
    assert [row["position"] for row in again] == [7, None]


def test_a_nested_serializer_that_reads_its_context_is_refused_when_defined() -> None:
    class Asks(serializers.Serializer[Any]):
        note = serializers.SerializerMethodField()

        def get_note(self, row: Any) -> Any:
            return self.context.get("note")

    with pytest.raises(ImproperlyConfigured, match=r"Holds\.inner\.note renders from its context"):

        class Holds(Lean, serializers.Serializer[Any]):
            inner = Asks(source="*")


def test_a_hyperlink_is_refused_when_defined() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"Links\.url renders from the request"):

        class Links(Lean, serializers.Serializer[Any]):
            url = serializers.HyperlinkedIdentityField(view_name="case-detail")


def test_missing_links_answer_as_drf_does() -> None:
    """A default, a null, or the key left out, as DRF's own rendering decides."""

    class Row:
        def __init__(self, owner: Any) -> None:
            self.owner = owner

    class Owner:
        name = "Clinician 0007"

    class Shows(Lean, serializers.Serializer[Any]):
        owner_name = serializers.CharField(source="owner.name", read_only=True)
        owner_or_blank = serializers.CharField(source="owner.name", read_only=True, default="")
        owner_or_null = serializers.CharField(source="owner.name", read_only=True, allow_null=True)

    for row in (Row(Owner()), Row(None)):
        assert Shows(row).data == _stock(Shows(row), row)
    assert Shows(Row(None)).data == {"owner_or_blank": "", "owner_or_null": None}


# --- Fields that vary per request: refused when the class is defined -----------------------


class _Note:
    """A row with a field some requests may not see."""

    title = "Chain after the skills group"
    private_note = "Held back from the observer"


class HidesNote(serializers.Serializer[Any]):
    """The trap of issue 18, as stock DRF: the note is hidden per request."""

    title = serializers.CharField(read_only=True)
    private_note = serializers.CharField(read_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.context.get("observer"):
            self.fields.pop("private_note")


def test_stock_drf_hides_the_note_per_request() -> None:
    """What a lean twin of `HidesNote` got wrong: it kept the note for every request."""
    assert HidesNote(_Note(), context={"observer": True}).data == {"title": _Note.title}
    assert set(HidesNote(_Note()).data) == {"title", "private_note"}


def test_the_trap_cannot_be_declared_lean() -> None:
    with pytest.raises(ImproperlyConfigured) as refused:

        class LeanHidesNote(Lean, HidesNote):
            pass

    message = str(refused.value)
    assert message.startswith("LeanHidesNote cannot use Lean: HidesNote.__init__ is redefined")
    assert "may give each request its own fields" in message


def _hides_by_get_fields(self: Any) -> Any:
    fields = serializers.Serializer.get_fields(self)
    if self.context.get("observer"):
        fields.pop("private_note")
    return fields


# Each way a serializer's fields (or their rendering) can follow the request.
VARYING = [
    "__init__",
    "__new__",
    "fields",
    "get_fields",
    "get_field_names",
    "get_default_field_names",
    "build_field",
    "build_standard_field",
    "build_relational_field",
    "build_nested_field",
    "build_property_field",
    "get_extra_kwargs",
    "include_extra_kwargs",
    "_readable_fields",
    "to_representation",
    "data",
    "bind",
]


@pytest.mark.parametrize("hook", VARYING)
def test_a_redefined_hook_is_refused_when_defined(hook: str) -> None:
    redefined = property(_hides_by_get_fields) if hook in {"fields", "data"} else lambda *a: a
    with pytest.raises(ImproperlyConfigured, match=rf"^Varies cannot .* Varies\.{hook} "):
        type("Varies", (Lean, serializers.Serializer), {hook: redefined, "__module__": __name__})


def test_a_serializer_made_with_type_is_checked_as_any_other() -> None:
    """Without a module of its own it takes DRF's (its metaclass's): it is not DRF's for that."""
    with pytest.raises(ImproperlyConfigured, match=r"^Made cannot .* Made\.get_fields "):
        type("Made", (Lean, serializers.Serializer), {"get_fields": _hides_by_get_fields})


def test_a_base_cannot_let_its_subclasses_past_the_check() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^Quiet cannot .* Quiet\.__init_subclass__ "):

        class Quiet(Lean, serializers.Serializer[Any]):
            def __init_subclass__(cls, **kwargs: Any) -> None:
                pass


def test_a_hook_redefined_in_a_mixin_after_lean_is_refused() -> None:
    class Hiding:
        get_fields = _hides_by_get_fields

    with pytest.raises(ImproperlyConfigured, match=r"^Mixed cannot .* Hiding\.get_fields "):

        class Mixed(Lean, Hiding, serializers.Serializer[Any]):
            title = serializers.CharField(read_only=True)


def test_a_lean_subclass_of_a_varying_lean_base_is_refused_with_it() -> None:
    class Base(serializers.Serializer[Any]):
        get_fields = _hides_by_get_fields

    class Middle(Base):
        pass

    with pytest.raises(ImproperlyConfigured, match=r"^Bottom cannot .* Base\.get_fields "):

        class Bottom(Lean, Middle):
            pass


@pytest.mark.parametrize("many", [False, True])
def test_a_nested_serializer_whose_fields_vary_is_refused(many: bool) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^Holds\.note cannot .* HidesNote\.__init__"):

        class Holds(Lean, serializers.Serializer[Any]):
            note = HidesNote(source="*", many=many, read_only=True)


def test_a_nested_list_of_its_own_kind_is_refused() -> None:
    class Rows(serializers.ListSerializer[Any]):
        def to_representation(self, data: Any) -> Any:
            return super().to_representation(data)[:1]

    class Line(serializers.Serializer[Any]):
        title = serializers.CharField(read_only=True)

        class Meta:
            list_serializer_class = Rows

    with pytest.raises(ImproperlyConfigured, match=r"^Holds\.lines .* Rows\.to_representation"):

        class Holds(Lean, serializers.Serializer[Any]):
            lines = Line(many=True, read_only=True)


def test_the_write_side_and_plain_settings_may_be_redefined() -> None:
    class Writes(Lean, serializers.Serializer[Any]):
        title = serializers.CharField()
        serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping}

        class Meta:
            fields = ["title"]

        def validate(self, attrs: Any) -> Any:
            return attrs

        def create(self, validated_data: Any) -> Any:
            return validated_data

    checked = Writes(data={"title": "x"})
    assert checked.is_valid()
    assert Writes(_Note()).data == {"title": _Note.title}


def test_every_served_lean_serializer_passes_the_check() -> None:
    for cls in SERVED:
        refuse_varying_fields(cls, cls.__name__, base=Lean)


def test_a_field_whose_default_takes_the_context_is_refused_when_defined() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^Stamps\.by takes its default .* context"):

        class Stamps(Lean, serializers.Serializer[Any]):
            by = serializers.HiddenField(default=serializers.CurrentUserDefault())


def test_a_field_that_reads_its_context_fails_at_its_first_row() -> None:
    """DRF gives such a field the request's context; the plan's copy has none to give."""

    class Asks(serializers.Field[Any, Any, Any, Any]):
        def to_representation(self, value: Any) -> Any:
            return self.context.get("note", value)

    class Uses(Lean, serializers.Serializer[Any]):
        title = Asks(read_only=True)

    with pytest.raises(ImproperlyConfigured, match=r"A field of Uses renders from its context"):
        _ = Uses(_Note(), context={"note": "n"}).data


def test_a_mapping_row_is_read_by_key_as_drf_does() -> None:
    class Shows(Lean, serializers.Serializer[Any]):
        items = serializers.CharField(read_only=True)
        title = serializers.CharField(read_only=True)

    row = {"items": "three links", "title": "Chain"}
    assert Shows(row).data == _stock(Shows(row), row) == row


def test_a_path_of_keys_and_what_is_not_there_read_as_drf_does() -> None:
    """A compiled read's row: a relation's values nested (``team.public_id``)."""

    class Shows(Lean, serializers.Serializer[Any]):
        team = serializers.CharField(source="team.name", read_only=True)
        lead = serializers.CharField(source="team.lead.name", read_only=True, allow_null=True)
        case = serializers.CharField(source="case.code", read_only=True, default="none")
        note = serializers.CharField(read_only=True)
        made = serializers.CharField(read_only=True)

    rows = [
        {"team": {"name": "Alpha", "lead": {"name": "Lena"}}, "case": {"code": "C-1"}},
        {"team": {"name": "Beta", "lead": None}, "note": "x", "made": lambda: "called"},
        {"team": {"name": "Gamma"}},
    ]
    for row in rows:
        assert Shows(row).data == _stock(Shows(row), row)
    assert Shows(rows[1]).data["made"] == "called"
    assert "note" not in Shows(rows[2]).data  # left out, as DRF leaves it out

    # The same through objects: a missing link, a callable on the way, a mapping on the way.
    def alpha() -> SimpleNamespace:
        return SimpleNamespace(name="Alpha", lead=SimpleNamespace(name="Lena"))

    objects = [
        SimpleNamespace(team=alpha(), case=SimpleNamespace(code="C-1"), note="n", made="m"),
        SimpleNamespace(team=SimpleNamespace(name="Beta", lead=None), case=None, made=alpha),
        SimpleNamespace(team=alpha, case={"code": "C-2"}, note="n", made="m"),
        SimpleNamespace(team={"name": "Delta", "lead": {"name": "Dee"}}, note="n", made="m"),
    ]
    for row in objects:
        assert Shows(row).data == _stock(Shows(row), row)


def test_a_callable_attribute_is_called_as_drf_does() -> None:
    class Row:
        def title(self) -> str:
            return "Chain"

    class Shows(Lean, serializers.Serializer[Any]):
        title = serializers.CharField(read_only=True)

    assert Shows(Row()).data == _stock(Shows(Row()), Row()) == {"title": "Chain"}


def test_a_pk_only_stand_in_renders_as_drf_does(demo: None) -> None:
    class Shows(Lean, serializers.ModelSerializer[Case]):
        class Meta:
            model = Case
            fields = ["code", "team", "primary_therapist"]

    for row in Case.objects.all()[:3]:
        assert Shows(row).data == _stock(Shows(row), row)


# --- What lean.py takes from DRF, pinned: a DRF upgrade that changes it fails here ----------


def test_drf_still_builds_fields_per_instance_in_a_cached_fields_from_get_fields() -> None:
    """The plan is made from one instance's `fields`, which DRF builds from `get_fields`
    (the declared fields, from the metaclass's `_declared_fields`) once per instance."""
    assert isinstance(inspect.getattr_static(serializers.Serializer, "fields"), cached_property)
    assert "get_fields" in vars(serializers.Serializer)
    assert "get_fields" in vars(serializers.ModelSerializer)
    assert set(HidesNote._declared_fields) == {"title", "private_note"}
    assert "title" not in vars(HidesNote), "declared fields are taken off the class"
    assert HidesNote().fields is not HidesNote().fields


def test_drf_still_has_every_write_side_name_lean_lets_through() -> None:
    """A name DRF renamed would let its new name through unseen, or refuse a stale one."""
    assert (
        set().union(
            *(
                vars(cls)
                for cls in (
                    drf_fields.Field,
                    serializers.BaseSerializer,
                    serializers.Serializer,
                    serializers.ModelSerializer,
                )
            )
        )
        >= WRITE_SIDE
    )


def test_drf_still_makes_serializers_generic_without_a_new_base() -> None:
    """`ModelSerializer[Case]` is the class itself, so the bases walked are the real ones."""
    assert serializers.ModelSerializer[Case] is serializers.ModelSerializer


def test_drf_still_keeps_the_context_on_the_root_as_context() -> None:
    """The plan's copy refuses its context through `_context`, which every field asks via
    its root."""
    outer = HidesNote(context={"observer": False})
    assert outer._context == {"observer": False}
    assert outer.fields["title"].context is outer._context


def test_drf_still_splits_a_source_into_source_attrs() -> None:
    bound = TIBEntrySerializer().fields
    assert bound["author_name"].source_attrs == ["author", "display_name"]
    assert bound["description"].source_attrs == ["description"]
    whole = serializers.CharField(source="*", read_only=True)
    whole.bind("whole", HidesNote())
    assert whole.source_attrs == []


def test_drf_still_reads_with_field_get_attribute_unless_a_field_says_otherwise() -> None:
    """The shortcut stands in for `Field.get_attribute` only: a field class that reads its
    own way (a relation, a list of relations, ours) is asked itself."""
    read_own_way: set[type[drf_fields.Field[Any, Any, Any, Any]]] = {
        relations.RelatedField,
        relations.ManyRelatedField,
        CitedCodes,
    }
    for field in read_own_way:
        assert field.get_attribute is not drf_fields.Field.get_attribute, field
    plain = (serializers.CharField, serializers.UUIDField, serializers.ChoiceField)
    for field in (*plain, serializers.ListSerializer, serializers.Serializer):
        assert field.get_attribute is drf_fields.Field.get_attribute, field


def test_drf_still_answers_a_missing_attribute_as_lean_expects() -> None:
    """What the shortcut hands back to DRF: a default, a null, or `SkipField` (key left out),
    a mapping read by key, a plain callable called."""

    def bound(**options: Any) -> Any:
        field = serializers.CharField(source="owner.name", read_only=True, **options)
        field.bind("owner_name", HidesNote())
        return field

    with pytest.raises(SkipField):
        bound().get_attribute(object())
    assert bound(default="").get_attribute(object()) == ""
    assert bound(allow_null=True).get_attribute(object()) is None
    assert bound().get_attribute({"owner": {"name": "Lena"}}) == "Lena"
    assert bound().get_attribute({"owner": {"name": lambda: "Sam"}}) == "Sam"


def test_drf_still_answers_null_for_a_path_through_a_missing_relation() -> None:
    """What the plan answers itself for a row whose relation is None: DRF's walk fails on
    the None, and a field with no default that allows null renders null; any other field
    is left to DRF (a default, or the key left out)."""
    row = {"owner": None}
    field = serializers.CharField(source="owner.name", read_only=True, allow_null=True)
    field.bind("owner_name", HidesNote())
    assert field.get_attribute(row) is None


class HidesOwner(Lean, serializers.Serializer[Any]):
    owner_name = serializers.CharField(source="owner.name", read_only=True, allow_null=True)
    owner_code = serializers.CharField(source="owner.code", read_only=True, default="none")
    owner_kind = serializers.CharField(source="owner.kind", read_only=True)


def test_a_path_through_a_missing_relation_renders_as_drf_renders_it() -> None:
    for row in ({"owner": None}, {"owner": {"name": "Lena", "code": "L1", "kind": "k"}}):
        serializer = HidesOwner(row)
        assert serializer.data == _stock(HidesOwner(row), row)
    assert HidesOwner({"owner": None}).data == {"owner_name": None, "owner_code": "none"}


@pytest.mark.parametrize(
    ("field", "values"),
    [
        (serializers.CharField(), ["", "Mondays at ten", "ü"]),
        (serializers.EmailField(), ["lead@example.org"]),
        (serializers.IntegerField(), [0, -3, 2**40]),
        (serializers.BooleanField(), [True, False]),
        (EnumField(Urgency), list(Urgency.values)),
    ],
    ids=["char", "email", "integer", "boolean", "enum"],
)
def test_drf_still_renders_a_value_of_its_own_type_as_itself(field: Any, values: list[Any]):
    """Lean passes such a value through untouched (`rendered_as_is`): DRF must give it back
    equal and of the same type."""
    kind = rendered_as_is(field)
    assert kind is not None
    for value in values:
        assert type(value) is kind
        rendered = field.to_representation(value)
        assert rendered == value
        assert type(rendered) is kind


def test_a_field_that_changes_its_values_is_always_rendered_by_drf() -> None:
    """Choices whose keys are not their own strings, a field with its own rendering, and
    the types whose rendering is work (a UUID, a time) are never passed through."""

    class Shouting(serializers.CharField):
        def to_representation(self, value: Any) -> str:
            return str(value).upper()

    keyed_by_number: Any = serializers.ChoiceField(choices=[(1, "one")]).to_representation("1")
    assert keyed_by_number == 1
    for field in (
        serializers.ChoiceField(choices=[(1, "one")]),
        Shouting(),
        serializers.UUIDField(),
        serializers.DateTimeField(),
        serializers.FloatField(),
    ):
        assert rendered_as_is(field) is None, field


def test_drf_still_stands_a_pk_only_object_in_for_a_relation() -> None:
    """The plan renders null for a `PKOnlyObject` whose pk is null, as DRF's own loop does."""
    field: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    field.bind("team", HidesNote())

    class Row:
        team_id = None

        def serializable_value(self, name: str) -> Any:
            return getattr(self, f"{name}_id")

    stand_in = field.get_attribute(Row())
    assert isinstance(stand_in, relations.PKOnlyObject)
    assert stand_in.pk is None


def test_drf_still_names_a_method_field_after_its_method_once_bound() -> None:
    bound = TIBLoggedSerializer().fields
    warning = bound["warning"]
    assert isinstance(warning, serializers.SerializerMethodField)
    assert warning.method_name == "get_warning"
    assert bound["assumptions"].write_only is False


def test_drf_still_nests_many_as_a_list_serializer_with_a_child() -> None:
    links = ChainAnalysisSerializer().fields["links"]
    assert isinstance(links, serializers.ListSerializer)
    assert type(links.child) is ChainLinkSerializer


def test_drf_still_marks_what_takes_the_context_with_requires_context() -> None:
    assert serializers.CurrentUserDefault.requires_context is True
    assert serializers.CreateOnlyDefault.requires_context is True


def test_drf_still_defines_its_serializers_at_the_top_of_its_modules() -> None:
    """How fixed_fields tells DRF's own classes from ours (whose hooks it checks)."""
    for cls in (
        serializers.ModelSerializer,
        serializers.Serializer,
        serializers.ListSerializer,
        drf_fields.Field,
    ):
        assert getattr(sys.modules[cls.__module__], cls.__qualname__) is cls


def test_columns_read_are_each_fields_source_along_its_relations() -> None:
    assert columns_read(TIBEntrySerializer) == (
        "public_id", "team__public_id", "case__public_id", "case__code", "author__public_id",
        "author__display_name", "actor", "category", "setting", "description", "occurred_on",
        "count", "status", "shared_with_team", "chain_analysis__public_id", "created_at",
        "updated_at",
    )  # fmt: skip
    # Its citations read in their own way (CitedCodes), and a method field is its own: left out.
    assert "assumptions" not in columns_read(TIBEntrySerializer)
    assert "warning" not in columns_read(TIBLoggedSerializer)
