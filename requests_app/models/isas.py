"""Information Sharing Agreements: one agreement, many versions, each with its own lifecycle.

An agreement (``ISA-2026-00003``) is what a data flow points at; its versions carry the content. A
version is drafted, sent to the Caldicott Guardian, and approved into force [004 6.9.3]; changing an
agreement in force drafts the next version and keeps the old one, which is superseded when the new one
is approved. ``requests_app.register_workflow`` holds the table of moves.
"""

from __future__ import annotations

from enum import nonmember

from django.conf import settings
from django.db import models

from necessity.rules import (
    Art6Condition,
    Art9Condition,
    ConfidentialityBasis,
    DataForm,
    TransferMethod,
    choices,
)
from requests_app.models.history import StateHistory
from requests_app.models.organisations import Organisation
from requests_app.models.sharing import DataItemType
from requests_app.models.status import StatusChoices


class AgreementStatus(StatusChoices):
    DRAFT = "draft", "Draft"
    AWAITING_CALDICOTT = "awaiting_caldicott", "Awaiting Caldicott Guardian"
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Replaced by a later version"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"

    colours = nonmember(
        {"draft": "grey", "active": "green", "superseded": "grey", "expired": "orange", "terminated": "red"}
    )


class SharingAgreement(models.Model):
    """The agreement as data flows and people refer to it; its content lives in its versions."""

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(
        max_length=200,
        help_text="Usually the partner's name. It names the PDF: 20261121 ISA Northshire Community Trust v2.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    audit_type = "isa"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def audit_label(self) -> str:
        return self.reference


class AgreementVersion(models.Model):
    """One version of an agreement's content, from draft to active and on to its end."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=32, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    parties = models.ManyToManyField(
        Organisation, related_name="+", help_text="The partner organisations that sign with us."
    )
    purpose = models.TextField(blank=True)
    art6 = models.CharField(
        "UK GDPR Article 6 condition", max_length=40, choices=choices(Art6Condition), blank=True
    )
    art9 = models.CharField(
        "UK GDPR Article 9 condition", max_length=40, choices=choices(Art9Condition), blank=True
    )
    confidentiality_basis = models.CharField(
        "Common law duty of confidentiality basis",
        max_length=40,
        choices=choices(ConfidentialityBasis),
        blank=True,
    )
    legal_basis_notes = models.TextField(
        "Other legal bases", blank=True, help_text="Statutory powers or duties relied on, if any."
    )
    data_subjects = models.TextField("Whose information is shared", blank=True)
    data_form = models.CharField(
        "Form of the information", max_length=20, choices=choices(DataForm), blank=True
    )
    data_items = models.ManyToManyField(DataItemType, related_name="+", blank=True)
    transfer_method = models.CharField(max_length=40, choices=choices(TransferMethod), blank=True)
    security_measures = models.TextField("Transfer and security", blank=True)
    retention = models.TextField("Retention and destruction", blank=True)
    subject_rights = models.TextField("How data subjects' rights are met", blank=True)
    onward_sharing_prohibited = models.BooleanField(
        "Onward sharing prohibited",
        default=True,
        help_text="The recipient uses the information only for the purpose agreed and passes it to nobody "
        "else without our written consent, unless the law requires it [001 s10].",
    )
    onward_sharing_exceptions = models.TextField(
        "Onward sharing agreed", blank=True, help_text="Only when onward sharing is not prohibited."
    )
    breach_handling = models.TextField("Breach handling", blank=True)
    start_on = models.DateField("Start date", null=True, blank=True)
    end_on = models.DateField(
        "End date", null=True, blank=True, help_text="Leave empty for an agreement that runs until ended."
    )
    review_on = models.DateField("Review date", null=True, blank=True)
    change_summary = models.TextField(
        "What changed in this version", blank=True, help_text="Needed from version 2 onwards."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    audit_type = "isa"

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique"),
            # At most one version of an agreement is in force at a time.
            models.UniqueConstraint(
                fields=["agreement"],
                condition=models.Q(status="active"),
                name="agreement_one_active_version",
            ),
        ]
        indexes = [models.Index(fields=["status", "review_on"]), models.Index(fields=["status", "end_on"])]

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        return f"{self.agreement.reference} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == AgreementStatus.DRAFT


class AgreementHistory(StateHistory):
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="history")

    status_choices = AgreementStatus

    class Meta:
        ordering = ["version", "occurred_at", "id"]
        verbose_name_plural = "agreement history"

    def __str__(self) -> str:
        return f"{self.version_id}: {self.from_status} -> {self.to_status}"


class AgreementDocument(models.Model):
    """The PDF of a version that came into force: rendered once, stored under a generated name, hashed."""

    version = models.OneToOneField(AgreementVersion, on_delete=models.PROTECT, related_name="document")
    name = models.CharField(max_length=200, help_text="The file name, by the record naming convention.")
    file = models.FileField(upload_to="agreements/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
