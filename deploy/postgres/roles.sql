-- The two roles of a ConsultTeam database, run once by a superuser with psql:
--   psql -v database=consultteam -v owner=consultteam -v owner_password=... \
--        -v app=consultteam_app -v app_password=... -f roles.sql
-- The owner runs migrations and owns every table; the service connects as the app role, which
-- owns nothing and is given rows, never the schema, by `migrate` (docs/deployment.md).
\set ON_ERROR_STOP on

CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';
CREATE DATABASE :"database" OWNER :"owner";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"app";

\connect :"database"
-- Only the owner creates objects (PostgreSQL 15 already withholds this from PUBLIC).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"owner";
