#!/bin/sh
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d), as
# the image's superuser. Creates the two roles of luutru/dbroles.py:
#   luutru_owner  owns the database and its tables; only the "migrate" service connects as it.
#   luutru_app    the web processes, worker and beat; rows only, the access log append-only.
# The app's grants are made by each migrate (DATABASE_APP_ROLE=luutru_app).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$LUUTRU_OWNER_PASSWORD" -v app_password="$LUUTRU_APP_PASSWORD" <<'SQL'
CREATE ROLE luutru_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE luutru_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';
ALTER DATABASE luutru OWNER TO luutru_owner;
ALTER SCHEMA public OWNER TO luutru_owner;
REVOKE ALL ON DATABASE luutru FROM PUBLIC;
GRANT CONNECT ON DATABASE luutru TO luutru_app;
-- pg_trgm is created by a migration: a trusted extension, which the database owner may create.
SQL
