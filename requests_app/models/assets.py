"""The information asset register (IAR) and the processors that handle assets on our behalf.

An information asset is a system or record set that an Information Asset Owner (IAO) answers for to the
SIRO [004 5.9]: the IAR records its owner, sensitivity, format and location and retention [000 3.iv, 5.v].
Its lifecycle (draft, active, retired) is a table in ``requests_app.register_workflow``. A processor
processes personal data on our behalf under a written contract [UK GDPR Art 28(3)]; the contract's end date
is chased by ``requests_app.reminders.assets``. The record of processing (UK GDPR Art 30) is read from these
rows and the data flows by ``requests_app.selectors.assets``, never typed a second time.
"""

from __future__ import annotations

import datetime
from enum import nonmember

from django.conf import settings
from django.db import models

from requests_app.models.dpias import Dpia
from requests_app.models.flows import LegalBasisFields
from requests_app.models.history import StateHistory
from requests_app.models.sharing import SharingRequest
from requests_app.models.status import StatusChoices


class AssetStatus(StatusChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"

    colours = nonmember({"draft": "grey", "active": "green", "retired": "white"})


class AssetFormat(models.TextChoices):
    SYSTEM = "system", "Electronic system"
    SHARED_DRIVE = "shared_drive", "Shared drive or document store"
    PAPER = "paper", "Paper records"
    MIXED = "mixed", "Electronic and paper"


class Sensitivity(models.TextChoices):
    """Government Security Classifications as the NHS applies them."""

    OFFICIAL = "official", "Official"
    OFFICIAL_SENSITIVE = "official_sensitive", "Official-Sensitive"


class Processor(models.Model):
    """An organisation that processes personal data on our behalf, and its Art 28 contract."""

    name = models.CharField("Processor", max_length=200, unique=True)
    services = models.CharField(
        "What they do for us", max_length=300, help_text="For example: hosting the patient record system."
    )
    contact = models.CharField("Contact", max_length=200, blank=True)
    contract_reference = models.CharField("Contract reference", max_length=100, blank=True)
    contract_start_on = models.DateField("Contract start", null=True, blank=True)
    contract_end_on = models.DateField("Contract end", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_type = "processor"

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["contract_end_on"], name="processor_contract_end")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return self.name

    def contract_in_force(self, today: datetime.date) -> bool:
        """A written contract is in place [UK GDPR Art 28(3)]: signed, started and not ended."""
        return (
            bool(self.contract_reference)
            and self.contract_start_on is not None
            and self.contract_start_on <= today
            and (self.contract_end_on is None or self.contract_end_on >= today)
        )


class InformationAsset(LegalBasisFields):
    reference = models.CharField(max_length=20, unique=True)
    name = models.CharField("Asset", max_length=200, help_text="For example: maternity record system.")
    description = models.TextField("What it holds and what it is for")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Information asset owner",
        on_delete=models.PROTECT,
        related_name="owned_assets",
    )
    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Information asset administrator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Signs the owner's stage of a sharing request when the owner is away; nobody else may.
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Named delegate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="May authorise sharing from this asset in the owner's place.",
    )
    business_area = models.CharField("Business area", max_length=200)
    asset_format = models.CharField("Format", max_length=16, choices=AssetFormat.choices)
    location = models.CharField(
        "Location",
        max_length=200,
        help_text="The system's name, the drive's path or where the paper is kept.",
    )
    data_subjects = models.TextField(
        "Categories of data subjects", help_text="For example: patients, their carers, staff."
    )
    data_categories = models.TextField(
        "Categories of personal data", help_text="For example: contact details, diagnoses, appointments."
    )
    special_category = models.BooleanField("Holds special category data", default=False)
    sensitivity = models.CharField("Sensitivity", max_length=24, choices=Sensitivity.choices)
    retention_period = models.CharField(
        "Retention period",
        max_length=200,
        help_text="For example: 8 years after the conclusion of treatment.",
    )
    retention_authority = models.CharField(
        "Retention authority",
        max_length=200,
        help_text="For example: NHS Records Management Code of Practice, retention schedule class.",
    )
    security_measures = models.TextField("Security measures")
    processors = models.ManyToManyField(Processor, related_name="assets", blank=True)
    # The sharing requests that draw on the asset: its owner signs each before the IG team [000 "sharing"].
    requests = models.ManyToManyField(SharingRequest, related_name="assets", blank=True)
    dspt_critical = models.BooleanField("Critical to the organisation (DSPT)", default=False)
    dpia = models.ForeignKey(
        Dpia,
        verbose_name="DPIA screening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    status = models.CharField(max_length=16, choices=AssetStatus.choices, default=AssetStatus.DRAFT)
    next_review_on = models.DateField("Next review")
    # When what the asset holds is next checked against its retention period, and records past it are
    # destroyed or transferred [000 3.iv]; chased to the owner, then the SIRO, like the annual review.
    # Empty only for entries registered before the register asked for it.
    retention_review_on = models.DateField("Next retention review", null=True, blank=True)
    # When the asset was registered or last changed in what it holds or how it is processed: a DPIA
    # screening older than this no longer covers it [004 5.9].
    amended_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_type = "asset"

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["status", "next_review_on"]),
            models.Index(fields=["status", "retention_review_on"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def audit_label(self) -> str:
        return self.reference

    def may_sign_for(self, user_id: int | None) -> bool:
        """The owner or the named delegate: nobody else authorises sharing from the asset."""
        return user_id is not None and user_id in {self.owner_id, self.delegate_id}


class InformationAssetHistory(StateHistory):
    asset = models.ForeignKey(InformationAsset, on_delete=models.PROTECT, related_name="history")

    status_choices = AssetStatus

    class Meta:
        ordering = ["asset", "occurred_at", "id"]
        verbose_name_plural = "information asset history"

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.from_status} -> {self.to_status}"
