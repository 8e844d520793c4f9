"""A clinic runs its own ConsultTeam, from the first administrator to a member's last day, in a
real browser (tests/browser/conftest.py) with two-factor sign-in required and every email going
through a real SMTP server (aiosmtpd): the administrator made by `manage.py create_administrator`
starts a team and invites its leader, the leader invites two therapists who each bring an item
to the coming meeting, and one therapist's membership ends with their item handed over. Links
that no longer open (an invitation expired, used or revoked; a password-reset link used or
mistyped) each show a page that says what to do.

Each person has their own browser context (their own cookies) and their own folder of
screenshots under the journey's (people_..._last_day/leader/NN-step.png and so on); all of them
report to the journey's watcher, so a console error on anyone's page fails the test.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Browser, expect

from agendas.choices import ItemStatus
from agendas.models import AgendaItem
from consultteam.accounts.models import User
from consultteam.teams.models import Invitation, Membership, Role, Team
from tests.browser.conftest import VIEWPORT, Journey
from tests.core.mail_links import link_in
from tests.smtp_capture import SmtpServer, smtp_server_running

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Quiet-harbour-lanterns-42"
ADMIN = ("rowan.vale@example.org", "Rowan Vale")
LEADER = ("ines.marlow@example.org", "Ines Marlow")
THERAPISTS = [
    ("tomas.reed@example.org", "Tomas Reed", "Which skills handout for a new group"),
    ("hana.brook@example.org", "Hana Brook", "Planning the next skills group together"),
]
INVITATION_PATH = "/teams/invitations/"
RESET_PATH = "/accounts/password/reset/"


@pytest.fixture
def mail(settings: Any) -> Iterator[SmtpServer]:
    """Mail goes through Django's SMTP backend to a real server on loopback (as the `smtp`
    fixture of tests/core/mail_links.py, which this package's conftest does not load)."""
    with smtp_server_running() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        yield server


@pytest.fixture
def people(journey: Journey, chromium: Browser, settings: Any) -> Iterator[Any]:
    """Makes the journey of one more person: a fresh context watched like the main one."""
    settings.REQUIRE_TWO_FACTOR = True
    contexts = []

    def person(label: str) -> Journey:
        context = chromium.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watcher = journey.watcher
        page.on("console", watcher.on_console)
        page.on("pageerror", watcher.on_page_error)
        page.on("requestfailed", watcher.on_request_failed)
        page.on("response", watcher.on_response)
        return Journey(page, journey.base_url, f"{journey.name}/{label}", watcher)

    yield person
    for context in contexts:
        context.close()


def code_from(secret: str, *, ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the set-up page."""
    key = secret.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{totp(base64.b32decode(key), step=30, t0=0, digits=6, drift=ahead):06d}"


def mail_to(server: SmtpServer, address: str) -> EmailMessage:
    """The latest message the SMTP server accepted for ``address``."""
    messages = [a.message for a in server.recorder.accepted if address in str(a.message["To"])]
    assert messages, f"no mail to {address}"
    return messages[-1]


def enrol(trip: Journey) -> str:
    """On the set-up page the middleware sends a new person to: read the key, give the code.
    The key, for signing in again later."""
    page = trip.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    trip.step("two-factor set-up")
    secret = page.locator("code.case-code").inner_text().strip()
    page.get_by_label("6-digit code").fill(code_from(secret))
    page.get_by_role("button", name="Confirm and turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    trip.step("recovery codes")
    page.get_by_role("link", name="I have kept my recovery codes").click()
    trip.step("home")
    return secret


def sign_in(trip: Journey, email: str) -> None:
    page = trip.page
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    trip.step("sign in")
    page.get_by_role("button", name="Sign in").click()


def accept(trip: Journey, server: SmtpServer, email: str, name: str) -> str:
    """Open the invitation from the mail, make the account, enrol; the authenticator key."""
    trip.go(link_in(mail_to(server, email), INVITATION_PATH))
    page = trip.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Gamma")
    page.get_by_label("Your name as colleagues see it").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    trip.step("the invitation")
    page.get_by_role("button", name="Make my account and join").click()
    return enrol(trip)


def invite(trip: Journey, email: str, role: str) -> None:
    """From the team page's "Invite someone", as the team's leader or an administrator."""
    page = trip.page
    page.get_by_role("link", name="Invite someone").click()
    trip.step("invite someone")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Role").select_option(label=role)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".messages")).to_contain_text(f"Invitation sent to {email}")
    trip.step(f"invited {email}")


def test_people_from_the_first_administrator_to_a_last_day(
    journey: Journey, people: Any, mail: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --- 1. The first administrator, by the command; two-factor; the team -----------------
    monkeypatch.setenv("ADMIN_EMAIL", ADMIN[0])
    monkeypatch.setenv("ADMIN_NAME", ADMIN[1])
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    call_command("create_administrator", "--no-input")
    assert not Team.objects.exists()

    admin = journey
    page = admin.page
    admin.go("/")
    sign_in(admin, ADMIN[0])
    enrol(admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    admin.step("teams, none yet")
    page.get_by_role("link", name="New team").click()
    admin.step("new team")
    page.get_by_label(re.compile(r"^Name")).fill("Gamma")
    # A team starts with a leader who has an account: the administrator, until the leader
    # invited below joins.
    page.get_by_label("Team leader's email").fill(ADMIN[0])
    # Items close at the meeting's start, so the items below go to the first meeting planned
    # whatever the hour the test runs (with the usual 24 hours, in the day before a meeting
    # they would go to the one after).
    page.get_by_label("Agenda closes (hours before)").fill("0")
    page.get_by_role("button", name="Start the team").click()
    expect(page.locator(".messages")).to_contain_text("Started Gamma")
    admin.step("the team started")

    # --- 2. The leader, invited by email ----------------------------------------------------
    invite(admin, LEADER[0], "Team leader")
    leader = people("leader")
    accept(leader, mail, *LEADER)
    gamma = Team.objects.get(name="Gamma")
    assert Membership.objects.get(team=gamma, user__email=LEADER[0]).role == Role.TEAM_LEADER

    lpage = leader.page
    lpage.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    leader.step("teams")
    lpage.get_by_role("link", name="Gamma").first.click()
    leader.step("the team")
    # The administrator was its leader only until the real one came: the leader ends that
    # membership, with nothing to hand over.
    lpage.get_by_role("link", name=f"Last day… of {ADMIN[1]}").click()
    expect(lpage.get_by_text("They have nothing open on this team to hand over.")).to_be_visible()
    lpage.locator("summary", has_text="membership").click()
    leader.step("the administrator steps down")
    lpage.get_by_role("button", name="Yes, hand over and end it").click()
    expect(lpage.get_by_role("heading", level=1)).to_have_text("Gamma")
    leader.step("the team without the administrator")
    assert not Membership.objects.get(team=gamma, user__email=ADMIN[0]).is_active
    # Gamma was the administrator's only team, but they still administer the service: they
    # stay signed in (anyone else's last team signs them out everywhere, as step 4 shows).
    admin.go("/teams/")
    expect(page.get_by_role("link", name="New team")).to_be_visible()
    expect(page.get_by_role("link", name="Gamma")).to_be_visible()
    admin.step("the teams, as an administrator again")

    # --- 3. Two therapists, invited by the leader, each bring an item ------------------------
    for email, _, _ in THERAPISTS:
        invite(leader, email, "Therapist")
        lpage.get_by_role("link", name="Gamma").first.click()
        leader.step("the team again")
    # Meetings, from the team's cadence.
    lpage.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    leader.step("no meetings yet")
    lpage.get_by_role("button", name="Plan the coming weeks").click()
    expect(lpage.locator("table a").first).to_be_visible()
    leader.step("meetings planned")

    therapists = []
    for index, (email, name, title) in enumerate(THERAPISTS):
        trip = people(f"therapist-{index + 1}")
        secret = accept(trip, mail, email, name)
        tpage = trip.page
        tpage.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
        trip.step("meetings")
        tpage.locator("table a").first.click()
        trip.step("the coming meeting")
        tpage.get_by_role("link", name="Bring an item").first.click()
        tpage.get_by_label("Title").fill(title)
        tpage.get_by_label("Type").select_option("CONSULTATION_REQUEST")
        tpage.get_by_label("Target level").select_option("SKILLS")
        tpage.get_by_label("Minutes requested").fill("10")
        trip.step("bringing an item")
        tpage.get_by_role("button", name="Add to the agenda").click()
        expect(tpage.locator(".messages")).to_be_visible()
        expect(tpage.get_by_text(title).first).to_be_visible()
        trip.step("the item on the agenda")
        therapists.append((trip, secret))
    leaving_item = AgendaItem.objects.get(title=THERAPISTS[0][2])
    assert leaving_item.submitter.email == THERAPISTS[0][0]
    meeting_path = therapists[0][0].page.url.split("#")[0].removeprefix(journey.base_url)

    # --- 4. One therapist's last day, their item handed to the other -----------------------
    lpage.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    leader.step("teams before the last day")
    lpage.get_by_role("link", name="Gamma").first.click()
    leader.step("the team with its therapists")
    lpage.get_by_role("link", name=f"Last day… of {THERAPISTS[0][1]}").click()
    expect(lpage.get_by_role("heading", level=1)).to_contain_text(f"{THERAPISTS[0][1]}'s last day")
    leader.step("the handover")
    choice = lpage.locator("form select").first
    to_hana = choice.locator("option", has_text=f"Hand over to {THERAPISTS[1][1]}")
    choice.select_option(to_hana.get_attribute("value"))
    lpage.locator("summary", has_text="membership").click()
    leader.step("the handover decided")
    lpage.get_by_role("button", name="Yes, hand over and end it").click()
    expect(lpage.get_by_role("heading", level=1)).to_contain_text("Gamma")
    leader.step("the team after the last day")
    leaving = Membership.objects.get(team=gamma, user__email=THERAPISTS[0][0])
    assert not leaving.is_active
    leaving_item.refresh_from_db()
    assert leaving_item.submitter.email == THERAPISTS[1][0]
    assert leaving_item.status != ItemStatus.WITHDRAWN
    stays_trip = therapists[1][0]
    stays_trip.go(meeting_path)
    expect(stays_trip.page.get_by_text(THERAPISTS[0][2]).first).to_be_visible()
    stays_trip.step("the handed-over item on the agenda")

    # Their last team: they were signed out everywhere, so their next page asks them to sign
    # in; signed in again (password, then a code), the meeting is not theirs to see.
    gone, gone_secret = therapists[0]
    gone.allow(404, meeting_path)
    gone.go(meeting_path)
    expect(gone.page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(gone, THERAPISTS[0][0])
    expect(gone.page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    gone.step("their code")
    gone.page.get_by_label("Code").fill(code_from(gone_secret, ahead=1))
    gone.page.get_by_role("button", name="Finish signing in").click()
    expect(gone.page.get_by_role("heading", level=1)).to_have_text("Nothing here")
    assert gone.page.url.endswith(meeting_path)
    gone.step("the meeting is no longer theirs")

    # --- 5. Links that no longer open ---------------------------------------------------------
    outsider = people("links")
    # Used: the leader's own invitation.
    used = link_in(mail_to(mail, LEADER[0]), INVITATION_PATH)
    outsider.allow(410, used)
    outsider.go(used)
    expect(outsider.page.get_by_role("heading", level=1)).to_have_text(
        "This invitation link does not open"
    )
    expect(outsider.page.get_by_role("alert")).to_contain_text("already been used")
    outsider.step("a used invitation")

    # Revoked: the leader invites someone, then withdraws it from the team page.
    revoked_to = "owen.ash@example.org"
    invite(leader, revoked_to, "Therapist")
    lpage.locator("summary", has_text=f"the invitation to {revoked_to}").click()
    lpage.get_by_role("button", name=f"Revoke the invitation to {revoked_to}").click()
    expect(lpage.locator(".messages")).to_contain_text("is withdrawn")
    leader.step("an invitation revoked")
    revoked = link_in(mail_to(mail, revoked_to), INVITATION_PATH)
    outsider.allow(410, revoked)
    outsider.go(revoked)
    expect(outsider.page.get_by_role("alert")).to_contain_text("withdrawn")
    outsider.step("a revoked invitation")

    # Expired: one sent now whose week has passed (moved back in the database: nobody waits
    # a week in a test).
    expired_to = "ada.frost@example.org"
    invite(leader, expired_to, "Therapist")
    Invitation.objects.filter(email=expired_to).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    expired = link_in(mail_to(mail, expired_to), INVITATION_PATH)
    outsider.allow(410, expired)
    outsider.go(expired)
    expect(outsider.page.get_by_role("heading", level=1)).to_have_text(
        "This invitation link does not open"
    )
    expect(outsider.page.get_by_role("alert")).to_contain_text("expired on")
    outsider.step("an expired invitation")

    # A password reset asked for from the sign-in page, used once, then opened again.
    stays = THERAPISTS[1][0]
    outsider.go("/accounts/login/")
    outsider.step("sign-in")
    outsider.page.get_by_role("link", name="Forgotten your password?").click()
    outsider.step("forgotten password")
    outsider.page.get_by_label("Email address").fill(stays)
    outsider.page.get_by_role("button", name="Send me a link").click()
    outsider.step("reset asked for")
    reset = link_in(mail_to(mail, stays), RESET_PATH)
    outsider.go(reset)
    expect(outsider.page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    outsider.step("choose a new password")
    outsider.page.get_by_label("New password", exact=True).fill("Another-quiet-harbour-77")
    outsider.page.get_by_label("New password again").fill("Another-quiet-harbour-77")
    outsider.page.get_by_role("button", name="Set the new password").click()
    expect(outsider.page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    outsider.step("password set")
    assert User.objects.get(email=stays).check_password("Another-quiet-harbour-77")
    outsider.allow(410, reset)
    outsider.go(reset)
    expect(outsider.page.get_by_role("heading", level=1)).to_have_text("This link does not open")
    outsider.step("a used reset link")
    mistyped = re.sub(r"/[^/]+/$", "/not-a-token/", reset)
    outsider.allow(410, mistyped)
    outsider.go(mistyped)
    expect(outsider.page.get_by_role("heading", level=1)).to_have_text("This link does not open")
    outsider.step("a mistyped reset link")

    for trip in [leader, *(t for t, _ in therapists), outsider]:
        trip.finish()
