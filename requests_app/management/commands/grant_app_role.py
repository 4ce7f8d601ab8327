"""Give the application's PostgreSQL role what it needs and no more: run as the tables' owner after migrate.

The application connects as a role that owns no table, so it cannot switch a trigger off, alter or
drop a table, or TRUNCATE; on the audit table it may only read and append. Migrations run as the
owner (README, "Database roles"); this command is re-run after each migrate, for the tables it added.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from requests_app.models import AuditEvent


class Command(BaseCommand):
    help = "Grant the app's database role read and write on every table; on the audit trail, read and append."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The PostgreSQL role the application connects as.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles apply to PostgreSQL only; SQLite has none.")
        role: str = options["role"]
        quote = connection.ops.quote_name
        audit_table = quote(AuditEvent._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb"
                " FROM pg_roles WHERE rolname = %s",
                [role],
            )
            row = cursor.fetchone()
            if row is None:
                raise CommandError(
                    f"There is no database role {role!r}; create it first (README, 'Database roles')."
                )
            if row[0]:
                raise CommandError(
                    f"The role {role!r} is a superuser, may create roles or databases, or bypasses row"
                    " security: the application's role must be an ordinary one."
                )
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
                " WHERE r.rolname = %s AND c.relnamespace = current_schema()::regnamespace",
                [role],
            )
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"The role {role!r} owns tables: the application must not connect as the tables' owner,"
                    " who can switch the audit trail's triggers off."
                )
            cursor.execute("SELECT current_schema()")
            schema = quote(cursor.fetchone()[0])
            grantee = quote(role)
            for statement in (
                f"GRANT USAGE ON SCHEMA {schema} TO {grantee}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {grantee}",
                f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {grantee}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}",
                # The audit trail: read and append, nothing else (its triggers refuse the rest anyway).
                f"REVOKE UPDATE, DELETE ON {audit_table} FROM {grantee}",
                # ...but a disposal may blank an event's label and detail (the trigger allows only that).
                f"GRANT UPDATE (target_label, detail, redacted_at) ON {audit_table} TO {grantee}",
            ):
                cursor.execute(statement)
        self.stdout.write(
            f"Granted {role} the application's rights; on {AuditEvent._meta.db_table} only SELECT, INSERT"
            " and the redaction of labels and details."
        )
