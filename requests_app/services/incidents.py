"""Writes for the incident log: recording an incident and updating it while it is open.

Closing and reopening go through ``services.workflow.transition``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from requests_app.incident_grading import grade
from requests_app.models import Incident, IncidentCategory, IncidentKind, IncidentStatus
from requests_app.permissions import can_change_registers
from requests_app.services.audit import audit_record
from requests_app.services.edits import apply_changes, stripped
from requests_app.services.references import reference_allocate

FIELDS = (
    "kind",
    "category",
    "title",
    "description",
    "occurred_at",
    "aware_at",
    "likelihood",
    "severity",
    "people_affected",
    "ico_reportable",
    "reportability_reason",
    "reported_to_ico_at",
    "ico_reference",
    "request",
    "flow",
    "actions",
    "person_informed_on",
    "explanation",
    "apology_given",
    "not_informed_reason",
)


def _check(data: dict[str, Any], now: datetime.datetime) -> None:
    errors: dict[str, str] = {}
    aware_at, occurred_at = data["aware_at"], data.get("occurred_at")
    if aware_at > now:
        errors["aware_at"] = "The moment we became aware cannot be in the future."
    if occurred_at is not None and occurred_at > aware_at:
        errors["occurred_at"] = "It cannot have happened after we became aware of it."
    if data["category"] == IncidentCategory.NO_LEGAL_BASIS and data["kind"] != IncidentKind.BREACH:
        errors["kind"] = "Processing without a legal basis is a breach [002 Rec 6]."
    if data["kind"] == IncidentKind.NEAR_MISS and data["ico_reportable"]:
        errors["ico_reportable"] = "A near miss breached nothing, so there is nothing to report to the ICO."
    suggested = grade(data["likelihood"], data["severity"]).reportable
    departs = data["kind"] == IncidentKind.BREACH and data["ico_reportable"] != suggested
    if departs and not str(data.get("reportability_reason", "")).strip():
        grid_says = "reportable" if suggested else "not reportable"
        errors["reportability_reason"] = (
            f"The grading says {grid_says}: say why the decision differs (ICO: document the reasons)."
        )
    reported_at = data.get("reported_to_ico_at")
    if reported_at is not None:
        if not data["ico_reportable"]:
            errors["reported_to_ico_at"] = "Only an incident decided reportable is reported to the ICO."
        elif reported_at < aware_at:
            errors["reported_to_ico_at"] = "It cannot be reported before we became aware of it."
        elif reported_at > now:
            errors["reported_to_ico_at"] = "The report time cannot be in the future."
    informed_on, explanation = data.get("person_informed_on"), str(data.get("explanation", "")).strip()
    if informed_on is not None and not explanation:
        errors["explanation"] = "Record the explanation the person was given [002 Rec 5]."
    if explanation and informed_on is None:
        errors["person_informed_on"] = "Enter the date the person was told."
    if informed_on is not None and informed_on > now.date():
        errors["person_informed_on"] = "The date cannot be in the future."
    if errors:
        raise ValidationError(errors)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    return stripped(data)


@transaction.atomic
def incident_create(*, actor: User, http_request: HttpRequest | None = None, **data: Any) -> Incident:
    if not can_change_registers(actor):
        raise PermissionDenied("Only IG officers and the DPO record incidents.")
    data = _clean(data)
    _check(data, timezone.now())
    incident = Incident.objects.create(
        reference=reference_allocate(prefix="INC", year=timezone.localdate().year), reported_by=actor, **data
    )
    audit_record(
        action="incident.create",
        actor=actor,
        target=incident,
        request=http_request,
        detail={
            "kind": incident.kind,
            "grade": f"{incident.likelihood}x{incident.severity}",
            "ico_reportable": incident.ico_reportable,
        },
    )
    return incident


@transaction.atomic
def incident_update(
    *, incident: Incident, actor: User, http_request: HttpRequest | None = None, **data: Any
) -> Incident:
    """Change an open incident: its grading, the ICO report, actions and what the person was told."""
    if not can_change_registers(actor):
        raise PermissionDenied("Only IG officers and the DPO change incidents.")
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.status != IncidentStatus.OPEN:
        raise ValidationError(f"{locked.reference} is closed: reopen it to change it.")
    data = _clean(data)
    current = {name: getattr(locked, name) for name in FIELDS}
    _check({**current, **data}, timezone.now())
    changed = apply_changes(locked, data)
    locked.save()
    audit_record(
        action="incident.update",
        actor=actor,
        target=locked,
        request=http_request,
        detail={"changed": changed},
    )
    return locked
