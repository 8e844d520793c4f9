"""Two database roles on PostgreSQL: the owner, which runs migrations, and the role the running
service connects as, which owns nothing.

The service's role reads and writes rows, may only add to the audit trail, and can change no
table, trigger or function. So neither a bug nor a stolen connection can rewrite the trail:
UPDATE, DELETE and TRUNCATE on it are not granted; disabling its triggers or replacing their
functions needs ownership; the maintenance switch answers only to the owner. `migrate`, run as
the owner with `DATABASE_RUNTIME_ROLE` set, grants this after each run, so new tables are
covered (docs/deployment.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLE = "audit_auditevent"

GRANTS = """
GRANT CONNECT ON DATABASE {database} TO {role};
GRANT USAGE ON SCHEMA public TO {role};
REVOKE CREATE ON SCHEMA public FROM {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {audit} FROM {role};
REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role};
"""


def grant_runtime_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """Give ``role`` what the running service needs and nothing more, after refusing a role
    that could undo it: the owner itself, a superuser, or a member of the owner role."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, pg_has_role(r.oid, c.relowner, 'USAGE')"
            " FROM pg_roles r, pg_class c WHERE r.rolname = %s AND c.oid = %s::regclass",
            [role, AUDIT_TABLE],
        )
        found = cursor.fetchone()
        if found is None:
            raise ImproperlyConfigured(
                f"DATABASE_RUNTIME_ROLE={role!r}: no such role. Create it first "
                "(deploy/postgres/roles.sql)."
            )
        superuser, owns = found
        if superuser or owns:
            raise ImproperlyConfigured(
                f"DATABASE_RUNTIME_ROLE={role!r} is a superuser or owns the tables: the audit "
                "trail would not be safe from it. Give the service a role that owns nothing."
            )
        cursor.execute(
            GRANTS.format(
                database=quote(connection.settings_dict["NAME"]),
                role=quote(role),
                audit=quote(AUDIT_TABLE),
            )
        )


def grant_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: grant the service's role, when this deployment names one."""
    connection = connections[using]
    if settings.DATABASE_RUNTIME_ROLE and connection.vendor == "postgresql":
        grant_runtime_role(connection, settings.DATABASE_RUNTIME_ROLE)
