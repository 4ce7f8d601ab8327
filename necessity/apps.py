from django.apps import AppConfig


class NecessityConfig(AppConfig):
    name = "necessity"
    verbose_name = "Necessity test and Caldicott wizard"
    default_auto_field = "django.db.models.BigAutoField"
