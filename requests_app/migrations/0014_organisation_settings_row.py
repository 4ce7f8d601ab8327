from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def create_settings_row(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The organisation's settings are one row; creating it here means reading a page never writes it.
    settings_model = apps.get_model("requests_app", "OrganisationSettings")
    settings_model.objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0013_registers")]

    operations = [migrations.RunPython(create_settings_row, migrations.RunPython.noop)]
