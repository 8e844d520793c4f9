"""Typed readers for settings that come from the environment.

Every reader fails loudly (``ImproperlyConfigured``) on a value it cannot parse, so a typo in a
deployment stops the process at start instead of quietly falling back to a default. Each reader
also accepts ``NAME_FILE``: the path of a file holding the value, the usual way secrets reach a
container. An empty value counts as unset, so a deployment can pass every variable through
(``NAME: ${NAME:-}`` in compose) and still get the default. Every name read is recorded in
``READ``, so a test can check that the documentation lists them all.
"""

from __future__ import annotations

import os
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

READ: set[str] = set()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def raw(name: str) -> str | None:
    """The value of ``name``, or of the file named by ``NAME_FILE``; None when neither is set
    (or both are empty)."""
    READ.add(name)
    value = os.environ.get(name) or None
    file_path = os.environ.get(f"{name}_FILE") or None
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
    """Django ``DATABASES['default']`` from a URL, or from one variable per part.

    Unset: a SQLite file at ``sqlite_default``. ``postgres://user:pass@host:port/db`` (or
    ``postgresql://``): PostgreSQL. ``sqlite:////absolute/path``: a SQLite file elsewhere.
    Instead of the URL, ``DATABASE_HOST``, ``_PORT``, ``_NAME``, ``_USER`` and ``_PASSWORD`` (for
    ``name`` = ``DATABASE_URL``) name PostgreSQL part by part: a password then needs no
    URL-encoding, whatever characters it holds, and can come from a file like any secret.
    """
    url = optional(name)
    prefix = name.removesuffix("_URL")
    parts = {part: optional(f"{prefix}_{part}") for part in _DATABASE_PARTS}
    if any(parts.values()):
        if url is not None:
            raise ImproperlyConfigured(
                f"Set {name} or the {prefix}_HOST/_NAME/_USER/... variables, not both."
            )
        return _postgres_from_parts(prefix, parts)
    if url is None:
        return _sqlite(sqlite_default)
    parts_of_url = urlsplit(url)
    if parts_of_url.scheme == "sqlite":
        if not parts_of_url.path or parts_of_url.path == "/":
            raise ImproperlyConfigured(f"{name}={url!r} names no database file.")
        return _sqlite(Path(unquote(parts_of_url.path)))
    if parts_of_url.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres://, postgresql:// or sqlite://, not "
            f"{parts_of_url.scheme!r}."
        )
    try:
        port = parts_of_url.port
    except ValueError:
        # The usual cause: a password with "/" or ":" pasted into the URL unencoded.
        raise ImproperlyConfigured(
            f"{name} has a port that is not a number. If the password holds characters such as "
            f"/ : @ or #, URL-encode them, or give {prefix}_PASSWORD (or {prefix}_PASSWORD_FILE) "
            f"and the other {prefix}_ parts instead of the URL."
        ) from None
    return _postgres(
        name,
        host=parts_of_url.hostname or "",
        port=str(port or ""),
        db_name=unquote(parts_of_url.path.lstrip("/")),
        user=unquote(parts_of_url.username or ""),
        password=unquote(parts_of_url.password or ""),
    )


_DATABASE_PARTS = ("HOST", "PORT", "NAME", "USER", "PASSWORD")


def _postgres_from_parts(prefix: str, parts: dict[str, str | None]) -> dict[str, object]:
    port = parts["PORT"] or ""
    if port and not port.isdigit():
        raise ImproperlyConfigured(f"{prefix}_PORT={port!r} is not a port number.")
    return _postgres(
        f"{prefix}_NAME",
        host=parts["HOST"] or "",
        port=port,
        db_name=parts["NAME"] or "",
        user=parts["USER"] or "",
        password=parts["PASSWORD"] or "",
    )


def _postgres(
    name: str, *, host: str, port: str, db_name: str, user: str, password: str
) -> dict[str, object]:
    if not db_name:
        raise ImproperlyConfigured(f"{name} names no database.")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_name,
        "USER": user,
        "PASSWORD": password,
        "HOST": host,
        "PORT": port,
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
    """A Redis server's URL (``redis://`` or ``rediss://``, TLS), or None when unset."""
    url = optional(name)
    if url is None:
        return None
    if urlsplit(url).scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"{name}={url!r} must start with redis:// or rediss://.")
    return _verified_tls(url)


# Celery's transports by URL scheme: Redis (plain or TLS), Redis through Sentinel, and AMQP
# (RabbitMQ; py-amqp comes with Celery).
BROKER_SCHEMES = ("redis", "rediss", "sentinel", "amqp", "amqps", "pyamqp")


def broker_url(name: str) -> str | None:
    """A Celery broker URL, or None when unset.

    Sentinel lists its sentinels separated by ";" (``sentinel://h1:26379;sentinel://h2:26379``),
    each of them ``sentinel://``.
    """
    url = optional(name)
    if url is None:
        return None
    schemes = {urlsplit(part).scheme for part in url.split(";")}
    if len(schemes) != 1 or not schemes <= set(BROKER_SCHEMES):
        allowed = ", ".join(f"{scheme}://" for scheme in BROKER_SCHEMES)
        raise ImproperlyConfigured(f"{name} must start with one of {allowed}.")
    return _verified_tls(url)


def _verified_tls(url: str) -> str:
    """A ``rediss://`` URL that checks the server's certificate unless it says otherwise.

    Celery refuses a ``rediss://`` URL that does not say how to check the certificate; the safe
    answer, the one a clinic wants, is to require it (against the system's CA bundle, or the one
    ``ssl_ca_certs`` names).
    """
    parts = urlsplit(url)
    if parts.scheme != "rediss":
        return url
    query = dict(parse_qsl(parts.query))
    query.setdefault("ssl_cert_reqs", "required")
    return urlunsplit(parts._replace(query=urlencode(query)))


def networks(name: str) -> list[IPv4Network | IPv6Network]:
    """A comma-separated list of addresses and CIDR networks (``10.0.0.5, 172.16.0.0/12``); a
    bare address is a network of one. Empty or unset: none."""
    found: list[IPv4Network | IPv6Network] = []
    for item in string_list(name, []):
        try:
            # strict=False: "10.0.0.5/8" is read as the network it lies in.
            found.append(ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} has {item!r}, which is neither an IP address nor a CIDR network."
            ) from None
    return found
