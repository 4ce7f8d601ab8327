from django.contrib import admin

from requests_app.models import AuditEvent, Organisation, OrganisationSettings


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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody, admin included, edits or deletes the audit trail from the product."""

    list_display = ("occurred_at", "actor_label", "action", "target_type", "target_label", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_label", "target_id")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
