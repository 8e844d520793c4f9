"""Reference data: the six team agreements and the ten DBT assumptions.

Seeded by a migration, readable by every signed-in active user through a page and a read-only
API, never written through the API.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from consultteam.reference.models import (
    Agreement,
    AgreementCode,
    Assumption,
    AssumptionCode,
    AssumptionSource,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module(
    "consultteam.reference.migrations.0002_seed_reference_data"
)

AGREEMENT_CODES = [
    "DIALECTICAL",
    "CONSULTATION_TO_THE_PATIENT",
    "CONSISTENCY",
    "OBSERVING_LIMITS",
    "PHENOMENOLOGICAL_EMPATHY",
    "FALLIBILITY",
]
ASSUMPTIONS_1993 = [
    "DOING_BEST_THEY_CAN",
    "WANT_TO_IMPROVE",
    "NEED_TO_DO_BETTER",
    "MUST_SOLVE_PROBLEMS_ANYWAY",
    "LIVES_UNBEARABLE",
    "LEARN_IN_ALL_CONTEXTS",
    "CANNOT_FAIL_IN_THERAPY",
    "THERAPISTS_NEED_SUPPORT",
]
ASSUMPTIONS_2015 = ["ALL_BEHAVIOR_IS_CAUSED", "CHANGE_CAUSES_NOT_BLAME"]
# The 2015 skills list restates these five of 1993 about "people"; they are flags, not rows.
RESTATED_IN_2015 = ASSUMPTIONS_1993[:5]

LIST_URLS = ["/api/v1/agreements/", "/api/v1/assumptions/"]
DETAIL_URLS = ["/api/v1/agreements/DIALECTICAL/", "/api/v1/assumptions/DOING_BEST_THEY_CAN/"]
ALL_URLS = LIST_URLS + DETAIL_URLS


def _snapshot() -> list[tuple[object, ...]]:
    """Every reference row's code and texts, to show a refused write changed nothing."""
    agreements = Agreement.objects.values_list("code", "name", "description", "is_active")
    assumptions = Assumption.objects.values_list(
        "code", "statement", "intent", "guards_against", "reframe_example", "is_active"
    )
    return sorted([*agreements, *assumptions], key=repr)


# --- The seeded data -------------------------------------------------------------------------


def test_migration_seeds_the_six_agreements_in_order():
    agreements = list(Agreement.objects.all())
    assert [a.code for a in agreements] == AGREEMENT_CODES
    assert {a.code for a in agreements} == set(AgreementCode.values)
    for agreement in agreements:
        assert agreement.is_active
        assert agreement.name.strip()
        assert agreement.description.strip()
        assert str(agreement) == agreement.name


def test_migration_seeds_the_ten_assumptions_with_their_sources():
    assumptions = list(Assumption.objects.all())
    assert [a.code for a in assumptions] == ASSUMPTIONS_1993 + ASSUMPTIONS_2015
    assert {a.code for a in assumptions} == set(AssumptionCode.values)
    sources = {a.code: a.source for a in assumptions}
    assert {code for code, s in sources.items() if s == AssumptionSource.LINEHAN_1993} == set(
        ASSUMPTIONS_1993
    )
    assert {code for code, s in sources.items() if s == AssumptionSource.LINEHAN_2015_SKILLS} == (
        set(ASSUMPTIONS_2015)
    )
    assert {a.code for a in assumptions if a.restated_in_2015_skills} == set(RESTATED_IN_2015)


def test_every_assumption_carries_its_own_words_texts():
    for assumption in Assumption.objects.all():
        assert assumption.is_active
        assert str(assumption) == assumption.statement
        texts = [assumption.intent, assumption.guards_against, assumption.reframe_example]
        assert all(text.strip() for text in texts), assumption.code
        # Our texts explain the statement; none of them merely repeats it.
        assert assumption.statement not in texts, assumption.code


def test_seeding_again_changes_nothing():
    before = _snapshot()
    public_ids = set(Agreement.objects.values_list("public_id", flat=True))

    seed_migration.seed_reference_data(django_apps, None)

    assert Agreement.objects.count() == 6
    assert Assumption.objects.count() == 10
    assert _snapshot() == before
    # Updated in place, not deleted and recreated.
    assert set(Agreement.objects.values_list("public_id", flat=True)) == public_ids


def test_seeding_restores_edited_texts_but_keeps_a_retired_row_retired():
    Agreement.objects.filter(code="FALLIBILITY").update(description="", is_active=False)

    seed_migration.seed_reference_data(django_apps, None)

    fallibility = Agreement.objects.get(code="FALLIBILITY")
    assert fallibility.description.strip()
    assert not fallibility.is_active


def test_reverse_deletes_the_seeded_rows_and_forward_brings_them_back():
    seed_migration.unseed_reference_data(django_apps, None)
    assert not Agreement.objects.exists()
    assert not Assumption.objects.exists()

    seed_migration.seed_reference_data(django_apps, None)
    assert Agreement.objects.count() == 6
    assert Assumption.objects.count() == 10


# --- The API: reads ---------------------------------------------------------------------------


def test_agreement_list(client, tara):
    client.force_login(tara)
    response = client.get("/api/v1/agreements/")
    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body] == AGREEMENT_CODES
    assert set(body[0]) == {"public_id", "code", "name", "description", "position"}


def test_assumption_list(client, tara):
    client.force_login(tara)
    response = client.get("/api/v1/assumptions/")
    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body] == ASSUMPTIONS_1993 + ASSUMPTIONS_2015
    assert {row["source"] for row in body} == {"LINEHAN_1993", "LINEHAN_2015_SKILLS"}
    assert all(row["intent"] and row["guards_against"] and row["reframe_example"] for row in body)


def test_agreement_detail_by_code(client, tara):
    client.force_login(tara)
    response = client.get("/api/v1/agreements/PHENOMENOLOGICAL_EMPATHY/")
    assert response.status_code == 200
    agreement = Agreement.objects.get(code="PHENOMENOLOGICAL_EMPATHY")
    assert response.json() == {
        "public_id": str(agreement.public_id),
        "code": "PHENOMENOLOGICAL_EMPATHY",
        "name": agreement.name,
        "description": agreement.description,
        "position": agreement.position,
    }


def test_assumption_detail_by_code(client, olga):
    client.force_login(olga)
    response = client.get("/api/v1/assumptions/CHANGE_CAUSES_NOT_BLAME/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "CHANGE_CAUSES_NOT_BLAME"
    assert body["source"] == "LINEHAN_2015_SKILLS"
    assert body["source_display"] == AssumptionSource.LINEHAN_2015_SKILLS.label
    assert body["restated_in_2015_skills"] is False


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agreements/NOT_AN_AGREEMENT/",
        "/api/v1/agreements/dialectical/",  # codes are upper-case and matched exactly
        "/api/v1/assumptions/NOT_AN_ASSUMPTION/",
        "/api/v1/assumptions/doing_best_they_can/",
    ],
)
def test_unknown_code_is_404(client, tara, url):
    client.force_login(tara)
    assert client.get(url).status_code == 404


def test_retired_rows_leave_the_list_and_their_detail_is_404(client, tara):
    Agreement.objects.filter(code="CONSISTENCY").update(is_active=False)
    Assumption.objects.filter(code="LIVES_UNBEARABLE").update(is_active=False)
    client.force_login(tara)

    agreements = client.get("/api/v1/agreements/").json()
    assumptions = client.get("/api/v1/assumptions/").json()

    assert "CONSISTENCY" not in [row["code"] for row in agreements]
    assert "LIVES_UNBEARABLE" not in [row["code"] for row in assumptions]
    assert client.get("/api/v1/agreements/CONSISTENCY/").status_code == 404
    assert client.get("/api/v1/assumptions/LIVES_UNBEARABLE/").status_code == 404


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_query_budget(client, tara, django_assert_num_queries, url):
    client.force_login(tara)
    # 1. the session, 2. the signed-in user, 3. the rows.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_list_query_count_does_not_grow_with_rows(client, tara, django_assert_num_queries):
    client.force_login(tara)
    Assumption.objects.exclude(code="DOING_BEST_THEY_CAN").update(is_active=False)
    # Same three queries for one row as for ten: the serializer follows no relation.
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/assumptions/").json()) == 1


# --- The API: who may read --------------------------------------------------------------------


@pytest.mark.parametrize("url", ALL_URLS)
def test_anonymous_cannot_read(client, url):
    # The API challenges for a token (WWW-Authenticate: Token), so signed out is 401.
    response = client.get(url)
    assert response.status_code == 401


@pytest.mark.parametrize("url", ALL_URLS)
def test_inactive_user_cannot_read(client, url):
    former = UserFactory.create(email="former@alpha.example", is_active=False)
    # The session resolves to no user: Django's ModelBackend refuses inactive accounts.
    client.force_login(former)
    assert client.get(url).status_code == 401


@pytest.mark.parametrize("url", ALL_URLS)
def test_user_on_no_team_can_read(client, url):
    # Reference data is not clinical: membership is not needed, only an active account.
    newcomer = UserFactory.create(email="newcomer@clinic.example")
    client.force_login(newcomer)
    assert client.get(url).status_code == 200


# --- The API: writes are refused ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/agreements/"),
        ("post", "/api/v1/assumptions/"),
        ("put", "/api/v1/agreements/DIALECTICAL/"),
        ("patch", "/api/v1/agreements/DIALECTICAL/"),
        ("delete", "/api/v1/agreements/DIALECTICAL/"),
        ("put", "/api/v1/assumptions/DOING_BEST_THEY_CAN/"),
        ("patch", "/api/v1/assumptions/DOING_BEST_THEY_CAN/"),
        ("delete", "/api/v1/assumptions/DOING_BEST_THEY_CAN/"),
    ],
)
@pytest.mark.parametrize("signed_in", [True, False])
def test_writes_are_refused_and_change_nothing(client, tara, method, url, signed_in):
    if signed_in:
        client.force_login(tara)
    before = _snapshot()
    payload = {"code": "DIALECTICAL", "name": "Changed", "description": "Changed"}

    response = getattr(client, method)(url, payload, content_type="application/json")

    # The permission check runs before DRF looks for a handler, so a write answers 403 (401
    # signed out) even where the view has no such method.
    assert response.status_code == (403 if signed_in else 401)
    assert _snapshot() == before


# --- The page -------------------------------------------------------------------------------


def test_page_lists_agreements_and_assumptions_by_source(client, tara):
    client.force_login(tara)
    response = client.get("/reference/")
    assert response.status_code == 200
    content = response.content.decode()
    for agreement in Agreement.objects.all():
        assert agreement.name in content
    for source in AssumptionSource:
        assert source.label in content
    # 1993 before 2015, each assumption under its own source.
    assert content.index(AssumptionSource.LINEHAN_1993.label) < content.index(
        'id="assumption-DOING_BEST_THEY_CAN"'
    )
    assert content.index(AssumptionSource.LINEHAN_2015_SKILLS.label) < content.index(
        'id="assumption-ALL_BEHAVIOR_IS_CAUSED"'
    )
    assert content.index('id="assumption-THERAPISTS_NEED_SUPPORT"') < content.index(
        AssumptionSource.LINEHAN_2015_SKILLS.label
    )
    assert "<script" not in content
    assert "style=" not in content


def test_page_leaves_out_retired_rows(client, tara):
    Agreement.objects.filter(code="FALLIBILITY").update(is_active=False)
    client.force_login(tara)
    content = client.get("/reference/").content.decode()
    assert 'id="agreement-FALLIBILITY"' not in content
    assert 'id="agreement-DIALECTICAL"' in content


def test_page_redirects_anonymous_to_sign_in(client):
    response = client.get("/reference/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/reference/"


# --- The admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_user(db):
    return UserFactory.create(email="admin@clinic.example", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("model", ["agreement", "assumption"])
def test_admin_lists_rows_but_cannot_add_or_delete(client, admin_user, model):
    client.force_login(admin_user)
    row = (Agreement if model == "agreement" else Assumption).objects.first()
    assert row is not None
    count = type(row).objects.count()

    assert client.get(f"/admin/reference/{model}/").status_code == 200
    assert client.get(f"/admin/reference/{model}/{row.pk}/change/").status_code == 200
    assert client.get(f"/admin/reference/{model}/add/").status_code == 403
    assert client.post(
        f"/admin/reference/{model}/{row.pk}/delete/", {"post": "yes"}
    ).status_code == (403)
    assert type(row).objects.count() == count


def test_an_admin_edit_of_an_assumption_is_audited():
    from consultteam.audit.models import Action, AuditEvent

    assumption = Assumption.objects.get(code="DOING_BEST_THEY_CAN")
    assumption.intent = assumption.intent + " (reworded)"
    assumption.save(update_fields=["intent"])
    event = AuditEvent.objects.get(object_type="reference.assumption", action=Action.UPDATE)
    assert event.fields == ["intent"]
    assert "reworded" not in str(event.fields)
