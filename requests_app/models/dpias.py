"""Data Protection Impact Assessments: the screening of [004 Appendix 2] and, when required, the full DPIA.

Any "yes" to the ten screening questions makes a full DPIA required: its risks, each scored for likelihood
and severity before and after its mitigation, go to the DPO for advice and then to the SIRO for sign-off
[000 5.vi, 004 5.8]. The scoring follows the ICO's DPIA template: likelihood remote / possible / probable,
severity minimal / significant / severe, overall risk low / medium / high. ``requests_app.register_workflow``
is the table of moves.
"""

from __future__ import annotations

from enum import nonmember

from django.conf import settings
from django.db import models

from necessity.rules import DPIA_SCREENING_QUESTIONS
from requests_app.models.history import StateHistory
from requests_app.models.sharing import SharingRequest
from requests_app.models.status import StatusChoices


class DpiaStatus(StatusChoices):
    DRAFT = "draft", "Draft"
    NOT_REQUIRED = "not_required", "Screened: full DPIA not required"
    AWAITING_DPO = "awaiting_dpo", "Awaiting DPO advice"
    AWAITING_SIRO = "awaiting_siro", "Awaiting SIRO sign-off"
    SIGNED_OFF = "signed_off", "Signed off"

    colours = nonmember({"draft": "grey", "not_required": "green", "signed_off": "green"})


class RiskLikelihood(models.IntegerChoices):
    REMOTE = 1, "Remote"
    POSSIBLE = 2, "Possible"
    PROBABLE = 3, "Probable"


class RiskSeverity(models.IntegerChoices):
    MINIMAL = 1, "Minimal"
    SIGNIFICANT = 2, "Significant"
    SEVERE = 3, "Severe"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


_LEVEL_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def risk_level(likelihood: int, severity: int) -> RiskLevel:
    """The ICO template's grid: remote-minimal is low, probable-severe high, the middle medium."""
    score = likelihood * severity
    if score <= 2:
        return RiskLevel.LOW
    if score <= 4:
        return RiskLevel.MEDIUM
    return RiskLevel.HIGH


def highest_level(levels: list[RiskLevel]) -> RiskLevel | None:
    return max(levels, key=_LEVEL_ORDER.__getitem__) if levels else None


SCREENING_IDS: tuple[str, ...] = tuple(entry.id for entry in DPIA_SCREENING_QUESTIONS)


class Dpia(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    request = models.ForeignKey(
        SharingRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="dpias"
    )
    status = models.CharField(max_length=16, choices=DpiaStatus.choices, default=DpiaStatus.DRAFT)
    # The ten answers, keyed by the catalogue's question ids (``SCREENING_IDS``).
    screening = models.JSONField(default=dict)
    processing_description = models.TextField(
        "The processing", blank=True, help_text="Its nature, scope, context and purposes."
    )
    necessity_assessment = models.TextField(
        "Necessity and proportionality",
        blank=True,
        help_text="Why the processing is needed and in proportion to its aim.",
    )
    dpo_advice = models.TextField("DPO advice", blank=True)
    dpo_advice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dpo_advice_at = models.DateTimeField(null=True, blank=True)
    siro_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    siro_signed_at = models.DateTimeField(null=True, blank=True)
    siro_comment = models.TextField("SIRO comment", blank=True)
    next_review_on = models.DateField("Next review", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_type = "dpia"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_review_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def screening_yes(self) -> list[int]:
        """The numbers of the screening questions answered yes."""
        return [entry.number for entry in DPIA_SCREENING_QUESTIONS if self.screening.get(entry.id)]

    @property
    def full_required(self) -> bool:
        return bool(self.screening_yes)

    @property
    def residual_risk(self) -> RiskLevel | None:
        """The highest residual risk of its risks (read through a prefetch on list pages)."""
        return highest_level([risk.residual_level for risk in self.risks.all()])


class DpiaRisk(models.Model):
    dpia = models.ForeignKey(Dpia, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField("The risk to people")
    likelihood = models.PositiveSmallIntegerField(choices=RiskLikelihood.choices)
    severity = models.PositiveSmallIntegerField(choices=RiskSeverity.choices)
    mitigation = models.TextField("Measures to reduce or remove it")
    residual_likelihood = models.PositiveSmallIntegerField(
        "Likelihood after the measures", choices=RiskLikelihood.choices
    )
    residual_severity = models.PositiveSmallIntegerField(
        "Severity after the measures", choices=RiskSeverity.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dpia", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dpia_id} risk {self.pk}"

    @property
    def inherent_level(self) -> RiskLevel:
        return risk_level(self.likelihood, self.severity)

    @property
    def residual_level(self) -> RiskLevel:
        return risk_level(self.residual_likelihood, self.residual_severity)


class DpiaHistory(StateHistory):
    dpia = models.ForeignKey(Dpia, on_delete=models.PROTECT, related_name="history")

    status_choices = DpiaStatus

    class Meta:
        ordering = ["dpia", "occurred_at", "id"]
        verbose_name_plural = "DPIA history"

    def __str__(self) -> str:
        return f"{self.dpia_id}: {self.from_status} -> {self.to_status}"
