from django.contrib import admin

from requests_app.models import Organisation, OrganisationSettings


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "ods_code", "contact_email", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "ods_code")


@admin.register(OrganisationSettings)
class OrganisationSettingsAdmin(admin.ModelAdmin):
    list_display = ("name", "nation", "caldicott_guardian", "dpo", "siro")

    def has_add_permission(self, request: object) -> bool:
        return not OrganisationSettings.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
