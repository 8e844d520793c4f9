"""Finding the API token a request carries: one query, compiled once.

Every API request starts here, so this query is paid on every one of them. Its shape never
changes, only the hash of the key does; yet Django spent about 1.7 ms building it each time
(the join to the user, two EXISTS), several times what PostgreSQL took to answer it
(docs/performance.md). So the ORM still defines it, but its SQL is compiled once per process
and database vendor, and each request only runs it and builds the two objects from the row.
Nothing of a request is kept: the cached text holds the query's constants and no key.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Exists, Model, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultteam.accounts.models import ApiToken, User
from consultteam.teams.models import Membership

# Stands where the key's hash goes in the compiled text; not hexadecimal, so no key hashes to it.
_NO_KEY_HASH = "compiled once: this is no key's hash"

_TOKEN_FIELDS = ApiToken._meta.concrete_fields
_USER_FIELDS = User._meta.concrete_fields
# What the two-factor rule asks of the token's owner, answered by the same query.
_FACTS = ("user_is_member", "user_has_device")
_COLUMNS = (
    *(field.attname for field in _TOKEN_FIELDS),
    *(f"user__{field.attname}" for field in _USER_FIELDS),
    *_FACTS,
)

_compiled: dict[str, tuple[str, tuple[Any, ...], int]] = {}


def _defined(key_hash: str) -> Any:
    """The lookup as the ORM defines it: the token's columns, its user's, and the two facts
    (`user_is_member`: an active team membership; `user_has_device`: a confirmed
    authenticator)."""
    user = OuterRef("user_id")
    return (
        ApiToken.objects.filter(key_hash=key_hash)
        .order_by()  # the key's hash is unique: ApiToken's ordering would only cost a sort
        .annotate(
            user_is_member=Exists(Membership.objects.filter(user_id=user, is_active=True)),
            user_has_device=Exists(TOTPDevice.objects.filter(user_id=user, confirmed=True)),
        )
        .values_list(*_COLUMNS)
    )


def _sql() -> tuple[str, tuple[Any, ...], int]:
    if connection.vendor not in _compiled:
        sql, params = _defined(_NO_KEY_HASH).query.sql_with_params()
        _compiled[connection.vendor] = (sql, tuple(params), list(params).index(_NO_KEY_HASH))
    return _compiled[connection.vendor]


def _from_row(model: type[Model], fields: Any, values: Any) -> Any:
    """A ``model`` instance from raw column values, converted as the ORM converts them (on
    SQLite, for instance, dates arrive as text and booleans as integers)."""
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for convert in (
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ):
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


def token_for_key_hash(key_hash: str) -> ApiToken | None:
    """The token with this key hash, its user loaded, and the two facts set on it as
    attributes; None if no token has it."""
    sql, params, place = _sql()
    values = list(params)
    values[place] = key_hash
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    n_token, n_user = len(_TOKEN_FIELDS), len(_USER_FIELDS)
    token = _from_row(ApiToken, _TOKEN_FIELDS, row[:n_token])
    token.user = _from_row(User, _USER_FIELDS, row[n_token : n_token + n_user])
    for name, value in zip(_FACTS, row[n_token + n_user :], strict=True):
        setattr(token, name, bool(value))
    return token  # type: ignore[no-any-return]
