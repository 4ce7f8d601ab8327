from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# The starting catalogue; the IG team edits it afterwards. Frozen here: migrations never import app code.
# (code, name, identifying, special category, less identifying alternative)
ITEMS = (
    ("name", "Name", True, False, "Pseudonym"),
    ("address", "Address", True, False, "Postcode district (for example NS1)"),
    ("postcode", "Full postcode", True, False, "Postcode district (for example NS1)"),
    ("date_of_birth", "Date of birth", True, False, "Age band"),
    ("nhs_number", "NHS number", True, False, "Pseudonymised NHS number"),
    ("hospital_number", "Hospital or local record number", True, False, "Pseudonymised record number"),
    ("ni_number", "National Insurance number", True, False, ""),
    ("telephone", "Telephone number", True, False, ""),
    ("email", "Email address", True, False, ""),
    ("photograph", "Photographs or images", True, False, ""),
    ("gender", "Sex or gender", False, False, ""),
    ("ethnicity", "Ethnicity", False, True, ""),
    ("gp_practice", "Registered GP practice", False, False, ""),
    ("health_data", "Health data (diagnoses, conditions, treatment)", False, True, ""),
    ("medication", "Medication", False, True, ""),
    ("admission_dates", "Admission and discharge dates", False, True, "Month of admission"),
    ("mental_health", "Mental health information", False, True, ""),
    ("sexual_health", "Sexual health or sexual orientation", False, True, ""),
    ("religion", "Religious or philosophical beliefs", False, True, ""),
    ("social_care", "Social care records", False, True, ""),
    ("genetic_biometric", "Genetic or biometric data", True, True, ""),
    ("aggregate_counts", "Aggregated counts (no individual records)", False, False, ""),
)


def load_catalogue(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    item_type = apps.get_model("requests_app", "DataItemType")
    for order, (code, name, identifying, special, alternative) in enumerate(ITEMS, start=1):
        item_type.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "identifying": identifying,
                "special_category": special,
                "less_identifying_alternative": alternative,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0003_sharing_requests")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
