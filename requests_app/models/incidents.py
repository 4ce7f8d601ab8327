"""Data security and protection incidents: breaches and near misses.

Severity is scored on one scale for the whole system [002 Rec 6], the NHS breach assessment grid
(``requests_app.incident_grading``). Processing without a legal basis is itself an incident [002 Rec 6].
For every breach the person affected is given an explanation and an apology [002 Rec 5], recorded here.
``requests_app.register_workflow`` holds the table of moves.
"""

from __future__ import annotations

import datetime
from enum import nonmember

from django.conf import settings
from django.db import models

from requests_app.incident_grading import (
    LIKELIHOOD_LABELS,
    SEVERITY_LABELS,
    Grade,
    IcoClock,
    grade,
    ico_clock,
)
from requests_app.models.flows import DataFlow
from requests_app.models.history import StateHistory
from requests_app.models.sharing import SharingRequest
from requests_app.models.status import StatusChoices


class IncidentKind(models.TextChoices):
    BREACH = "breach", "Breach"
    NEAR_MISS = "near_miss", "Near miss"


class IncidentCategory(models.TextChoices):
    DISCLOSED_IN_ERROR = "disclosed_in_error", "Disclosed in error"
    LOST_OR_STOLEN = "lost_or_stolen", "Lost or stolen"
    UNAUTHORISED_ACCESS = "unauthorised_access", "Unauthorised access"
    CYBER = "cyber", "Cyber attack"
    NO_LEGAL_BASIS = "no_legal_basis", "Processing without a legal basis"
    OTHER = "other", "Other"


class IncidentStatus(StatusChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"

    colours = nonmember({"closed": "green"})


class Incident(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=16, choices=IncidentKind.choices)
    category = models.CharField(max_length=32, choices=IncidentCategory.choices)
    title = models.CharField(max_length=200, help_text="A short summary that names nobody.")
    description = models.TextField("What happened")
    occurred_at = models.DateTimeField("When it happened", null=True, blank=True)
    aware_at = models.DateTimeField(
        "When we became aware", help_text="The ICO's 72 hours run from this moment."
    )
    likelihood = models.PositiveSmallIntegerField(
        "Likelihood that people's rights are affected",
        choices=[(int(key), text) for key, text in LIKELIHOOD_LABELS.items()],
    )
    severity = models.PositiveSmallIntegerField(
        "Severity of the adverse effect", choices=[(int(key), text) for key, text in SEVERITY_LABELS.items()]
    )
    people_affected = models.PositiveIntegerField("Roughly how many people", null=True, blank=True)
    ico_reportable = models.BooleanField("Reportable to the ICO")
    reportability_reason = models.TextField(
        "Why the decision differs from the grid",
        blank=True,
        help_text="Needed when the decision to report differs from what the grading says.",
    )
    reported_to_ico_at = models.DateTimeField("Reported to the ICO at", null=True, blank=True)
    ico_reference = models.CharField("ICO case reference", max_length=60, blank=True)
    request = models.ForeignKey(
        SharingRequest,
        verbose_name="Linked sharing request",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    flow = models.ForeignKey(
        DataFlow,
        verbose_name="Linked data flow",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    actions = models.TextField("Containment and remedial actions", blank=True)
    person_informed_on = models.DateField("Date the person affected was told", null=True, blank=True)
    explanation = models.TextField(
        "Explanation given to the person affected",
        blank=True,
        help_text="The cause of the breach and the remedial action being taken [002 Rec 5].",
    )
    apology_given = models.BooleanField("An apology was given", default=False)
    not_informed_reason = models.TextField(
        "Why the person affected was not told", blank=True, help_text="Only when they were not told."
    )
    status = models.CharField(max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Recorded by", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_type = "incident"

    class Meta:
        ordering = ["-aware_at", "-id"]
        indexes = [models.Index(fields=["status", "aware_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def grade(self) -> Grade:
        return grade(self.likelihood, self.severity)

    def ico_clock(self, *, now: datetime.datetime) -> IcoClock | None:
        """The 72-hour clock, for incidents the DPO has decided to report; None otherwise."""
        if not self.ico_reportable:
            return None
        return ico_clock(aware_at=self.aware_at, now=now, reported_at=self.reported_to_ico_at)


class IncidentHistory(StateHistory):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="history")

    status_choices = IncidentStatus

    class Meta:
        ordering = ["incident", "occurred_at", "id"]
        verbose_name_plural = "incident history"

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.from_status} -> {self.to_status}"
