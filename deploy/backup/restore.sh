#!/bin/sh
# Put a backup made by backup.sh back, as docs/operations.md ("Backups and restore") describes:
#
#   restore.sh [--replace] [--database NAME] [--owner ROLE] [--app ROLE] FILE
#
# Run it as a PostgreSQL superuser: in the compose stack,
#   docker compose exec postgres sh /consultteam/restore.sh /backups/consultteam-....dump
# (the postgres container's local socket lets its superuser in without a password). The
# defaults are the compose stack's names: database and owner `consultteam`, service role
# `consultteam_app`. Both roles must exist already (deploy/postgres/roles.sql makes them).
#
# It fills only an empty database: one that does not exist, or has no tables. A database that
# holds tables is refused unless --replace is given, which drops it (its data is lost).
#
# The backup goes into a new database, NAME_restoring, made exactly as roles.sql makes one
# (owned by the owner, CONNECT for the service's role only, CREATE on the schema for the owner
# only). pg_restore runs as the owner in one transaction; only when it has succeeded is the old
# database dropped and the new one renamed to NAME, so a failed restore changes nothing.
# The dump carries every table's grants, so the service's role gets back exactly what it had:
# rows, and only INSERT on the audit trail. pg_dump puts triggers in the post-data section,
# which pg_restore creates after the rows are loaded, so the audit trail's trigger does not
# restamp restored events and its hash chain still verifies (`manage.py audit_verify`).
set -eu

say() { echo "restore: $*"; }
fail() { echo "restore: $*" >&2; exit 2; }

replace=""
database="consultteam"
owner="consultteam"
app="consultteam_app"
while [ $# -gt 1 ]; do
  case "$1" in
    --replace) replace=yes; shift ;;
    --database) database="$2"; shift 2 ;;
    --owner) owner="$2"; shift 2 ;;
    --app) app="$2"; shift 2 ;;
    *) fail "unknown option '$1'" ;;
  esac
done
[ $# -eq 1 ] || fail "usage: restore.sh [--replace] [--database NAME] [--owner ROLE] [--app ROLE] FILE"
file="$1"
[ -f "$file" ] && [ -r "$file" ] || fail "$file is not a file this user can read"
# Read to its end before anything is dropped: a truncated file still lists its contents.
pg_restore --file=/dev/null "$file" 2>/dev/null \
  || fail "$file is not a whole backup (pg_restore cannot read it to the end); pick another one"

# The backup is restored beside the database under this name, then swapped in (below).
work="${database}_restoring"
# The image's superuser, over the local socket, unless PGHOST/PGUSER say otherwise.
PGUSER="${PGUSER:-${POSTGRES_USER:-postgres}}"
export PGUSER
sql() {  # database, then psql's variables; the SQL comes on stdin
  target="$1"
  shift
  psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$target" \
    -v database="$database" -v work="$work" -v owner="$owner" -v app="$app" "$@"
}

roles="$(sql postgres <<'SQL'
SELECT count(*) FROM pg_roles WHERE rolname IN (:'owner', :'app');
SQL
)"
[ "$roles" = 2 ] || fail "the roles '$owner' and '$app' must both exist first (deploy/postgres/roles.sql)"

exists="$(sql postgres <<'SQL'
SELECT count(*) FROM pg_database WHERE datname = :'database';
SQL
)"
if [ "$exists" = 1 ]; then
  tables="$(sql "$database" <<'SQL'
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg_toast%';
SQL
)"
  if [ "$tables" != 0 ] && [ -z "$replace" ]; then
    fail "the database '$database' holds $tables tables; restore only fills an empty one. To \
replace it (everything in it is lost), stop web, worker, beat and backup, then run again with --replace"
  fi
fi

# Restored beside the database under another name, then swapped in: a restore that fails (a
# role the backup grants to is missing, the disk is full) leaves the database as it was.
sql postgres <<'SQL' || fail "could not create the database '$work' to restore into"
DROP DATABASE IF EXISTS :"work" WITH (FORCE);
CREATE DATABASE :"work" OWNER :"owner" TEMPLATE template0;
REVOKE ALL ON DATABASE :"work" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"work" TO :"app";
\connect :"work"
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"owner";
SQL

# As the owner (--role), so it owns everything restored, whoever owned it where the dump was made.
if ! pg_restore --exit-on-error --single-transaction --no-owner --role="$owner" \
  --dbname="$work" "$file"; then
  sql postgres <<'SQL' || true
DROP DATABASE IF EXISTS :"work" WITH (FORCE);
SQL
  fail "pg_restore stopped (its message is above); '$database' is as it was"
fi
# pg_restore brings back no planner statistics.
sql "$work" <<'SQL'
ANALYZE;
SQL

# FORCE ends the sessions still connected to the old database (the services should be stopped).
sql postgres <<'SQL'
DROP DATABASE IF EXISTS :"database" WITH (FORCE);
ALTER DATABASE :"work" RENAME TO :"database";
SQL

counts="$(sql "$database" <<'SQL'
SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') || ' tables, '
    || (SELECT count(*) FROM audit_auditevent) || ' audit events';
SQL
)"
say "restored $(basename "$file") into '$database': $counts"
