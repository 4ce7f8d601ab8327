#!/bin/sh
# Run once by the postgres image when its data volume is first created (docker-compose.yml mounts it in
# /docker-entrypoint-initdb.d). Two roles, so the application cannot tamper with its own audit trail:
#   igportal_owner  owns the database and every table; only `manage.py migrate` connects as it.
#   igportal_app    what gunicorn, the worker and beat connect as: an ordinary role that owns nothing,
#                   so it cannot switch a trigger off, alter or drop a table, or TRUNCATE. After each
#                   migrate, `manage.py grant_app_role igportal_app` gives it read and write on the
#                   tables, and on the audit trail only SELECT and INSERT.
set -eu
owner_password=$(cat /run/secrets/db_owner_password)
app_password=$(cat /run/secrets/db_app_password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_password="$owner_password" -v app_password="$app_password" <<'SQL'
CREATE ROLE igportal_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE igportal_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE DATABASE igportal OWNER igportal_owner;
\connect igportal
ALTER SCHEMA public OWNER TO igportal_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE igportal FROM PUBLIC;
GRANT CONNECT ON DATABASE igportal TO igportal_app;
SQL
