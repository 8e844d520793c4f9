"""Finding the API token a request carries: one query, compiled once.

Every API request starts here, so this query is paid on every one of them. Its shape never
changes, only the hash of the key does; yet Django spent about 1.7 ms building it each time
(the join to the user, two EXISTS), several times what PostgreSQL took to answer it
(docs/performance.md). So the ORM defines it as a read of rows compiled once
(consultteam/compiled.py), and each request only runs it and builds the two objects from the
row. Nothing of a request is kept: the compiled text holds the query's constants and no key.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultteam.accounts.models import ApiToken, User
from consultteam.compiled import Param, compiled_rows
from consultteam.teams.models import Membership

# The hash of the key a request carries. The stand-ins are not hexadecimal: no key hashes to
# them.
KEY_HASH = Param("key_hash", ("compiled once: no key's hash", "compiled twice: no key's hash"))

_TOKEN_NAMES = [field.attname for field in ApiToken._meta.concrete_fields]
_USER_NAMES = [field.attname for field in User._meta.concrete_fields]


@compiled_rows(KEY_HASH)
def token_row(*, key_hash: str) -> QuerySet[Any, Any]:
    """The token with this key hash: its columns, its user's (``user__...``), and what the
    two-factor rule asks of its owner (`user_is_member`: an active team membership;
    `user_has_device`: a confirmed authenticator)."""
    user = OuterRef("user_id")
    return (
        ApiToken.objects.filter(key_hash=key_hash)
        .order_by()  # the key's hash is unique: ApiToken's ordering would only cost a sort
        .annotate(
            user_is_member=Exists(Membership.objects.filter(user_id=user, is_active=True)),
            user_has_device=Exists(TOTPDevice.objects.filter(user_id=user, confirmed=True)),
        )
        .values(
            *_TOKEN_NAMES,
            *(f"user__{name}" for name in _USER_NAMES),
            "user_is_member",
            "user_has_device",
        )
    )


def token_for_key_hash(key_hash: str) -> ApiToken | None:
    """The token with this key hash, its user loaded, and the two facts set on it as
    attributes; None if no token has it."""
    found = token_row(key_hash=key_hash)
    if not found:
        return None
    (row,) = found
    token = ApiToken.from_db(connection.alias, _TOKEN_NAMES, [row[name] for name in _TOKEN_NAMES])
    owner = row["user"]
    token.user = User.from_db(connection.alias, _USER_NAMES, [owner[name] for name in _USER_NAMES])
    token.user_is_member = bool(row["user_is_member"])  # type: ignore[attr-defined]
    token.user_has_device = bool(row["user_has_device"])  # type: ignore[attr-defined]
    return token
