"""The clinical record's rules, below the API and pages: who reads what (DOMAIN.md section 3),
random case codes, the TIB log's checks, and chain links that stay in order under concurrency."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cases import services as clinical
from cases.choices import Actor, ChainStatus, LinkKind, Setting
from cases.models import Case, ChainAnalysis, ChainLink, TIBEntry
from consultteam.audit.models import Action, AuditEvent
from consultteam.errors import Conflict
from tests.conftest import requires_postgres
from tests.dates import resolved, today, tomorrow

pytestmark = pytest.mark.django_db


def _visible(model, user) -> set[str]:
    return {str(obj.public_id) for obj in model.objects.visible_to(user)}


# --- Who reads what ---------------------------------------------------------------------------


def test_cases_are_visible_to_the_whole_team_only(world):
    for who in ("tara", "theo", "lena", "sam"):
        assert _visible(Case, getattr(world, who)) == {str(world.tara_case.public_id)}, who
    for who in ("olga",):
        assert str(world.tara_case.public_id) not in _visible(Case, getattr(world, who))
    for who in ("fern", "ivan", "ada"):
        assert _visible(Case, getattr(world, who)) == set(), who


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # The owner sees everything of her own.
        ("tara", {"tara_tib_private", "tara_tib_shared", "tara_own_tib", "team_tib"}),
        # A teammate: only what was brought to team, and the team's own.
        ("theo", {"tara_tib_shared", "team_tib"}),
        # Leader and supervisor read all of their team's.
        ("lena", {"tara_tib_private", "tara_tib_shared", "tara_own_tib", "team_tib"}),
        ("sam", {"tara_tib_private", "tara_tib_shared", "tara_own_tib", "team_tib"}),
        ("olga", {"olga_case_tib"}),
        ("fern", set()),
        ("ivan", set()),
        ("ada", set()),
    ],
)
def test_tib_visibility(world, who, expected):
    names = {"tara_tib_private", "tara_tib_shared", "tara_own_tib", "team_tib", "olga_case_tib"}
    ids = {str(getattr(world, name).public_id): name for name in names}
    seen = {ids[i] for i in _visible(TIBEntry, getattr(world, who)) if i in ids}
    assert seen == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("tara", {"tara_chain_draft", "tara_chain_ready", "tara_self_chain"}),
        ("theo", {"tara_chain_ready"}),
        ("lena", {"tara_chain_draft", "tara_chain_ready", "tara_self_chain"}),
        ("sam", {"tara_chain_draft", "tara_chain_ready", "tara_self_chain"}),
        ("olga", {"olga_chain"}),
        ("fern", set()),
        ("ada", set()),
    ],
)
def test_chain_visibility(world, who, expected):
    names = {"tara_chain_draft", "tara_chain_ready", "tara_self_chain", "olga_chain"}
    ids = {str(getattr(world, name).public_id): name for name in names}
    assert {ids[i] for i in _visible(ChainAnalysis, getattr(world, who))} == expected


def test_a_co_therapist_from_another_team_reads_and_writes_that_case_only(world):
    olga, case = world.olga, world.tara_case
    clinical.case_co_therapist_add(case=case, therapist=olga, by=world.tara)
    assert str(case.public_id) in _visible(Case, olga)
    assert str(world.tara_tib_private.public_id) in _visible(TIBEntry, olga)
    assert str(world.tara_chain_draft.public_id) in _visible(ChainAnalysis, olga)
    # ... but not Tara's own TIB, which is not about the case.
    assert str(world.tara_own_tib.public_id) not in _visible(TIBEntry, olga)
    clinical.tib_log(
        by=olga,
        team=world.alpha,
        actor=Actor.CLIENT,
        case=case,
        category="NON_ATTENDING",
        setting=Setting.SKILLS_GROUP,
        occurred_on=today(),
        description="Did not come to group.",
    )
    assert AuditEvent.objects.filter(action=Action.GRANT, team=world.alpha).exists()
    clinical.case_co_therapist_remove(case=case, therapist=olga, by=world.lena)
    assert str(case.public_id) not in _visible(Case, olga)


def test_an_outside_reviewer_reads_one_chain_analysis(world):
    clinical.chain_reviewer_add(chain=world.tara_chain_draft, reviewer=world.olga, by=world.tara)
    seen = _visible(ChainAnalysis, world.olga)
    assert str(world.tara_chain_draft.public_id) in seen
    assert str(world.tara_chain_ready.public_id) not in seen
    assert str(world.tara_case.public_id) not in _visible(Case, world.olga)


def test_visibility_queries_do_not_duplicate_rows(world):
    # Tara is primary therapist, author, and holds a grant: each row still once.
    clinical.case_co_therapist_add(case=world.tara_case, therapist=world.tara, by=world.lena)
    entries = list(TIBEntry.objects.visible_to(world.tara))
    assert len(entries) == len({e.pk for e in entries})


# --- Who writes what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["theo", "sam", "lena", "olga"])
def test_only_the_case_therapists_write_its_client_record(world, who):
    with pytest.raises(PermissionDenied):
        clinical.tib_log(
            by=getattr(world, who),
            team=world.alpha,
            actor=Actor.CLIENT,
            case=world.tara_case,
            category="NON_COMPLIANT",
            setting=Setting.INDIVIDUAL_SESSION,
            occurred_on=today(),
            description="x",
        )
    chain = world.tara_chain_draft
    with pytest.raises(PermissionDenied):
        clinical.chain_update(
            chain=chain,
            by=getattr(world, who),
            expected_version=chain.version,
            changes={"repair": "x"},
        )


def test_the_team_leader_changes_the_case_but_not_its_record(world):
    clinical.case_update(case=world.tara_case, by=world.lena, changes={"stage": "STAGE_2"})
    world.tara_case.refresh_from_db()
    assert world.tara_case.stage == "STAGE_2"


@pytest.mark.parametrize("status", [ChainStatus.PRESENTED, ChainStatus.REVIEWED])
@pytest.mark.parametrize("who", ["lena", "sam"])
def test_no_one_but_the_author_shares_a_draft(world, who, status):
    chain = world.tara_chain_draft
    with pytest.raises(PermissionDenied):
        clinical.chain_set_status(
            chain=chain, by=getattr(world, who), status=status, expected_version=chain.version
        )
    chain.refresh_from_db()
    assert chain.status == ChainStatus.DRAFT


def test_status_moves_follow_roles(world):
    chain = world.tara_chain_ready
    with pytest.raises(PermissionDenied):
        clinical.chain_set_status(
            chain=chain, by=world.tara, status=ChainStatus.PRESENTED, expected_version=chain.version
        )
    chain = clinical.chain_set_status(
        chain=chain, by=world.lena, status=ChainStatus.PRESENTED, expected_version=chain.version
    )
    chain = clinical.chain_set_status(
        chain=chain, by=world.sam, status=ChainStatus.REVIEWED, expected_version=chain.version
    )
    assert chain.status == ChainStatus.REVIEWED


# --- Cases and codes --------------------------------------------------------------------------


def test_case_codes_are_random_and_unique_per_team(world):
    codes = {
        clinical.case_open(team=world.alpha, by=world.tara, opened=today()).code for _ in range(30)
    }
    assert len(codes) == 30
    assert all(re.fullmatch(r"C-[2-9A-HJKMNP-Z]{6}", code) for code in codes)


def test_a_duplicate_code_in_one_team_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            team=world.alpha,
            code=world.tara_case.code,
            primary_therapist=world.tara,
            opened=today().replace(day=1),
        )


def test_opened_is_kept_as_a_month(world):
    case = clinical.case_open(team=world.alpha, by=world.tara, opened=dt.date(2025, 3, 17))
    assert case.opened == dt.date(2025, 3, 1)


def test_no_field_could_hold_a_client_identity():
    forbidden = re.compile(r"name|birth|dob|address|phone|email|record_number|mrn|ssn")
    for model in (Case, TIBEntry, ChainAnalysis, ChainLink):
        for field in model._meta.get_fields():
            assert not forbidden.search(field.name), f"{model.__name__}.{field.name}"


# --- The TIB log ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "LATE_OR_ABSENT"}, "category"),  # a team category on a client TIB
        ({"category": "SHOUTING"}, "category"),
        ({"occurred_on": tomorrow}, "occurred_on"),
        ({"description": "x" * 2001}, "description"),
        ({"count": 0}, "count"),
    ],
)
def test_bad_tib_input_is_refused_with_the_field_named(world, changes, field):
    before = TIBEntry.objects.count()
    values = {
        "category": "NON_COMPLIANT",
        "setting": Setting.INDIVIDUAL_SESSION,
        "occurred_on": today(),
        "description": "Arrived without the diary card.",
        **resolved(changes),
    }
    with pytest.raises(ValidationError) as refused:
        clinical.tib_log(
            by=world.tara, team=world.alpha, actor=Actor.CLIENT, case=world.tara_case, **values
        )
    assert field in refused.value.message_dict
    assert TIBEntry.objects.count() == before


def test_three_missed_sessions_in_a_row_warn_and_attending_resets(world):
    def miss():
        return clinical.tib_log(
            by=world.tara,
            team=world.alpha,
            actor=Actor.CLIENT,
            case=world.tara_case,
            category="NON_ATTENDING",
            setting=Setting.INDIVIDUAL_SESSION,
            occurred_on=today(),
            description="Did not come to the session and did not call.",
        )

    assert miss().warning is None
    assert miss().warning is None
    third = miss()
    assert third.missed_in_a_row == 3
    assert "3 individual sessions in a row" in (third.warning or "")
    clinical.case_session_attended(
        case=world.tara_case, mode=Setting.INDIVIDUAL_SESSION, by=world.tara
    )
    assert miss().missed_in_a_row == 1


# --- Chain links: order and concurrency -------------------------------------------------------


def _positions(chain) -> list[tuple[int, str]]:
    return list(chain.links.order_by("position").values_list("position", "description"))


def test_links_stay_contiguous_through_insert_move_and_remove(world):
    chain = world.tara_chain_draft
    link = clinical.chain_link_add(
        chain=chain,
        by=world.tara,
        expected_version=chain.version,
        kind=LinkKind.THOUGHT,
        description="'I have to get out'",
        position=2,
    )
    chain.refresh_from_db()
    assert [p for p, _ in _positions(chain)] == [1, 2, 3, 4]
    assert link.position == 2
    first = chain.links.get(position=1)
    clinical.chain_link_remove(link=first, by=world.tara, expected_version=chain.version)
    chain.refresh_from_db()
    assert [p for p, _ in _positions(chain)] == [1, 2, 3]
    order = list(chain.links.order_by("-position").values_list("public_id", flat=True))
    clinical.chain_links_reorder(
        chain=chain, by=world.tara, expected_version=chain.version, order=order
    )
    chain.refresh_from_db()
    assert next(d for _, d in _positions(chain)) == "Urge to get out of the room."
    assert chain.version == 7  # start + 3 links + add + remove + reorder


def test_a_stale_edit_is_refused_not_silently_applied(world):
    chain = world.tara_chain_draft
    opened_at = chain.version
    clinical.chain_update(
        chain=chain, by=world.tara, expected_version=opened_at, changes={"repair": "Apologised."}
    )
    with pytest.raises(Conflict, match="Someone else saved"):
        clinical.chain_update(
            chain=chain, by=world.tara, expected_version=opened_at, changes={"repair": "Other."}
        )
    chain.refresh_from_db()
    assert chain.repair == "Apologised."


@pytest.mark.parametrize("problem", ["missing", "repeated", "stranger"])
def test_a_reorder_must_name_every_link_once(world, problem):
    chain = world.tara_chain_draft
    order = list(chain.links.order_by("position").values_list("public_id", flat=True))
    if problem == "missing":
        order = order[:-1]
    elif problem == "repeated":
        order = [order[0], *order]
    else:
        order = [*order[:-1], world.olga_chain.public_id]
    before = _positions(chain)
    with pytest.raises(ValidationError):
        clinical.chain_links_reorder(
            chain=chain, by=world.tara, expected_version=chain.version, order=order
        )
    assert _positions(chain) == before


def test_a_skill_needs_its_module(world):
    chain = world.tara_chain_draft
    with pytest.raises(ValidationError):
        clinical.chain_link_add(
            chain=chain,
            by=world.tara,
            expected_version=chain.version,
            kind=LinkKind.ACTION,
            description="Walked out.",
            solution_type="SKILL",
        )
    assert chain.links.count() == 3


def test_record_changes_are_audited_without_their_content(world):
    events = AuditEvent.objects.filter(team=world.alpha)
    assert events.filter(object_type="cases.tibentry", action=Action.CREATE).exists()
    assert events.filter(object_type="cases.chainanalysis", action=Action.UPDATE).exists()
    text = " ".join(str(v) for row in AuditEvent.objects.values() for v in row.values())
    assert "Diary card" not in text
    assert world.tara_case.code not in text


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_adding_a_link_at_the_same_moment(world):
    """Both opened version v; both press save together. One wins, the other is told, and
    the links stay 1..n with no lost or doubled position."""
    from django.db import connection

    clinical.case_co_therapist_add(case=world.tara_case, therapist=world.theo, by=world.tara)
    chain = world.tara_chain_draft
    opened_at = chain.version
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, text):
        start.wait()
        try:
            clinical.chain_link_add(
                chain=chain,
                by=user,
                expected_version=opened_at,
                kind=LinkKind.ACTION,
                description=text,
            )
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(world.tara, "Walked to the door.")),
        threading.Thread(target=save, args=(world.theo, "Sat back down.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    chain.refresh_from_db()
    assert [p for p, _ in _positions(chain)] == [1, 2, 3, 4]
    assert chain.version == opened_at + 1
