#!/bin/sh
# Run by the postgres image on its first start (/docker-entrypoint-initdb.d): the owner and the
# service's role, with the passwords docker-compose.yml passes in, each given either as a value
# or as a file (NAME_FILE, a compose secret), as the image's own POSTGRES_PASSWORD may be.
# Outside the image (a managed PostgreSQL, or the tests) it runs as it is, with PGHOST and
# POSTGRES_USER naming the server and a superuser; the names below have compose's defaults.
set -eu
database=${CONSULTTEAM_DATABASE:-consultteam}
owner=${CONSULTTEAM_OWNER:-consultteam}
app=${CONSULTTEAM_APP_ROLE:-consultteam_app}
roles_sql=${CONSULTTEAM_ROLES_SQL:-/consultteam/roles.sql}

# The value of the variable named $1, or the contents of the file named by ${1}_FILE.
secret() {
  eval "value=\${$1:-}"
  eval "file=\${$1_FILE:-}"
  if [ -n "$file" ]; then
    value=$(cat "$file")
  fi
  if [ -z "$value" ]; then
    echo "initdb: set $1 or $1_FILE" >&2
    return 1
  fi
  printf '%s' "$value"
}

owner_password=$(secret DATABASE_OWNER_PASSWORD)
app_password=$(secret DATABASE_APP_PASSWORD)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v database="$database" \
  -v owner="$owner" -v owner_password="$owner_password" \
  -v app="$app" -v app_password="$app_password" \
  -f "$roles_sql"
