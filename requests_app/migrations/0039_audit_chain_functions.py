"""Taking the audit chain and reading its head in one statement, and letting it go with one more.

``requests_app_audit_take_chain`` tries the chain's advisory lock (for the transaction, or for the
session when the append is a statement of its own) and, if it got it, returns the head's hash ('' for an empty chain): read by
a second statement inside the function, so with a snapshot taken after the lock, which sees every
append committed before it. ``requests_app_audit_release_chain`` lets a session's lock go and then, in
a fresh snapshot, says whether events are waiting for the sequencer: a writer that found the chain
held committed its event before it tried the chain again, so before the release, so this sees it.
It answers NULL when the session held no lock to let go, so that a lost hold is reported, not silent.
PostgreSQL only: SQLite takes no locks (services/audit.py).

The hashes' uniqueness moves from the fields to named constraints (the same names, so the same
indexes): a unique CharField also gets a ``varchar_pattern_ops`` index on PostgreSQL, for LIKE, which
nothing asks of a hash, and every append wrote both, each into a random page of a large index.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState

FUNCTIONS = """
CREATE FUNCTION requests_app_audit_take_chain(lock_key bigint, for_session boolean) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF for_session THEN
        IF NOT pg_try_advisory_lock(lock_key) THEN
            RETURN NULL;
        END IF;
    ELSIF NOT pg_try_advisory_xact_lock(lock_key) THEN
        RETURN NULL;
    END IF;
    -- '' for an empty chain (the caller links to its genesis hash); NULL above means held elsewhere.
    RETURN COALESCE((SELECT hash FROM requests_app_auditevent ORDER BY id DESC LIMIT 1), '');
END
$$;

CREATE FUNCTION requests_app_audit_release_chain(lock_key bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- NULL when this session did not hold the lock: the take went over another server connection
    -- (a transaction-mode pooler), which holds it still; the caller reports it.
    IF NOT pg_advisory_unlock(lock_key) THEN
        RETURN NULL;
    END IF;
    RETURN EXISTS (SELECT 1 FROM requests_app_pendingauditevent);
END
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS requests_app_audit_take_chain(bigint, boolean);
DROP FUNCTION IF EXISTS requests_app_audit_release_chain(bigint);
"""


LIKE_INDEXES = {
    "previous_hash": "requests_app_auditevent_previous_hash_31a2fb8d_like",
    "hash": "requests_app_auditevent_hash_61daae6c_like",
}
DROP_LIKE_INDEXES = "".join(f"DROP INDEX IF EXISTS {index};" for index in LIKE_INDEXES.values())
CREATE_LIKE_INDEXES = "".join(
    f"CREATE INDEX IF NOT EXISTS {index} ON requests_app_auditevent ({column} varchar_pattern_ops);"
    for column, index in LIKE_INDEXES.items()
)


class RunSQLOnPostgreSQL(migrations.RunSQL):
    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0038_access_statistic_counts"),
    ]

    operations = [
        RunSQLOnPostgreSQL(FUNCTIONS, DROP),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent", name="hash", field=models.CharField(max_length=64)
                ),
                migrations.AlterField(
                    model_name="auditevent", name="previous_hash", field=models.CharField(max_length=64)
                ),
                migrations.AddConstraint(
                    model_name="auditevent",
                    constraint=models.UniqueConstraint(
                        fields=("previous_hash",), name="requests_app_auditevent_previous_hash_key"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="auditevent",
                    constraint=models.UniqueConstraint(fields=("hash",), name="requests_app_auditevent_hash_key"),
                ),
            ],
            # The unique indexes PostgreSQL made for the columns are these constraints already.
            database_operations=[RunSQLOnPostgreSQL(DROP_LIKE_INDEXES, CREATE_LIKE_INDEXES)],
        ),
    ]
