"""The running release is the package's version, and every page's footer shows it."""

from __future__ import annotations

import tomllib

import pytest

from consultteam.version import VERSION
from tests.paths import ROOT


def test_version_is_the_installed_release():
    """From the installed package's metadata: `unknown` here means the checkout was never
    installed (make test installs it)."""
    release = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert release == VERSION


@pytest.mark.django_db
def test_footer_shows_the_version_to_someone_not_signed_in(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert f'<p class="version">ConsultTeam {VERSION}</p>' in response.content.decode()


def test_footer_shows_the_version_to_someone_signed_in(client, tara):
    client.force_login(tara)
    response = client.get("/")
    assert response.status_code == 200
    assert f'<p class="version">ConsultTeam {VERSION}</p>' in response.content.decode()
