"""The register of data flows: routine or bulk sharing that was approved, covered by an ISA.

A flow is registered by the IG team from an approved routine or bulk request. It waits for its ISA
until one is in force, then runs (active) until it is suspended or ended; ``requests_app.register_workflow``
is the table of moves. Only the choice fields and the recipient's and data items' names are ever
published (``requests_app.selectors.transparency``); every free-text field here is internal.
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
    Frequency,
    PurposeCategory,
    TransferMethod,
    choices,
    label,
)
from requests_app.models.history import StateHistory
from requests_app.models.isas import SharingAgreement
from requests_app.models.organisations import Organisation
from requests_app.models.sharing import DataItemType, SharingRequest
from requests_app.models.status import StatusChoices


class DataFlowStatus(StatusChoices):
    AWAITING_ISA = "awaiting_isa", "Awaiting its ISA"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"

    colours = nonmember({"active": "green", "suspended": "orange", "ended": "grey"})


class FlowSchedule(models.TextChoices):
    CONTINUOUS = "continuous", "Continuous (system access or feed)"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Once a year"
    AS_NEEDED = "as_needed", "When needed"


# Bases that rest on the person's consent: a withdrawal of consent stops a flow that relies on one.
CONSENT_ART6 = Art6Condition.A_CONSENT.value
CONSENT_ART9 = Art9Condition.A_EXPLICIT_CONSENT.value
CONSENT_CONFIDENTIALITY = ConfidentialityBasis.EXPLICIT_CONSENT.value
RELIES_ON_CONSENT = (
    models.Q(art6=CONSENT_ART6)
    | models.Q(art9=CONSENT_ART9)
    | models.Q(confidentiality_basis=CONSENT_CONFIDENTIALITY)
)


def legal_bases(art6: str, art9: str, confidentiality_basis: str) -> list[str]:
    """The bases in words, e.g. ["Art 6(1)(e) public task", "Art 9(2)(h) health or social care", ...]."""
    parts = [label(Art6Condition(art6))] if art6 else []
    if art9 and art9 != Art9Condition.NONE:
        parts.append(label(Art9Condition(art9)))
    if confidentiality_basis:
        parts.append(f"Common law: {label(ConfidentialityBasis(confidentiality_basis)).lower()}")
    return parts


class LegalBasisFields(models.Model):
    """The three bases a sharing rests on, as the wizard asks for them [001 s2, 003]."""

    art6 = models.CharField("UK GDPR Article 6 condition", max_length=40, choices=choices(Art6Condition))
    art9 = models.CharField(
        "UK GDPR Article 9 condition",
        max_length=40,
        choices=choices(Art9Condition),
        blank=True,
        help_text="For special category data, such as health.",
    )
    confidentiality_basis = models.CharField(
        "Common law duty of confidentiality basis", max_length=40, choices=choices(ConfidentialityBasis)
    )

    class Meta:
        abstract = True

    @property
    def relies_on_consent(self) -> bool:
        return (
            self.art6 == CONSENT_ART6
            or self.art9 == CONSENT_ART9
            or self.confidentiality_basis == CONSENT_CONFIDENTIALITY
        )

    @property
    def legal_basis_summary(self) -> str:
        return "; ".join(legal_bases(self.art6, self.art9, self.confidentiality_basis))


class DataFlow(LegalBasisFields):
    reference = models.CharField(max_length=20, unique=True)
    request = models.OneToOneField(SharingRequest, on_delete=models.PROTECT, related_name="data_flow")
    name = models.CharField(
        "What the flow is", max_length=200, help_text="For example: monthly cardiology activity extract."
    )
    source_asset = models.CharField(
        "Source information asset", max_length=200, help_text="The system or record set the data comes from."
    )
    # The registered asset the flow draws from; flows registered before the asset register have none.
    asset = models.ForeignKey(
        "requests_app.InformationAsset",
        verbose_name="Information asset",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flows",
    )
    asset_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Information asset owner",
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose_category = models.CharField(max_length=32, choices=choices(PurposeCategory))
    purpose = models.TextField(help_text="Internal: the purpose as the request stated it.")
    data_form = models.CharField("Form of the information", max_length=20, choices=choices(DataForm))
    data_items = models.ManyToManyField(DataItemType, related_name="+")
    transfer_method = models.CharField(max_length=40, choices=choices(TransferMethod))
    frequency = models.CharField(max_length=16, choices=choices(Frequency))
    schedule = models.CharField("How often it runs", max_length=16, choices=FlowSchedule.choices)
    agreement = models.ForeignKey(
        SharingAgreement,
        verbose_name="Information sharing agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flows",
    )
    status = models.CharField(
        max_length=16, choices=DataFlowStatus.choices, default=DataFlowStatus.AWAITING_ISA
    )
    next_review_on = models.DateField("Next review")
    # Set when a data subject withdraws the consent the flow relied on; cleared by the IG team.
    needs_reassessment = models.BooleanField(default=False)
    reassessment_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Internal notes; never published.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_type = "data_flow"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_review_on"]),
            # The register's order (overdue reviews first, then soonest review) read from an index in
            # two walks, so the first page costs a few rows however large the register grows.
            models.Index(fields=["next_review_on", "-id"], name="flow_next_review"),
            # The few flows to reassess after a withdrawal of consent, found without a scan.
            models.Index(
                fields=["reference"], condition=models.Q(needs_reassessment=True), name="flow_to_reassess"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def audit_label(self) -> str:
        return self.reference


class DataFlowHistory(StateHistory):
    flow = models.ForeignKey(DataFlow, on_delete=models.PROTECT, related_name="history")

    status_choices = DataFlowStatus

    class Meta:
        ordering = ["flow", "occurred_at", "id"]
        verbose_name_plural = "data flow history"

    def __str__(self) -> str:
        return f"{self.flow_id}: {self.from_status} -> {self.to_status}"


class DataFlowReview(models.Model):
    """One periodic review of a flow by its owner or the IG team [001 s13]."""

    flow = models.ForeignKey(DataFlow, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField("What the review found")
    # True when this review settled a reassessment asked for by a withdrawal of consent.
    cleared_reassessment = models.BooleanField(default=False)
    next_review_on = models.DateField("Next review")

    class Meta:
        ordering = ["flow", "-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.flow_id} reviewed {self.reviewed_at:%Y-%m-%d}"
