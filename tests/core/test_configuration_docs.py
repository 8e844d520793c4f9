"""Every variable the settings read is documented, and listed in .env.example."""

from __future__ import annotations

import re

from consultteam import env
from tests.paths import ROOT


def test_every_variable_read_is_documented():
    documented = set(
        re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "docs/configuration.md").read_text(), re.M)
    )
    assert env.READ, "settings have been imported, so the readers have recorded names"
    assert env.READ - documented == set()


def test_every_variable_read_is_in_env_example():
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert env.READ - example == set()
