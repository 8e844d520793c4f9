"""The sessions page: one's signed-in browsers and API tokens, with sign-out of one session, of
all the others, and revoking a token. Another person's session answers 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from consultteam.accounts.models import UserSession
from consultteam.accounts.services import api_token_issue
from consultteam.audit.models import Action, AuditEvent
from tests.clients import FIREFOX, SAFARI, is_signed_in, signed_in_with_password

pytestmark = pytest.mark.django_db


def session_of(client: Client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def test_lists_ones_sessions_and_tokens(tara, theo):
    here = signed_in_with_password(tara)
    phone = signed_in_with_password(tara, SAFARI)
    signed_in_with_password(theo)  # someone else's session never shows
    api_token_issue(user=tara, name="Tara's script")

    response = here.get(reverse("session-list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["sessions"]) == list(
        UserSession.objects.filter(user=tara).order_by("-last_seen_at", "-id")
    )
    assert "Firefox on Windows" in page
    assert "Safari on iPhone" in page
    assert page.count("This browser") == 1
    assert str(session_of(phone).public_id) in page
    assert "Tara&#x27;s script" in page
    assert "Sign out everywhere else" in page
    # The session keys themselves are never shown.
    assert session_of(here).session_key not in page
    assert session_of(phone).session_key not in page


def test_ends_one_other_session(tara):
    here = signed_in_with_password(tara)
    phone = signed_in_with_password(tara, SAFARI)
    phone_session = session_of(phone)

    response = here.post(reverse("session-end", kwargs={"session_id": phone_session.public_id}))

    assert response.status_code == 302
    assert response["Location"] == reverse("session-list")
    assert not is_signed_in(phone)
    assert is_signed_in(here)
    event = AuditEvent.objects.get(action=Action.LOGOUT, object_id=str(phone_session.public_id))
    assert event.object_type == "accounts.usersession"
    assert event.actor_id == tara.pk


def test_ending_this_browsers_session_signs_out_here(tara):
    here = signed_in_with_password(tara)
    phone = signed_in_with_password(tara, SAFARI)

    response = here.post(reverse("session-end", kwargs={"session_id": session_of(here).public_id}))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not is_signed_in(here)
    assert is_signed_in(phone)


def test_signs_out_everywhere_else(tara, theo):
    here = signed_in_with_password(tara)
    phone = signed_in_with_password(tara, SAFARI)
    laptop = signed_in_with_password(tara)
    colleague = signed_in_with_password(theo)
    ended = [session_of(phone).public_id, session_of(laptop).public_id]

    response = here.post(reverse("session-end-others"), follow=True)

    assert "Signed out of 2 other sessions." in response.content.decode()
    assert is_signed_in(here)
    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert is_signed_in(colleague)
    assert list(UserSession.objects.filter(user=tara)) == [session_of(here)]
    assert set(
        AuditEvent.objects.filter(action=Action.LOGOUT).values_list("object_id", flat=True)
    ) == {str(public_id) for public_id in ended}


def test_another_persons_session_answers_404(tara, theo):
    tara_client = signed_in_with_password(tara)
    theo_client = signed_in_with_password(theo)
    theos = session_of(theo_client)

    response = tara_client.post(reverse("session-end", kwargs={"session_id": theos.public_id}))

    assert response.status_code == 404
    assert UserSession.objects.filter(pk=theos.pk).exists()
    assert is_signed_in(theo_client)


def test_page_queries_do_not_grow_with_sessions(tara, django_assert_num_queries):
    here = signed_in_with_password(tara)
    for agent in (SAFARI, FIREFOX, SAFARI):
        signed_in_with_password(tara, agent)
    api_token_issue(user=tara, name="one")
    api_token_issue(user=tara, name="two")
    url = reverse("session-list")
    here.get(url)  # the once-a-minute bookkeeping is done

    with django_assert_num_queries(5):
        # 1. the session, 2. the signed-in person, 3. whether they lead a team (navigation),
        # 4. their sessions, 5. their tokens. The two-factor check reads the session only.
        here.get(url)
