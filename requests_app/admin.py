from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_app.models import (
    AccessRequest,
    AccessRequestClarification,
    AuditEvent,
    ExternalIdentity,
    Notification,
    Organisation,
    OrganisationSettings,
    ReminderMilestone,
    RoleMapping,
    SweepRun,
)
from requests_app.services.sso import role_mapping_delete, role_mapping_save


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


class AccessRequestClarificationInline(admin.TabularInline):
    model = AccessRequestClarification
    extra = 0
    fields = ("asked_on", "question", "answered_on")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    """Read-only: a change made here would skip the service, leaving ``due_on`` and the status stale."""

    list_display = ("reference", "kind", "status", "received_on", "due_on", "handler")
    list_filter = ("kind", "status")
    search_fields = ("reference", "requester_name")
    inlines = [AccessRequestClarificationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """For operators to look things up: every change goes through the services, never the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReminderMilestone)
class ReminderMilestoneAdmin(ReadOnlyAdmin):
    list_display = ("source", "object_id", "milestone", "due_on", "claimed_at", "outcome")
    list_filter = ("source", "outcome")
    search_fields = ("milestone",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "subject", "created_at", "status", "attempts", "sent_at", "read_at")
    list_filter = ("status",)
    search_fields = ("subject", "message_id", "email")
    list_select_related = ("recipient",)


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = ("kind", "today", "started_at", "finished_at", "claimed", "notifications", "error")
    list_filter = ("kind",)


@admin.register(RoleMapping)
class RoleMappingAdmin(admin.ModelAdmin):
    """Which claim values give which role at single sign-on: superusers only, every change audited."""

    list_display = ("claim_value", "role", "note", "created_at")
    list_filter = ("role",)
    search_fields = ("claim_value", "note")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)

    def save_model(self, request: HttpRequest, obj: RoleMapping, form: object, change: bool) -> None:
        role_mapping_save(mapping=obj, actor=request.user, request=request, created=not change)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: RoleMapping) -> None:
        role_mapping_delete(mapping=obj, actor=request.user, request=request)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleMapping]) -> None:
        for mapping in queryset:
            role_mapping_delete(mapping=mapping, actor=request.user, request=request)  # type: ignore[arg-type]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Read-only: identities are made by signing in; deleting one unlinks the account from the provider."""

    list_display = ("user", "issuer", "subject", "last_sign_in_at")
    search_fields = ("subject", "user__username", "user__email")
    readonly_fields = ("user", "issuer", "subject", "created_at", "last_sign_in_at", "last_claim_values")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
