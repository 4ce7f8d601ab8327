"""The retention schedule of IG Portal's own records, the disposal reviews it raises, and what was destroyed.

``RetentionRule``: one row per record type (period, the event it runs from, its authority), edited by the
DPO; each edit is a ``RetentionRuleVersion`` row and an audit event. The disposal sweep
(``services.retention.disposal_sweep``) raises one ``DisposalReview`` per record past its period (a unique
constraint makes a second impossible); the DPO destroys, extends or holds it along
``retention_workflow.DISPOSAL_WORKFLOW``. A destruction leaves a ``DestructionRecord``: what, under which
schedule entry, approved by whom, when [000 3.iv].
"""

from __future__ import annotations

from enum import nonmember

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from requests_app.models.history import StateHistory
from requests_app.models.status import StatusChoices
from requests_app.retention_schedule import describe_period


class RecordType(models.TextChoices):
    SHARING_REQUEST = "sharing_request", "Sharing requests, their assessments and decisions"
    DISCLOSURE = "disclosure", "Disclosure log entries"
    DATA_FLOW = "data_flow", "Data flows"
    ISA = "isa", "Information sharing agreements"
    DPIA = "dpia", "Data protection impact assessments"
    INCIDENT = "incident", "Incidents"
    ACCESS_REQUEST = "access_request", "Access and data subject rights requests"
    CONSENT_WITHDRAWAL = "consent_withdrawal", "Consent withdrawals"
    NOTIFICATION = "notification", "Notifications and emails"
    SUPPORTING_DOCUMENT = "supporting_document", "Uploaded documents"
    SESSION = "session", "Sign-in sessions"
    API_TOKEN = "api_token", "API tokens"
    AUDIT_EVENT = "audit_event", "Audit events"


class RetentionTrigger(models.TextChoices):
    CLOSURE = "closure", "Closure (the case or record is finished with)"
    AGREEMENT_END = "agreement_end", "End of the agreement"
    LAST_REVIEW = "last_review", "Last review"
    CREATION = "creation", "Creation"


class RetentionRule(models.Model):
    """How long one record type is kept. Changed only by ``services.retention.retention_rule_update``."""

    audit_type = "retention_rule"

    record_type = models.CharField(max_length=32, choices=RecordType.choices, unique=True, editable=False)
    period_months = models.PositiveSmallIntegerField(
        "Retention period (months)",
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text="The minimum time to keep the record, from the trigger event. 72 months is 6 years.",
    )
    trigger = models.CharField("Runs from", max_length=16, choices=RetentionTrigger.choices)
    authority = models.CharField(
        "Authority", max_length=300, help_text="The schedule entry or decision this period comes from."
    )
    verified = models.BooleanField(
        "Checked against the Code",
        default=False,
        help_text="Tick once the DPO has checked the period and entry against the Code's own text.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.period}"

    @property
    def audit_label(self) -> str:
        return str(self.get_record_type_display())

    @property
    def period(self) -> str:
        return describe_period(self.period_months)


class RetentionRuleVersion(models.Model):
    """A rule as it stood after one edit (version 1 is the default the migration seeded)."""

    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    period_months = models.PositiveSmallIntegerField()
    trigger = models.CharField(max_length=16, choices=RetentionTrigger.choices)
    authority = models.CharField(max_length=300)
    verified = models.BooleanField()
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="retention_rule_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule.record_type} v{self.version}"

    @property
    def period(self) -> str:
        return describe_period(self.period_months)


class DisposalStatus(StatusChoices):
    PENDING = "pending", "Awaiting review"
    EXTENDED = "extended", "Retention extended"
    HELD = "held", "Legal hold"
    DESTROYED = "destroyed", "Destroyed"

    colours = nonmember({"pending": "yellow", "extended": "blue", "held": "red", "destroyed": "grey"})


class LegalHoldKind(models.TextChoices):
    LITIGATION = "litigation", "Litigation (actual or expected)"
    ICO_INVESTIGATION = "ico_investigation", "ICO investigation"
    INQUIRY = "inquiry", "Public or statutory inquiry"
    RESTRICTION = "restriction", "Restricted at the data subject's request (UK GDPR Art 18)"


class DisposalReview(models.Model):
    """One record past its retention period, for the DPO to decide on. Its status moves only along
    ``retention_workflow.DISPOSAL_WORKFLOW``; the record is named by type and id, never by its content."""

    audit_type = "disposal_review"

    record_type = models.CharField(max_length=32, choices=RecordType.choices)
    object_id = models.BigIntegerField()
    # A reference that names no person (SAR-2026-00012, "document 41 of REQ-2026-0003").
    label = models.CharField(max_length=120)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    rule_version = models.PositiveIntegerField()
    trigger_date = models.DateField()
    retain_until = models.DateField()
    status = models.CharField(max_length=16, choices=DisposalStatus.choices, default=DisposalStatus.PENDING)
    extended_until = models.DateField(null=True, blank=True)
    hold_kind = models.CharField(max_length=20, choices=LegalHoldKind.choices, blank=True)
    # The erasure or restriction case that raised this review ahead of the schedule, if one did.
    requested_by_case = models.ForeignKey(
        "requests_app.AccessRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["retain_until", "id"]
        constraints = [
            # The sweep's "exactly once": however many sweeps run, a record is raised for review once.
            models.UniqueConstraint(fields=["record_type", "object_id"], name="disposal_review_once"),
            models.CheckConstraint(
                condition=~models.Q(status="extended") | models.Q(extended_until__isnull=False),
                name="disposal_extended_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="held") | ~models.Q(hold_kind=""),
                name="disposal_held_has_kind",
            ),
        ]
        indexes = [models.Index(fields=["status", "extended_until"], name="disposal_status_until")]

    def __str__(self) -> str:
        return self.label

    @property
    def audit_label(self) -> str:
        return self.label


class DisposalReviewHistory(StateHistory):
    """One row per decision on a disposal review: append-only, written only by ``services.workflow``."""

    review = models.ForeignKey(DisposalReview, on_delete=models.PROTECT, related_name="history")

    status_choices = DisposalStatus

    class Meta:
        ordering = ["review", "occurred_at", "id"]
        verbose_name_plural = "disposal review history"


class DestructionRecord(models.Model):
    """What was destroyed, under which schedule entry, approved by whom and when. Kept for good."""

    review = models.OneToOneField(DisposalReview, on_delete=models.PROTECT, related_name="destruction")
    record_type = models.CharField(max_length=32, choices=RecordType.choices)
    label = models.CharField(max_length=120)
    # The schedule entry as it stood when the destruction was approved.
    period_months = models.PositiveSmallIntegerField()
    trigger = models.CharField(max_length=16, choices=RetentionTrigger.choices)
    authority = models.CharField(max_length=300)
    rule_version = models.PositiveIntegerField()
    method = models.CharField(max_length=200)
    documents_deleted = models.PositiveIntegerField(default=0)
    audit_events_redacted = models.PositiveIntegerField(default=0)
    # Events about the record written before retention came in (migration 0027): their hash covers the
    # label and detail themselves, so they cannot be blanked without breaking the chain and are kept as
    # written (docs/retention.md, "Events from before retention").
    audit_events_kept = models.PositiveIntegerField(default=0, db_default=0)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    destroyed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-destroyed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} destroyed {self.destroyed_at:%Y-%m-%d}"

    @property
    def period(self) -> str:
        return describe_period(self.period_months)
