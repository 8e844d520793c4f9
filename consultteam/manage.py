"""Django's command line with ConsultTeam's settings: the `consultteam` command of an installed
package (pyproject.toml's [project.scripts]) and `manage.py` in a source tree run this."""

from __future__ import annotations

import os
import secrets
import sys

# Commands that only compare models with migrations: they sign nothing and serve nothing, so
# they run without a configured secret (a pre-commit hook or CI step has none to give).
NEEDS_NO_SECRET = {"makemigrations"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consultteam.settings")
    secret_given = {"SECRET_KEY", "SECRET_KEY_FILE"} & os.environ.keys()
    if sys.argv[1:2] and sys.argv[1] in NEEDS_NO_SECRET and not secret_given:
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(64)  # thrown away with the process
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
