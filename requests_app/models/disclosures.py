"""The disclosure log: one-off disclosures actually made, and refusals with their rationale.

[004 6.8.3]: record what was shared, with whom, the legal basis and the method used, or if sharing was
refused, the rationale. [004 6.12]: for the police, also what was requested, by whom, what was given, and
their acknowledgement. An entry is recorded against a sharing request, or logged directly by the IG team
for a request handled outside the wizard (then it has no request).
"""

from __future__ import annotations

from enum import nonmember

from django.conf import settings
from django.db import models
from django.db.models import JSONField, Value

from necessity.rules import PurposeCategory, TransferMethod, choices
from requests_app.models.flows import LegalBasisFields
from requests_app.models.organisations import Organisation
from requests_app.models.sharing import SharingRequest
from requests_app.models.status import StatusChoices


class DisclosureKind(StatusChoices):
    DISCLOSURE = "disclosure", "Disclosed"
    REFUSAL = "refusal", "Refused"

    colours = nonmember({"disclosure": "green", "refusal": "red"})


# The disclosure log's fields, named once: the entry form, the API's detail serializer and the recording
# service all derive their lists from these.
BASIS_FIELDS = ("art6", "art9", "confidentiality_basis")
POLICE_FIELDS = (
    "police_officer",
    "police_reference",
    "police_requested",
    "police_given",
    "police_acknowledgement",
    "police_acknowledged_on",
)
# What the recorder writes about the entry; the request, kind, recipient, purpose and who recorded it
# come from the service's own arguments.
ENTRY_FIELDS = (
    "information",
    "disclosed_on",
    "disclosed_by",
    *BASIS_FIELDS,
    "transfer_method",
    "refusal_rationale",
    *POLICE_FIELDS,
    "notes",
)
# Against a request with an approval: the items shared and why what was done departs from its conditions.
APPROVAL_FIELDS = ("items", "departure_reason")
# What only a disclosure carries: a refusal shares nothing, so it has no basis, method or police handover.
DISCLOSURE_ONLY = (*BASIS_FIELDS, "transfer_method", "police_given")


class Disclosure(LegalBasisFields):
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=16, choices=DisclosureKind.choices)
    request = models.OneToOneField(
        SharingRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosure"
    )
    recipient = models.ForeignKey(
        Organisation, verbose_name="Shared with (or asked by)", on_delete=models.PROTECT, related_name="+"
    )
    purpose_category = models.CharField(max_length=32, choices=choices(PurposeCategory))
    information = models.TextField(
        "What was shared", help_text="For a refusal: what was asked for. Name the items, not the person."
    )
    disclosed_on = models.DateField("Date shared or refused")
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Shared or refused by",
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_method = models.CharField(
        "How it was shared", max_length=40, choices=choices(TransferMethod), blank=True
    )
    refusal_rationale = models.TextField("Why sharing was refused", blank=True)
    police_officer = models.CharField("Requesting officer (name and rank)", max_length=200, blank=True)
    police_reference = models.CharField("Collar number or police reference", max_length=100, blank=True)
    police_requested = models.TextField("What the police asked for", blank=True)
    police_given = models.TextField("What was given to the police", blank=True)
    police_acknowledgement = models.CharField(
        "Acknowledgement",
        max_length=300,
        blank=True,
        help_text="How the officer acknowledged receipt, for example a signed receipt on the request form.",
    )
    police_acknowledged_on = models.DateField("Date acknowledged", null=True, blank=True)
    notes = models.TextField(blank=True)
    # The data items shared, by catalogue code, when recorded against a request (its removed items are
    # never offered), and whether what was done departs from the approval's conditions, with the reason.
    # Database defaults as well, so rows written outside the ORM (the benchmark's COPY) stay valid.
    items = models.JSONField(default=list, blank=True, db_default=Value([], JSONField()))
    departures = models.JSONField(default=list, blank=True, db_default=Value([], JSONField()))
    departure_reason = models.TextField(blank=True, default="", db_default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    audit_type = "disclosure"

    class Meta:
        ordering = ["-disclosed_on", "-id"]
        indexes = [models.Index(fields=["kind", "disclosed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="refusal") | ~models.Q(refusal_rationale=""),
                name="disclosure_refusal_has_rationale",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def outside_wizard(self) -> bool:
        """Logged directly by the IG team for a request that never went through the wizard."""
        return self.request_id is None

    @property
    def is_police(self) -> bool:
        return self.purpose_category == PurposeCategory.POLICE_CRIME


class ConsentWithdrawal(models.Model):
    """A data subject withdrew the consent that flows or disclosures relied on [001 s6]."""

    reference = models.CharField(max_length=20, unique=True)
    subject_reference = models.CharField(
        "Pseudonymous reference for the person",
        max_length=60,
        help_text="A local identifier that does not name the person: never a name or an NHS number.",
    )
    withdrawn_on = models.DateField("Date consent was withdrawn")
    flows = models.ManyToManyField("requests_app.DataFlow", related_name="consent_withdrawals", blank=True)
    disclosures = models.ManyToManyField(Disclosure, related_name="consent_withdrawals", blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    audit_type = "consent_withdrawal"

    class Meta:
        ordering = ["-withdrawn_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference


class ConsentWithdrawalNotice(models.Model):
    """The message to one recipient organisation about one withdrawal; sent once, claimed before sending."""

    withdrawal = models.ForeignKey(ConsentWithdrawal, on_delete=models.PROTECT, related_name="notices")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The contact at the time of the withdrawal; empty when the organisation had none on record.
    email = models.EmailField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # For an organisation with no contact email: how the IG team told them instead.
    told_how = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["withdrawal", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["withdrawal", "organisation"], name="consent_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.withdrawal_id} to {self.organisation_id}"
