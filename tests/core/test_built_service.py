"""What the Dockerfile builds, built and run without Docker (no engine runs here).

The wheel is built from a copy of the build context (what .dockerignore lets through), installed
into a fresh virtual environment outside the source tree by deploy/install.sh, the script the
Dockerfile runs, with the runtime lock; then, from a folder with nothing importable in it, the
installed `consultteam` command collects the static files, passes `check --deploy` with
production settings and migrates, and the installed gunicorn, started with compose's web
command, serves a real sign-in through the form and the home page with its stylesheet. A
package, template or static file the wheel forgets fails here: nothing can be imported from
the checkout.

30 to 60 seconds with pip's cache warm (the lock's wheels are reused; a cold cache downloads
them once), so it runs in one of CI's two passes only. The installed service uses SQLite and
the embedded broker in its own folder: this checks the package, not the database.
"""

from __future__ import annotations

import fnmatch
import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from tests.paths import ROOT
from tests.smtp_capture import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason=(
            "builds and installs the wheel (up to a minute): runs in CI's PostgreSQL+Redis pass "
            "only (set DATABASE_URL=postgres://...); the installed service uses its own SQLite"
        ),
    ),
]

PASSWORD = "a-long-fictional-passphrase-for-tara"
EMAIL = "tara@alpha.example"


def run(command: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a step; on failure the assertion shows its whole output."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, (
        f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout + done.stderr


def copy_build_context(destination: Path) -> None:
    """The repository as Docker's build context would hold it: without what .dockerignore
    names (its forms here: a name at the top, `*` globs, and `**/name` at any depth)."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(ROOT)
        skip = set()
        for name in names:
            path = (relative / name).as_posix()
            for pattern in patterns:
                if pattern.startswith("**/"):
                    if fnmatch.fnmatch(name, pattern[3:]):
                        skip.add(name)
                elif fnmatch.fnmatch(path, pattern):
                    skip.add(name)
        return skip

    shutil.copytree(ROOT, destination, ignore=ignored, symlinks=True)


def production_env(base: Path, venv: Path) -> dict[str, str]:
    """What a deployment sets (as .ci/check-deploy does), and nothing from this test run."""
    return {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(base),
        "LANG": "C.UTF-8",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "true",
        "DATA_DIR": str(base / "data"),
        "STATIC_ROOT": str(venv / "static"),
    }


@dataclass
class Installed:
    venv: Path
    workdir: Path
    env: dict[str, str]

    def consultteam(self, *arguments: str, **extra_env: str) -> str:
        return run(
            [self.venv / "bin/consultteam", *arguments],
            cwd=self.workdir,
            env={**self.env, **extra_env},
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("built-service")
    context, dist, venv, workdir = (base / name for name in ("context", "dist", "venv", "run"))
    workdir.mkdir()

    copy_build_context(context)
    # As the Dockerfile's first stage builds it (pip wheel --no-deps).
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", dist, context], cwd=base)
    (wheel,) = dist.glob("consultteam-*.whl")
    shutil.rmtree(context)  # nothing of the source tree is left to import from

    run([sys.executable, "-m", "venv", venv], cwd=base)
    # Exactly the Dockerfile's install step.
    run(
        [
            "sh",
            ROOT / "deploy/install.sh",
            venv / "bin/python",
            ROOT / "requirements/runtime.lock",
            wheel,
        ],
        cwd=workdir,
    )
    service = Installed(venv=venv, workdir=workdir, env=production_env(base, venv))
    service.consultteam("collectstatic", "--noinput")
    service.consultteam("migrate", "--noinput")
    service.consultteam(
        "shell",
        "-c",
        "from consultteam.accounts.models import User; "
        f"User.objects.create_user({EMAIL!r}, {PASSWORD!r}, display_name='Tara Quill')",
    )
    return service


def test_it_runs_from_the_installed_package_not_the_checkout(installed):
    where = run(
        [
            installed.venv / "bin/python",
            "-c",
            "import consultteam, reminders; print(consultteam.__file__)",
        ],
        cwd=installed.workdir,
        env=installed.env,
    )
    assert where.strip().startswith(str(installed.venv / "lib")), where
    assert str(ROOT) not in where


def test_check_deploy_is_clean_with_production_settings(installed):
    output = installed.consultteam("check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in output


def test_collected_static_files_are_in_the_folder_the_image_sets(installed):
    manifest = installed.venv / "static/staticfiles.json"
    assert manifest.is_file()
    assert '"css/app.css"' in manifest.read_text()


@dataclass
class Browser:
    """Enough of a browser over plain HTTP: it keeps the cookies, Secure ones included (the
    TLS proxy in front is left out here)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPResponse, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, response, text


def web_command(venv: Path, port: int) -> list[str | Path]:
    """Compose's web command, the way production starts gunicorn, bound to a loopback port."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command: list[str] = list(compose["services"]["web"]["command"])
    assert command[0] == "gunicorn"
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    return [venv / "bin/gunicorn", *command[1:]]


@pytest.fixture
def gunicorn(installed) -> Iterator[int]:
    port = free_port()
    log = installed.workdir / "gunicorn.log"
    # TLS and its redirect belong to the proxy in front (docs/operations.md); this is its back.
    env = {**installed.env, "SECURE_SSL_REDIRECT": "false"}
    with log.open("w") as output:
        process = subprocess.Popen(
            web_command(installed.venv, port),
            cwd=installed.workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/accounts/login/")
                probe.getresponse().read()
                probe.close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"gunicorn never answered:\n{log.read_text()}"
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_person_signs_in_and_gets_the_home_page_with_its_stylesheet(installed, gunicorn):
    browser = Browser(gunicorn)
    status, _, page = browser.request("GET", "/accounts/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None, page

    status, response, page = browser.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token[1], "username": EMAIL, "password": PASSWORD},
    )
    assert status == 302, page
    assert response.headers["Location"] == "/"

    status, _, home = browser.request("GET", "/")
    assert status == 200, home
    assert "Tara Quill" in home
    # The release in the footer comes from the installed package's metadata.
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f'<p class="version">ConsultTeam {version}</p>' in home

    # The stylesheet under its hashed name from collectstatic's manifest, served by WhiteNoise
    # from the image's STATIC_ROOT.
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', home)
    assert stylesheet is not None, home
    status, response, css = browser.request("GET", stylesheet[1])
    assert status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert ".site-footer" in css
