"""Information Sharing Agreements: one agreement, many versions, each with its own lifecycle.

An agreement (``ISA-2026-00003``) is what a data flow points at; its versions carry the content. A
version is drafted and sent for signature, to every party at once or first to the Caldicott Guardian,
whose approval [004 6.9.3] is our signature; it comes into force when every party has signed (issue 19).
Changing an agreement in force drafts the next version and keeps the old one, which is superseded when
the new one comes into force. ``requests_app.register_workflow`` holds the table of moves.
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
    AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting signatures"
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Replaced by a later version"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"

    colours = nonmember(
        {
            "draft": "grey",
            "awaiting_signatures": "yellow",
            "active": "green",
            "superseded": "grey",
            "expired": "orange",
            "terminated": "red",
        }
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
    # The PDF every party signs, rendered when the version is sent for signature: each signature
    # records this hash, so what was signed is exactly what was read.
    # Empty until the version is sent for signature (database defaults: rows written by bulk loads too).
    signing_copy = models.FileField(upload_to="agreements/signing/", blank=True, default="", db_default="")
    signing_sha256 = models.CharField(
        "SHA-256 of the signing copy", max_length=64, blank=True, default="", db_default=""
    )

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


class SignatureStatus(StatusChoices):
    PENDING = "pending", "Waiting to sign"
    SIGNED = "signed", "Signed"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "No longer asked (a later version)"

    colours = nonmember({"pending": "yellow", "signed": "green", "declined": "red", "superseded": "grey"})


class AgreementSignature(models.Model):
    """One party's signature of one version: asked for, then signed or declined.

    A partner signs through a link: the token is never stored, only its SHA-256, and it is derived with
    the secret key from ``token_salt``, so the email task can rebuild it from the row's id while a copy
    of the database alone cannot. Re-sending changes the salt, which kills the old link. Our own
    organisation's row (``organisation`` empty) is signed in the portal by the Caldicott Guardian.
    """

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_signatures",
        help_text="Empty for our own organisation.",
    )
    signatory = models.ForeignKey(
        "PartnerSignatory", null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    status = models.CharField(max_length=16, choices=SignatureStatus.choices, default=SignatureStatus.PENDING)
    token_salt = models.CharField(max_length=64, blank=True)
    token_sha256 = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    emailed_salt = models.CharField(
        max_length=64, blank=True, help_text="The salt whose link was last emailed: one email per link."
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    # What was signed, by whom, from where.
    version_number = models.PositiveSmallIntegerField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    signed_name = models.CharField(max_length=200, blank=True)
    signed_role = models.CharField(max_length=200, blank=True)
    signed_organisation = models.CharField(max_length=200, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_type = "isa_signature"

    class Meta:
        ordering = ["version", "organisation__name", "id"]
        constraints = [
            # One live ask per party per version; a superseded one stays as the record of what was asked.
            models.UniqueConstraint(
                fields=["version", "organisation"],
                condition=~models.Q(status="superseded"),
                name="agreement_signature_one_per_party",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(organisation__isnull=True) & ~models.Q(status="superseded"),
                name="agreement_signature_one_of_ours",
            ),
            models.UniqueConstraint(
                fields=["token_sha256"],
                condition=~models.Q(token_sha256=""),
                name="agreement_signature_token",
            ),
        ]

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        party = self.organisation.name if self.organisation_id else "our organisation"  # type: ignore[union-attr]
        return f"{self.version.audit_label} signature for {party}"


class SignatoryRole(models.TextChoices):
    CALDICOTT_GUARDIAN = "caldicott_guardian", "Caldicott Guardian"
    DPO = "dpo", "Data Protection Officer"
    SIRO = "siro", "Senior Information Risk Owner"
    OTHER = "other", "Other senior officer"


class PartnerSignatory(models.Model):
    """A named person who signs agreements for a partner organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="signatories")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=32, choices=SignatoryRole.choices)
    email = models.EmailField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name_plural = "partner signatories"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}, {self.organisation.name})"
