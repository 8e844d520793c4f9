"""`make run` as a newcomer meets it: one command, then a demo that behaves like production.

The README's command runs for real (migrate, collectstatic, the demo, then web, worker and beat)
on the embedded defaults in a folder of the test's own, on a port of its own. Then: an unknown
address answers the real 404 page, not Django's debug page listing every route; a demo account
signs in over plain HTTP; the worker's reminder links point at the port `make run` was given;
and a signal stops all three processes, SIGTERM to `make` as SIGINT to a background job.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import runs_once_in_ci
from tests.paths import ROOT

pytestmark = [pytest.mark.slow, runs_once_in_ci()]

START_SECONDS = 240
STOP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _parents() -> dict[int, int]:
    """Each running process's parent, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name, in parentheses, may hold spaces: the fields follow its ")".
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _environment_of(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(pair.decode().split("=", 1) for pair in pairs if b"=" in pair)


def _command_of(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


@dataclass
class Demo:
    make: subprocess.Popen[str]
    port: int
    output: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def processes(self) -> dict[str, int]:
        """web, worker and beat: the three children `manage.py serve` started."""
        found = {}
        for pid in _descendants(self.make.pid):
            command = _command_of(pid)
            if "runserver" in command:
                found["web"] = pid
            elif "celery" in command and " worker" in command:
                found.setdefault("worker", pid)  # the first; its pool's processes follow
            elif "celery" in command and " beat" in command:
                found["beat"] = pid
        return found

    def everything(self) -> set[int]:
        """`make` and every process below it, the worker's pool included."""
        return {self.make.pid, *_descendants(self.make.pid)}


def _start(tmp_path: Path, *, ignore_sigint: bool) -> Demo:
    port = _free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        # What a newcomer's shell has none of: the suite's own secret, switches and servers.
        if key not in {"SECRET_KEY", "DEBUG", "REQUIRE_TWO_FACTOR", "DATABASE_URL", "REDIS_URL"}
    }
    environment.update(DATA_DIR=str(tmp_path / "data"), PORT=str(port))
    output = tmp_path / "make-run.log"

    def as_a_background_job() -> None:
        if ignore_sigint:  # what a shell does to `make run &`
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    make = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=environment,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=as_a_background_job,
    )
    demo = Demo(make, port, output)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{demo.url}/accounts/login/", timeout=5) as answer:
                if answer.status == 200 and len(demo.processes()) == 3:
                    return demo
        except (urllib.error.URLError, ConnectionError):
            pass
        if make.poll() is not None or time.monotonic() > deadline:
            _stop_group(make)
            raise AssertionError(f"make run did not start:\n{output.read_text()[-4000:]}")
        time.sleep(0.5)


def _stop_group(make: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(make.pid, signal.SIGKILL)
    make.wait(timeout=10)


def _all_stop(demo: Demo, started: set[int]) -> None:
    """Every process that was running stops: nothing is left behind."""
    deadline = time.monotonic() + STOP_SECONDS
    running = started
    while time.monotonic() < deadline:
        demo.make.poll()  # reaps make, so it does not linger as a zombie
        running = {pid for pid in started if _alive(pid)}
        if not running:
            return
        time.sleep(0.2)
    _stop_group(demo.make)
    raise AssertionError(f"still running after the signal: {[_command_of(p) for p in running]}")


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("make-run")


@pytest.fixture
def demo(demo_folder: Path) -> Iterator[Demo]:
    started = _start(demo_folder, ignore_sigint=False)
    try:
        yield started
    finally:
        if started.make.poll() is None:
            _stop_group(started.make)


def _sign_in(demo: Demo, email: str, password: str) -> str:
    """The sign-in form as a browser sends it; the page it lands on."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{demo.url}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, form
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{demo.url}/accounts/login/", data=body, headers={"Referer": f"{demo.url}/"}
    )
    with opener.open(request, timeout=30) as landed:
        return str(landed.geturl())


def test_make_run_is_a_production_like_demo_that_sigterm_stops(demo):
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{demo.url}/no-such-page", timeout=10)
    assert missing.value.code == 404
    page = missing.value.read().decode()
    assert "<h1>Nothing here</h1>" in page  # templates/404.html, in the layout
    for debug_page in ("URLconf", "Django tried these URL patterns", "DEBUG = True"):
        assert debug_page not in page

    printed = demo.output.read_text()
    assert (
        "demo-secret-key-NOT-FOR-PRODUCTION" in printed
        or (ROOT / "data/demo-secret-key-NOT-FOR-PRODUCTION").is_file()
    )
    logins = re.findall(r"^\s+(\S+@\S+)\s", printed, re.M)
    assert logins, printed
    password = re.search(r"password: (\S+)", printed)
    assert password, printed
    landed = _sign_in(demo, logins[0], password.group(1))
    assert not landed.endswith("/accounts/login/"), "the demo account could not sign in"

    processes = demo.processes()
    assert set(processes) == {"web", "worker", "beat"}
    worker = _environment_of(processes["worker"])
    assert worker["SITE_URL"] == f"http://localhost:{demo.port}"
    assert worker.get("DEBUG", "false") != "true"

    everything = demo.everything()
    demo.make.send_signal(signal.SIGTERM)
    _all_stop(demo, everything)


def test_sigint_stops_a_background_make_run(demo_folder):
    started = _start(demo_folder, ignore_sigint=True)
    everything = started.everything()
    # A background job's whole process group, as `kill -INT %1` sends it.
    os.killpg(started.make.pid, signal.SIGINT)
    _all_stop(started, everything)
