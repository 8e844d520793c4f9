"""Where the repository is, for tests that read its files (settings, templates, styles,
compose, docs) or start a process in it; one definition, whatever folder a test sits in."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
