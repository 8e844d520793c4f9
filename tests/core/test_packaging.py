"""What the image is built from stays in step: the Dockerfile installs the lock and the wheel
through deploy/install.sh (which tests/core/test_built_service.py runs too), the locks pin
every dependency pyproject.toml names, with hashes, and the changelog names the release."""

from __future__ import annotations

import ast
import itertools
import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.paths import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", re.M)


def locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for every pin of a lock file written by `make lock`."""
    text = path.read_text()
    pins: dict[str, tuple[str, list[str]]] = {}
    # Each pin runs until the next line that starts a new one.
    starts = [m.start() for m in PIN.finditer(text)] + [len(text)]
    for begin, end in itertools.pairwise(starts):
        block = text[begin:end]
        match = PIN.match(block)
        assert match is not None
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        pins[canonicalize_name(match[1])] = (match[2], hashes)
    return pins


RUNTIME = locked(ROOT / "requirements/runtime.lock")
DEV = locked(ROOT / "requirements/dev.lock")
DEPENDENCIES = [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
DEV_DEPENDENCIES = [
    Requirement(text) for text in PYPROJECT["project"]["optional-dependencies"]["dev"]
]


def final_stage(dockerfile: str) -> str:
    """The instructions of the Dockerfile's last stage: what the image holds."""
    return re.split(r"^FROM ", dockerfile, flags=re.M)[-1]


@pytest.mark.parametrize(
    ("requirements", "lock", "lock_name"),
    [
        (DEPENDENCIES, RUNTIME, "runtime.lock"),
        (DEPENDENCIES + DEV_DEPENDENCIES, DEV, "dev.lock"),
    ],
)
def test_every_dependency_is_pinned_within_its_range(requirements, lock, lock_name):
    """A dependency added to pyproject.toml without `make lock` fails here, naming it."""
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{name} is in pyproject.toml but not in {lock_name}: run make lock"
        version = lock[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock_name} pins {name}=={version}, outside pyproject.toml's {requirement.specifier}"
        )


def test_the_lock_names_the_extras_packages():
    """`celery[redis]` needs redis: the extra's packages are pinned too."""
    assert "redis" in RUNTIME
    assert "redis" in DEV


@pytest.mark.parametrize("lock", [RUNTIME, DEV], ids=["runtime.lock", "dev.lock"])
def test_every_pin_has_a_hash(lock):
    assert lock, "the lock pins something"
    assert [name for name, (_, hashes) in lock.items() if not hashes] == []


def test_the_suite_runs_what_the_image_runs():
    """The dev lock is held to the runtime lock (make lock's -c): same version of every
    package the image installs."""
    differ = {name: (v, DEV[name][0]) for name, (v, _) in RUNTIME.items() if DEV[name][0] != v}
    assert differ == {}


def test_the_dockerfile_builds_a_wheel_and_installs_it_with_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM ", dockerfile, re.M)
    assert len(stages) == 2, "one stage builds the wheel, the other installs it"
    assert re.search(r"pip wheel .*--no-deps", dockerfile)
    image = final_stage(dockerfile)
    assert "COPY requirements/runtime.lock deploy/install.sh" in image
    assert "COPY --from=wheel /wheel/" in image
    assert re.search(r"RUN sh /tmp/install/install\.sh python \S*runtime\.lock \S*\.whl", image)
    # Nothing of the source tree in the image: only the lock and the install script are copied
    # from the build context; everything else comes from the wheel.
    copies = re.findall(r"^COPY (?!--from=)(.*)$", image, re.M)
    assert copies == ["requirements/runtime.lock deploy/install.sh /tmp/install/"]


def test_the_image_collects_static_files_into_itself_and_runs_unprivileged():
    image = final_stage((ROOT / "Dockerfile").read_text())
    static_root = re.search(r"STATIC_ROOT=(\S+)", image)
    assert static_root is not None
    assert static_root[1].startswith("/app/"), "inside the image, not on the /data volume"
    assert "consultteam collectstatic --noinput" in image
    user = re.findall(r"^USER (\S+)", image, re.M)
    assert user == ["consultteam"]


def test_install_script_checks_hashes_and_adds_nothing_beyond_the_lock():
    script = (ROOT / "deploy/install.sh").read_text()
    assert '-m pip install --require-hashes --requirement "$lock"' in script
    assert '-m pip install --no-deps "$wheel"' in script


def test_make_installs_from_the_locks():
    makefile = (ROOT / "Makefile").read_text()
    for stamp, lock in (("installed-run", "runtime.lock"), ("installed-dev", "dev.lock")):
        rule = re.search(rf"^\$\(VENV\)/\.{stamp}:(.*)\n((?:\t.*\n)+)", makefile, re.M)
        assert rule is not None, stamp
        assert f"requirements/{lock}" in rule[1], "a new lock reinstalls"
        assert f"--require-hashes -r requirements/{lock}" in rule[2]
        assert "--no-deps -e ." in rule[2]


def test_the_wheel_carries_every_app_the_settings_install():
    """setup.py's APPS is the wheel's package list; an app the settings install but the list
    forgets would be missing from the image (the built-service test shows it end to end)."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    apps = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "APPS"
    )
    ours = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
    }
    assert ours - set(apps) == set()


def test_the_changelog_names_this_release():
    version = PYPROJECT["project"]["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert re.search(r"^## \[Unreleased\]$", changelog, re.M)
