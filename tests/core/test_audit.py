"""The audit trail: every change of an access record is recorded whatever path made it,
events carry who/when/where but never field content, and the trail cannot be rewritten."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from consultteam.audit.context import acting
from consultteam.audit.models import Action, AuditEvent
from consultteam.audit.services import audit_record
from consultteam.teams.models import Membership, Role, Team
from tests.conftest import requires_postgres
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CANARY = "Canary-7Q2X-not-for-the-trail"


def _text_of_every_event() -> str:
    return " ".join(str(value) for row in AuditEvent.objects.values() for value in row.values())


def test_creating_changing_and_removing_a_membership_is_recorded(alpha, lena):
    person = UserFactory.create()
    with acting(actor_id=lena.pk):
        membership = MembershipFactory.create(team=alpha, user=person)
        membership.role = Role.SUPERVISOR
        membership.save(update_fields=["role"])
        membership.delete()
    events = list(
        AuditEvent.objects.filter(
            object_type="teams.membership", object_id=str(membership.public_id)
        ).order_by("id")
    )
    assert [e.action for e in events] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert all(e.team_id == alpha.pk and e.actor_id == lena.pk for e in events)
    assert events[1].fields == ["role"]


def test_events_never_store_field_content(alpha):
    team = Team.objects.create(name=CANARY)
    team.time_zone = "Europe/Dublin"
    team.save()
    assert AuditEvent.objects.filter(object_id=str(team.public_id)).count() == 2
    assert CANARY not in _text_of_every_event()
    assert "Europe/Dublin" not in _text_of_every_event()


def test_a_change_in_the_admin_is_recorded_with_the_admin_as_actor(client, ada, alpha, tara):
    ada.is_superuser = True
    ada.save()
    membership = Membership.objects.get(user=tara)
    client.force_login(ada)
    response = client.post(
        f"/admin/teams/membership/{membership.pk}/change/",
        {
            "team": alpha.pk,
            "user": tara.pk,
            "role": Role.SUPERVISOR,
            "is_active": "on",
            "joined_on": membership.joined_on.isoformat(),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.filter(object_type="teams.membership", action=Action.UPDATE).get()
    assert event.actor_id == ada.pk
    assert event.request_id
    assert event.ip == "127.0.0.1"


def test_request_id_is_echoed_and_recorded(client, lena, alpha):
    client.force_login(lena)
    response = client.get("/", HTTP_X_REQUEST_ID="req-0123456789")
    assert response["X-Request-ID"] == "req-0123456789"
    junk = client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert junk["X-Request-ID"] != "<script>"


def test_the_model_refuses_to_change_or_delete_an_event(alpha):
    event = AuditEvent.objects.filter(team=alpha).first()
    assert event is not None
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


@requires_postgres()
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'VIEW'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_postgres_trigger_refuses_rewrites(alpha, statement):
    assert AuditEvent.objects.exists()
    with transaction.atomic(), connection.cursor() as cursor:
        # Settle the deferred foreign-key checks of this test's own inserts first, or
        # PostgreSQL refuses TRUNCATE for that reason before our trigger is reached.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(statement)
    assert AuditEvent.objects.filter(team=alpha).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_are_committed_with_the_change_they_record():
    team = Team.objects.create(name="Committed")
    assert AuditEvent.objects.filter(object_id=str(team.public_id)).exists()


def test_a_change_that_rolls_back_leaves_no_event():
    def create_then_fail() -> None:
        with transaction.atomic():
            Team.objects.create(name="Rolled back")
            raise RuntimeError("abandon")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not AuditEvent.objects.filter(object_type="teams.team").exists()


class TestTrailAccess:
    def test_team_leader_sees_only_their_teams_events(self, client, lena, alpha, beta, olga):
        client.force_login(lena)
        body = client.get("/api/v1/audit-events/").json()
        teams = {event["team"] for event in body["results"]}
        assert teams == {str(alpha.public_id)}

    def test_admin_sees_every_team(self, client, ada, alpha, beta, olga, lena):
        client.force_login(ada)
        body = client.get("/api/v1/audit-events/?page_size=200").json()
        teams = {event["team"] for event in body["results"]}
        assert {str(alpha.public_id), str(beta.public_id)} <= teams

    def test_filters(self, client, ada, alpha, beta, lena, olga):
        client.force_login(ada)
        only_beta = client.get(f"/api/v1/audit-events/?team={beta.public_id}&action=CREATE")
        assert only_beta.status_code == 200
        results = only_beta.json()["results"]
        assert results
        assert {(e["team"], e["action"]) for e in results} == {(str(beta.public_id), "CREATE")}

    def test_filter_by_actor_and_ids_nobody_has(self, client, ada, alpha, beta, lena, olga):
        audit_record(action=Action.VIEW, obj=alpha, team=alpha, actor_id=lena.pk)
        client.force_login(ada)
        by_lena = client.get(f"/api/v1/audit-events/?actor={lena.public_id}").json()["results"]
        assert by_lena
        assert {e["actor"] for e in by_lena} == {str(lena.public_id)}
        for name in ("team", "actor"):
            nobody = client.get(f"/api/v1/audit-events/?{name}={uuid.uuid4()}")
            assert nobody.status_code == 200
            assert nobody.json()["results"] == []

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("team=not-a-uuid", "team"),
            ("action=SHOUT", "action"),
            ("since=yesterday", "since"),
            ("since=2026-05-02&until=2026-05-01", "until"),
        ],
    )
    def test_bad_filters_are_a_clear_400(self, client, ada, query, field):
        client.force_login(ada)
        response = client.get(f"/api/v1/audit-events/?{query}")
        assert response.status_code == 400
        assert field in response.json()
        page = client.get(f"/audit/?{query}")
        assert page.status_code == 400
        assert b"could not be used" in page.content

    def test_page_lists_events_for_the_leader(self, client, lena, alpha):
        client.force_login(lena)
        page = client.get(f"/audit/?team={alpha.public_id}")
        assert page.status_code == 200
        assert b"teams.membership" in page.content

    def test_list_query_count_does_not_grow_with_rows(
        self, client, ada, alpha, django_assert_num_queries
    ):
        client.force_login(ada)
        for n in range(30):
            Team.objects.create(name=f"Filler {n}")
        # session, user, events page (actor and team joined in): 3 queries at any size.
        with django_assert_num_queries(3):
            client.get("/api/v1/audit-events/?page_size=10")
        with django_assert_num_queries(3):
            client.get("/api/v1/audit-events/?page_size=100")
