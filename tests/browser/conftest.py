"""End-to-end tests in a real browser: Debian's chromium driven by Playwright against
pytest-django's live server.

One browser per test session (launching chromium costs about a second); each test gets a fresh
context (its own cookies) and a `Journey`: sign in through the real form, take a numbered
screenshot of each step, check each page with axe-core, and fail the test on any console error,
uncaught script error, failed request or unexpected 4xx/5xx answer.

Screenshots of every step go to test-artifacts/screenshots/<journey>/NN-step.png (git-ignored);
with UPDATE_SCREENSHOTS=1 the steps marked for the docs are also copied to docs/screenshots/,
the set the README shows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    ViewportSize,
    sync_playwright,
)

from tests.factories import PASSWORD
from tests.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# Flags that let chromium run as root with no network and no profile to keep: without the
# background-networking ones it keeps trying (and failing) to reach Google's hosts.
LAUNCH_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A laptop-sized window; the tablet check sets its own.
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
# The WCAG 2.1 levels A and AA (axe's tags), which the issue asks the pages to meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {violations: result.violations};
}"""

# The element with focus, by its label's text or (a button, a link) its own text.
FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el) return "";
  if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
  return el.textContent.trim();
}"""


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """One chromium for all the browser tests, started on first use and closed when they are
    done (they run together: pytest-django orders transactional tests after the others)."""
    from django.db import connections

    if not CHROMIUM.exists():
        pytest.skip(
            f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
        )
    # Playwright's sync API leaves its event loop marked as running on this thread between
    # calls. Django then (1) refuses the ORM as if in async code, though nothing here is
    # async: the queries run in order; and (2) hands out a second set of connection objects
    # (asgiref keeps them per event-loop context), which lack what the test database's set-up
    # recorded for `serialized_rollback`: copy it over, and close that set at the end.
    env = pytest.MonkeyPatch()
    env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    recorded = {
        alias: connections[alias].__dict__.get("_test_serialized_contents") for alias in connections
    }
    playwright = sync_playwright().start()
    try:
        for alias, contents in recorded.items():
            if contents is not None:
                # Django's own attribute (BaseDatabaseCreation.create_test_db sets it).
                setattr(connections[alias], "_test_serialized_contents", contents)  # noqa: B010
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_FLAGS
        )
        yield browser
        browser.close()
    finally:
        connections.close_all()
        playwright.stop()
        env.undo()


@dataclass
class Allowed:
    """A 4xx answer the test provokes on purpose (for example a form sent back with errors)."""

    status: int
    path: str


@dataclass
class Watcher:
    """Everything that went wrong in the page, as the test saw it."""

    allowed: list[Allowed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def is_allowed(self, status: int, url: str) -> bool:
        return any(a.status == status and a.path in url for a in self.allowed)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium logs every 4xx/5xx as a console error too; those are judged on the response.
        failed = re.match(
            r"Failed to load resource: the server responded with a status of (\d+)", message.text
        )
        url = message.location.get("url", "")
        if failed and self.is_allowed(int(failed.group(1)), url):
            return
        self.problems.append(f"console error: {message.text} ({url})")

    def on_page_error(self, error: Exception) -> None:
        self.problems.append(f"uncaught script error: {error}")

    def on_request_failed(self, request: Request) -> None:
        # Leaving a page cancels its script's requests still under way (a live wording check
        # sent as the form is submitted): the browser's normal course, not a failure.
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("fetch", "xhr"):
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and not self.is_allowed(response.status, response.url):
            method = response.request.method
            self.problems.append(f"answer {response.status} to {method} {response.url}")


class Journey:
    """One person's way through the pages, step by step, with a picture of each step."""

    def __init__(self, page: Page, base_url: str, name: str, watcher: Watcher) -> None:
        self.page = page
        self.base_url = base_url
        self.name = name
        self.watcher = watcher
        self.steps = 0
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.checked: set[str] = set()
        self.visited: list[str] = []
        self.for_docs: list[Path] = []
        page.on("framenavigated", self._on_navigated)

    def _on_navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.visited.append(_without_fragment(frame.url))

    def url(self, path: str) -> str:
        return self.base_url + path

    def go(self, path: str) -> None:
        self.page.goto(self.url(path))

    def sign_in(self, user: Any) -> None:
        """Through the real sign-in form, as a person would (two-factor is off in the tests)."""
        self.go("/accounts/login/")
        self.page.get_by_label("Email address").fill(user.email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.step("sign in")
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(self.url("/"))

    def tab_to(self, name: str, *, limit: int = 80) -> None:
        """Press Tab until the control named ``name`` has focus: it proves the control is in
        the focus order, reachable without a mouse."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate(FOCUSED_NAME).startswith(name):
                return
        raise AssertionError(f"{name!r} was not reached with Tab")

    def allow(self, status: int, path: str) -> None:
        """The test expects this answer (a form sent back with what needs changing)."""
        self.watcher.allowed.append(Allowed(status, path))

    def step(self, label: str, *, docs: bool = False, full_page: bool = True) -> Path:
        """Check the page as it stands with axe-core and keep a numbered screenshot of it;
        ``docs``: one of the journey's pictures in docs/screenshots/ (and the README)."""
        self.check_accessibility(label)
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = self.folder / f"{self.steps:02d}-{slug}.png"
        # caret="initial": Playwright's default hides the text caret by writing style=""
        # onto every input, which htmx's next swap copies and the CSP then reports.
        self.page.screenshot(path=str(path), full_page=full_page, caret="initial")
        if docs:
            self.for_docs.append(path)
        return path

    def check_accessibility(self, label: str) -> None:
        """Run axe-core in the page (evaluated, not injected as a tag: the CSP allows no inline
        script, and a test must not loosen the policy it is there to prove) and fail on any
        WCAG 2.1 A or AA violation."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(_axe_source())
        result = self.page.evaluate(AXE_RUN, WCAG_TAGS)
        self.checked.add(_without_fragment(self.page.url))
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert not violations, f"axe-core on {label!r} ({self.page.url}):\n" + "\n".join(violations)

    def finish(self) -> None:
        unchecked = sorted(set(self.visited) - self.checked)
        assert not unchecked, f"pages visited without a step (no axe check): {unchecked}"
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            target = DOCS_SCREENSHOTS / self.name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for path in self.for_docs:
                shutil.copy2(path, target / path.name)


def _without_fragment(url: str) -> str:
    return url.split("#")[0]


_AXE_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep the outcome of the test's call on the item, so the fixture can tell a failure."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def journey(
    request: pytest.FixtureRequest, chromium: Browser, live_server: Any
) -> Iterator[Journey]:
    """A fresh browser context on the live server, watched for errors from the first request.

    The test's name gives the journey its screenshot folder (test_supervisor_... ->
    supervisor_...)."""
    watcher = Watcher()
    context = chromium.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", watcher.on_console)
    page.on("pageerror", watcher.on_page_error)
    page.on("requestfailed", watcher.on_request_failed)
    page.on("response", watcher.on_response)
    name = request.node.name.removeprefix("test_")
    trip = Journey(page, live_server.url, name, watcher)
    try:
        yield trip
        if request.node.stash.get(_CALL_FAILED, False):
            # The page as it stood when the test failed, next to the steps before it.
            page.screenshot(path=str(trip.folder / "failed.png"), full_page=True, caret="initial")
            return
        assert not watcher.problems, "The pages reported problems:\n" + "\n".join(watcher.problems)
        trip.finish()
    finally:
        context.close()


@pytest.fixture
def alpha_meetings(world: Any) -> SimpleNamespace:
    """Alpha's coming meetings, planned by Lena through the services: the first three days
    from now (well before the agenda cutoff), with its roles handed out in turn, and the one
    after it (where carried-over items land)."""
    from agendas import services
    from agendas.models import Meeting

    services.meetings_plan(team=world.alpha, by=world.lena, weeks=3)
    first, second = Meeting.objects.filter(team=world.alpha).order_by("starts_at")[:2]
    first = services.meeting_reschedule(
        meeting=first, by=world.lena, starts_at=timezone.now() + dt.timedelta(days=3)
    )
    services.roles_rotate(meeting=first, by=world.lena)
    return SimpleNamespace(first=first, second=second)
