#!/usr/bin/env bash
# Runs once, when the postgres volume is first initialised (docker-compose.yml mounts this directory
# at /docker-entrypoint-initdb.d). Creates one role per tenant of this server, each owning its
# databases, so the app cannot read Temporal's data and Temporal cannot read the app's.
set -euo pipefail

: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"
: "${ECHODESK_DB_PASSWORD:?ECHODESK_DB_PASSWORD must be set}"

# Passwords go in as psql variables and are quoted by :'name', never spliced into the SQL text.
psql --no-psqlrc --set=ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set=temporal_password="$TEMPORAL_DB_PASSWORD" \
  --set=echodesk_password="$ECHODESK_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

CREATE ROLE echodesk LOGIN PASSWORD :'echodesk_password';
CREATE DATABASE echodesk OWNER echodesk;

REVOKE CONNECT, TEMPORARY ON DATABASE temporal, temporal_visibility, echodesk FROM PUBLIC;
SQL
