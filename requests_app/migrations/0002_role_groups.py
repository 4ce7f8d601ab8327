from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# Frozen copy of the role group names at the time of this migration: migrations must
# not import application code that may change later.
ROLE_GROUPS = (
    "Staff requester",
    "IG officer",
    "Data Protection Officer",
    "Caldicott Guardian",
    "SIRO",
    "Auditor",
)


def create_role_groups(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    group_model = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        group_model.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("requests_app", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
