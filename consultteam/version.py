"""The running release, as the installed package names it (pyproject.toml's `version`).

One source: the footer, `/healthz` and the logs all say this, so an operator mid-upgrade can
tell which version each process runs.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def _installed_version() -> str:
    try:
        return version("consultteam")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


VERSION = _installed_version()
