"""What every page shows whoever is signed in or not: the running release (in the footer), so
an operator mid-upgrade can tell which version a web process serves."""

from __future__ import annotations

from django.http import HttpRequest

from consultteam.version import VERSION


def version(request: HttpRequest) -> dict[str, str]:
    return {"consultteam_version": VERSION}
