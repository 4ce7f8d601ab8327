"""Writes for the data flow register: registering an approved routine or bulk request, and its reviews.

State changes (start, suspend, resume, end) go through ``services.workflow.transition``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from requests_app.models import (
    AgreementStatus,
    AssetStatus,
    DataFlow,
    DataFlowReview,
    DataItemType,
    InformationAsset,
    SharingAgreement,
    SharingRequest,
)
from requests_app.permissions import can_change_registers
from requests_app.services.audit import audit_record
from requests_app.services.isas import agreement_draft_for_flow
from requests_app.services.overrides import approved_terms
from requests_app.services.references import reference_allocate
from requests_app.services.workflow import REVIEW_INTERVAL, transition
from requests_app.workflow import APPROVED_STATUSES

FLOW_FREQUENCIES = frozenset({"routine", "bulk"})


def flow_registration_problem(sharing_request: SharingRequest) -> str | None:
    """Why the request cannot become a data flow now, or None when it can."""
    if sharing_request.frequency not in FLOW_FREQUENCIES:
        return "Only a routine or bulk request becomes a data flow; record a one-off disclosure instead."
    if sharing_request.status not in APPROVED_STATUSES:
        return f"{sharing_request.reference} is {sharing_request.get_status_display().lower()}, not approved."
    if DataFlow.objects.filter(request=sharing_request).exists():
        return f"{sharing_request.reference} is already registered as a data flow."
    return None


def flow_initial(sharing_request: SharingRequest, *, today: datetime.date) -> dict[str, Any]:
    """The register entry as the request's latest answers describe it, for the form to start from."""
    assessment = sharing_request.assessments.order_by("-number").first()
    answers: dict[str, Any] = assessment.answers if assessment is not None else {}
    lawful = answers.get("lawful_basis") or {}
    transfer = answers.get("transfer") or {}
    existing = transfer.get("existing_isa_reference") or ""
    covering = SharingAgreement.objects.filter(
        reference=existing, versions__status=AgreementStatus.ACTIVE
    ).first()
    # The approval's conditions travel: removed items are left out, pseudonymisation and the named method
    # are prefilled, and a basis the engine found invalid is left for the IG team to choose.
    terms = approved_terms(sharing_request, latest=assessment)
    drawn_on = sharing_request.assets.order_by("name").first()
    data_form = sharing_request.data_form
    if terms.anonymise:
        data_form = "anonymised"
    elif terms.pseudonymise_items and data_form == "identifiable":
        data_form = "pseudonymised"
    return {
        "name": sharing_request.title,
        "data_form": data_form,
        "data_items": [
            item.item_type_id
            for item in sharing_request.items.select_related("item_type")
            if item.item_type.code not in terms.removed_items
        ],
        "art6": "" if "art6" in terms.invalid_bases else lawful.get("art6", ""),
        "art9": "" if "art9" in terms.invalid_bases else lawful.get("art9", ""),
        "confidentiality_basis": ""
        if "confidentiality_basis" in terms.invalid_bases
        else lawful.get("confidentiality_basis", ""),
        "transfer_method": terms.method or transfer.get("method", ""),
        "next_review_on": today + REVIEW_INTERVAL,
        "asset": drawn_on.pk if drawn_on else None,
        "source_asset": drawn_on.name if drawn_on else "",
        "agreement": covering.pk if covering else None,
        "new_agreement": covering is None,
    }


@transaction.atomic
def data_flow_create(
    *,
    sharing_request: SharingRequest,
    actor: User,
    name: str,
    source_asset: str,
    asset_owner: User | None,
    schedule: str,
    next_review_on: datetime.date,
    data_form: str,
    data_items: Iterable[DataItemType],
    art6: str,
    art9: str,
    confidentiality_basis: str,
    transfer_method: str,
    agreement: SharingAgreement | None,
    new_agreement: bool,
    notes: str = "",
    asset: InformationAsset | None = None,
    http_request: HttpRequest | None = None,
) -> DataFlow:
    """Register an approved routine or bulk request as a data flow.

    The flow runs only under an ISA in force: with an existing active ISA that names the recipient it
    starts at once; otherwise a first draft of a new ISA is made from the request, and the flow starts
    when the Caldicott Guardian approves it.
    """
    if not can_change_registers(actor):
        raise PermissionDenied("Only IG officers and the DPO register data flows.")
    locked = (
        SharingRequest.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .get(pk=sharing_request.pk)
    )
    problem = flow_registration_problem(locked)
    if problem:
        raise ValidationError(problem)
    recipient = locked.recipient
    if recipient is None:
        raise ValidationError(f"{locked.reference} names no recipient.")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if new_agreement and agreement is not None:
        errors["agreement"] = "Choose an existing agreement or a new one, not both."
    elif not new_agreement and agreement is None:
        errors["agreement"] = "Choose the agreement that covers this flow, or draft a new one."
    elif agreement is not None:
        in_force = agreement.versions.filter(status=AgreementStatus.ACTIVE).first()
        if in_force is None:
            errors["agreement"] = f"{agreement.reference} is not in force."
        elif not in_force.parties.filter(pk=recipient.pk).exists():
            errors["agreement"] = f"{agreement.reference} does not name {recipient.name} as a party."
    if next_review_on <= today:
        errors["next_review_on"] = "The next review must be after today."
    if asset is None and asset_owner is None:
        errors["asset_owner"] = "Choose the registered asset, or its owner."
    if asset is not None and asset.status == AssetStatus.RETIRED:
        errors["asset"] = f"{asset.reference} is retired: choose an asset in use."
    data_items = list(data_items)
    if not data_items:
        errors["data_items"] = "Choose the data items the flow carries."
    if errors:
        raise ValidationError(errors)

    owner = asset.owner if asset is not None else asset_owner
    assert owner is not None
    assessment = locked.assessments.order_by("-number").first()
    purpose = ((assessment.answers.get("purpose") or {}) if assessment else {}).get("description", "")
    flow = DataFlow.objects.create(
        reference=reference_allocate(prefix="DF", year=today.year),
        request=locked,
        name=name.strip(),
        # A flow from a registered asset belongs to it, and its owner is the asset's [004 5.9].
        asset=asset,
        source_asset=asset.name if asset is not None else source_asset.strip(),
        asset_owner=owner,
        recipient=recipient,
        purpose_category=locked.purpose_category,
        purpose=purpose,
        data_form=data_form,
        art6=art6,
        art9=art9,
        confidentiality_basis=confidentiality_basis,
        transfer_method=transfer_method,
        frequency=locked.frequency,
        schedule=schedule,
        agreement=agreement,
        next_review_on=next_review_on,
        notes=notes.strip(),
        created_by=actor,
    )
    flow.data_items.set(data_items)
    if new_agreement:
        drafted = agreement_draft_for_flow(flow=flow, actor=actor, today=today)
        flow.agreement = drafted.agreement
        flow.save(update_fields=["agreement"])
    audit_record(
        action="data_flow.create",
        actor=actor,
        target=flow,
        request=http_request,
        detail={
            "request": locked.reference,
            "agreement": flow.agreement.reference if flow.agreement else "",
            "asset": asset.reference if asset else "",
        },
    )
    if not new_agreement:
        transition(flow, "activate", actor=actor, http_request=http_request)
    return flow


@transaction.atomic
def data_flow_review(
    *,
    flow: DataFlow,
    actor: User,
    note: str,
    next_review_on: datetime.date,
    http_request: HttpRequest | None = None,
) -> DataFlowReview:
    """The owner's periodic review [001 s13], also how a flow marked for reassessment is cleared."""
    if not can_change_registers(actor):
        raise PermissionDenied("Only IG officers and the DPO record reviews of data flows.")
    locked = DataFlow.objects.select_for_update().get(pk=flow.pk)
    errors = {}
    if not note.strip():
        errors["note"] = "Say what the review found."
    if next_review_on <= timezone.localdate():
        errors["next_review_on"] = "The next review must be after today."
    if errors:
        raise ValidationError(errors)
    review = DataFlowReview.objects.create(
        flow=locked,
        reviewed_by=actor,
        note=note.strip(),
        cleared_reassessment=locked.needs_reassessment,
        next_review_on=next_review_on,
    )
    locked.next_review_on = next_review_on
    locked.needs_reassessment = False
    locked.reassessment_reason = ""
    locked.save(update_fields=["next_review_on", "needs_reassessment", "reassessment_reason", "updated_at"])
    audit_record(
        action="data_flow.review",
        actor=actor,
        target=locked,
        request=http_request,
        detail={
            "review_id": review.pk,
            "next_review_on": next_review_on,
            "cleared_reassessment": review.cleared_reassessment,
        },
    )
    flow.next_review_on, flow.needs_reassessment, flow.reassessment_reason = next_review_on, False, ""
    return review
