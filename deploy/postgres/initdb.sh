#!/bin/sh
# Run by the postgres image on its first start (/docker-entrypoint-initdb.d): the owner and the
# service's role, with the passwords docker-compose.yml passes in.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v database=consultteam \
  -v owner=consultteam -v owner_password="$DATABASE_OWNER_PASSWORD" \
  -v app=consultteam_app -v app_password="$DATABASE_APP_PASSWORD" \
  -f /consultteam/roles.sql
