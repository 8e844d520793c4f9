"""Typed readers for settings that come from the environment.

Every reader fails loudly (``ImproperlyConfigured``) on a value it cannot parse, so a typo in a
deployment stops the process at start instead of quietly falling back to a default. Each reader
also accepts ``NAME_FILE``: the path of a file holding the value, the usual way secrets reach a
container. Every name read is recorded in ``READ``, so a test can check that the documentation
lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

READ: set[str] = set()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def raw(name: str) -> str | None:
    """The value of ``name``, or of the file named by ``NAME_FILE``; None when neither is set."""
    READ.add(name)
    value = os.environ.get(name)
    file_path = os.environ.get(f"{name}_FILE")
    if value is not None and file_path is not None:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if file_path is not None:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc}") from exc
    return value


def string(name: str, default: str) -> str:
    value = raw(name)
    return default if value is None else value


def optional(name: str) -> str | None:
    """The value, or None when unset or empty."""
    value = raw(name)
    return value or None


def boolean(name: str, default: bool) -> bool:
    value = raw(name)
    if value is None:
        return default
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false.")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def string_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks around items are ignored."""
    value = raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def choice(name: str, default: str, choices: set[str]) -> str:
    value = string(name, default).strip()
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {allowed}.")
    return value


def database(name: str, *, sqlite_default: Path) -> dict[str, object]:
    """Django ``DATABASES['default']`` from a URL.

    Unset: a SQLite file at ``sqlite_default``. ``postgres://user:pass@host:port/db`` (or
    ``postgresql://``): PostgreSQL. ``sqlite:////absolute/path``: a SQLite file elsewhere.
    """
    url = optional(name)
    if url is None:
        return _sqlite(sqlite_default)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if not parts.path or parts.path == "/":
            raise ImproperlyConfigured(f"{name}={url!r} names no database file.")
        return _sqlite(Path(unquote(parts.path)))
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres://, postgresql:// or sqlite://, not {parts.scheme!r}."
        )
    db_name = unquote(parts.path.lstrip("/"))
    if not db_name:
        raise ImproperlyConfigured(f"{name}={url!r} names no database.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        # How long a connection is kept is the settings' choice (DATABASE_CONN_MAX_AGE).
    }


def _sqlite(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # Web, worker and beat share the file: WAL lets readers go on while one writes,
            # IMMEDIATE takes the write lock at BEGIN so two writers queue instead of deadlocking.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def redis_url(name: str) -> str | None:
    url = optional(name)
    if url is not None and urlsplit(url).scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"{name}={url!r} must start with redis:// or rediss://.")
    return url
