from django.contrib import admin
from django.http import HttpRequest

from requests_app.models import (
    AccessRequest,
    AccessRequestClarification,
    AuditEvent,
    Notification,
    Organisation,
    OrganisationSettings,
    ReminderMilestone,
    SweepRun,
)


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
