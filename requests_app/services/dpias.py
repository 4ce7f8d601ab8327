"""Writes for DPIAs: the screening, the full assessment's text and its risks, while it is a draft.

Advice, sign-off and the rest go through ``services.workflow.transition``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from requests_app.models import Dpia, DpiaRisk, DpiaStatus, SharingRequest
from requests_app.models.dpias import SCREENING_IDS
from requests_app.permissions import can_change_registers
from requests_app.services.audit import audit_record
from requests_app.services.edits import stripped
from requests_app.services.references import reference_allocate

RISK_FIELDS = (
    "description",
    "likelihood",
    "severity",
    "mitigation",
    "residual_likelihood",
    "residual_severity",
)


def screening_from_request(sharing_request: SharingRequest) -> dict[str, bool]:
    """The ten answers the requester gave in the wizard's step 7, to start the DPIA from."""
    assessment = sharing_request.assessments.order_by("-number").first()
    answers = (assessment.answers.get("dpia_screening") or {}) if assessment is not None else {}
    return {question: bool(answers.get(question)) for question in SCREENING_IDS}


def _require_ig_team(actor: User) -> None:
    if not can_change_registers(actor):
        raise PermissionDenied("Only IG officers and the DPO write DPIAs.")


def _check(screening: dict[str, bool], title: str) -> None:
    errors = {}
    if set(screening) != set(SCREENING_IDS):
        errors["screening"] = "Answer all ten screening questions."
    if not title.strip():
        errors["title"] = "Give the DPIA a title."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def dpia_create(
    *,
    actor: User,
    title: str,
    screening: dict[str, bool],
    sharing_request: SharingRequest | None = None,
    processing_description: str = "",
    necessity_assessment: str = "",
    http_request: HttpRequest | None = None,
) -> Dpia:
    _require_ig_team(actor)
    _check(screening, title)
    dpia = Dpia.objects.create(
        reference=reference_allocate(prefix="DPIA", year=timezone.localdate().year),
        title=title.strip(),
        request=sharing_request,
        screening=screening,
        processing_description=processing_description.strip(),
        necessity_assessment=necessity_assessment.strip(),
        created_by=actor,
    )
    audit_record(
        action="dpia.create",
        actor=actor,
        target=dpia,
        request=http_request,
        detail={
            "request": sharing_request.reference if sharing_request else "",
            "screening_yes": dpia.screening_yes,
        },
    )
    return dpia


def _locked_draft(dpia: Dpia) -> Dpia:
    locked = Dpia.objects.select_for_update().get(pk=dpia.pk)
    if locked.status != DpiaStatus.DRAFT:
        raise ValidationError(
            f"{locked.reference} is {locked.get_status_display().lower()}: reopen it to change it."
        )
    return locked


@transaction.atomic
def dpia_update(
    *,
    dpia: Dpia,
    actor: User,
    title: str,
    screening: dict[str, bool],
    processing_description: str,
    necessity_assessment: str,
    http_request: HttpRequest | None = None,
) -> Dpia:
    _require_ig_team(actor)
    locked = _locked_draft(dpia)
    _check(screening, title)
    locked.title = title.strip()
    locked.screening = screening
    locked.processing_description = processing_description.strip()
    locked.necessity_assessment = necessity_assessment.strip()
    locked.save()
    audit_record(
        action="dpia.update",
        actor=actor,
        target=locked,
        request=http_request,
        detail={"screening_yes": locked.screening_yes},
    )
    return locked


@transaction.atomic
def dpia_risk_add(
    *, dpia: Dpia, actor: User, http_request: HttpRequest | None = None, **fields: Any
) -> DpiaRisk:
    """A risk to people with its measures, scored before and after them (ICO DPIA template)."""
    _require_ig_team(actor)
    locked = _locked_draft(dpia)
    if set(fields) != set(RISK_FIELDS):
        raise ValueError(f"A risk needs exactly: {', '.join(RISK_FIELDS)}")
    errors = {}
    if fields["residual_likelihood"] > fields["likelihood"]:
        errors["residual_likelihood"] = "The measures cannot make the risk more likely than before them."
    if fields["residual_severity"] > fields["severity"]:
        errors["residual_severity"] = "The measures cannot make the risk more severe than before them."
    for name in ("description", "mitigation"):
        if not str(fields[name]).strip():
            errors[name] = "Describe the risk." if name == "description" else "Say what reduces the risk."
    if errors:
        raise ValidationError(errors)
    risk = DpiaRisk.objects.create(dpia=locked, **stripped(fields))
    audit_record(
        action="dpia.risk_add",
        actor=actor,
        target=locked,
        request=http_request,
        detail={"risk_id": risk.pk, "inherent": risk.inherent_level, "residual": risk.residual_level},
    )
    return risk


@transaction.atomic
def dpia_risk_remove(*, risk: DpiaRisk, actor: User, http_request: HttpRequest | None = None) -> None:
    _require_ig_team(actor)
    locked = _locked_draft(risk.dpia)
    risk_id = risk.pk
    DpiaRisk.objects.filter(pk=risk_id, dpia=locked).delete()
    audit_record(
        action="dpia.risk_remove",
        actor=actor,
        target=locked,
        request=http_request,
        detail={"risk_id": risk_id},
    )
