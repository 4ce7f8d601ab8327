"""The audit chain becomes keyed, and TRUNCATE on the audit table is refused.

Existing events are not touched (the append-only trigger would refuse it, and rightly): the new
``keyed`` column reads false for them through its database default, so ``verify_audit`` checks them
with the plain SHA-256 they were written with. Every event written from now on is keyed.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite in development has no triggers like these)."""

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

# Row triggers do not fire for TRUNCATE, so the append-only trigger never saw it.
NO_TRUNCATE_TRIGGER = """
CREATE FUNCTION requests_app_auditevent_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: TRUNCATE on requests_app_auditevent is refused.';
END;
$$;
CREATE TRIGGER requests_app_auditevent_no_truncate
    BEFORE TRUNCATE ON requests_app_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION requests_app_auditevent_no_truncate();
"""
DROP_NO_TRUNCATE_TRIGGER = """
DROP TRIGGER requests_app_auditevent_no_truncate ON requests_app_auditevent;
DROP FUNCTION requests_app_auditevent_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0019_wizard_drafts_and_unlisted_recipient"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="keyed",
            field=models.BooleanField(db_default=False),
        ),
        RunSQLOnPostgreSQL(NO_TRUNCATE_TRIGGER, DROP_NO_TRUNCATE_TRIGGER),
    ]
