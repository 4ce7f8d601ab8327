"""Writes for the disclosure log [004 6.8.3, 6.12].

The requester (or the IG team) records what was actually shared for an approved one-off request, which
then closes it as shared through the one transition service; a refused request records the rationale.
A safeguarding request whose result says "share now" records its disclosure at any time after it is
submitted: it is never blocked [004 6.2]. The IG team also logs disclosures and refusals handled
outside the wizard.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from necessity.rules import Art6Condition, ConfidentialityBasis, PurposeCategory, label
from requests_app.models import (
    Assessment,
    Disclosure,
    DisclosureKind,
    Organisation,
    RequestStatus,
    SharingRequest,
)
from requests_app.models.disclosures import APPROVAL_FIELDS, DISCLOSURE_ONLY, ENTRY_FIELDS
from requests_app.permissions import can_change_registers
from requests_app.services.audit import audit_record
from requests_app.services.edits import stripped
from requests_app.services.overrides import ApprovedTerms, approved_terms, reason_is_substantial
from requests_app.services.references import reference_allocate
from requests_app.services.workflow import transition
from requests_app.workflow import APPROVED_STATUSES

POLICE_REQUIRED: dict[str, str] = {
    "police_officer": "the requesting officer",
    "police_reference": "the collar number or police reference",
    "police_requested": "what the police asked for",
    "police_acknowledgement": "the officer's acknowledgement",
}
# What the form may set: the entry, and against an approval its items, the conditions the recorder
# confirmed were met (not stored: they become the departures) and the reason for departing.
DETAIL_FIELDS = (*ENTRY_FIELDS, *APPROVAL_FIELDS, "conditions_met")


def shares_now(sharing_request: SharingRequest, *, latest: Assessment | None = None) -> bool:
    """Safeguarding with risk of serious harm: the engine said share now, review afterwards.

    ``latest`` is the request's latest assessment when the caller holds it already (the request page).
    """
    assessment = latest or sharing_request.assessments.order_by("-number").first()
    return bool(assessment is not None and assessment.result.get("share_now"))


def disclosure_kind_for(
    sharing_request: SharingRequest, *, latest: Assessment | None = None
) -> DisclosureKind | None:
    """What the request's log entry records now: a disclosure, a refusal, or nothing yet (None)."""
    if sharing_request.frequency and sharing_request.frequency != "one_off":
        return None
    if sharing_request.status in APPROVED_STATUSES:
        return DisclosureKind.DISCLOSURE
    if sharing_request.status == RequestStatus.REJECTED:
        return DisclosureKind.REFUSAL
    if sharing_request.status not in {RequestStatus.DRAFT, RequestStatus.WITHDRAWN} and shares_now(
        sharing_request, latest=latest
    ):
        return DisclosureKind.DISCLOSURE
    return None


def may_record_for(user: User, sharing_request: SharingRequest) -> bool:
    return sharing_request.requester_id == user.pk or can_change_registers(user)


def offered_items(sharing_request: SharingRequest, terms: ApprovedTerms) -> list[tuple[str, str]]:
    """The request's data items that may be shared, as (code, name): the conditions' removals left out."""
    assessment = sharing_request.assessments.order_by("-number").first()
    answers: dict[str, Any] = assessment.answers if assessment is not None else {}
    items = (answers.get("data") or {}).get("items") or []
    return [
        (item["code"], item.get("name", item["code"]))
        for item in items
        if item.get("code") and item["code"] not in terms.removed_items
    ]


def disclosure_initial(
    sharing_request: SharingRequest, *, today: datetime.date, terms: ApprovedTerms | None = None
) -> dict[str, Any]:
    """The entry as the approval allows it, for the form to start from: the items the conditions left,
    the basis the engine accepted (a basis it found invalid is left for the recorder to choose) and the
    method the approval named, else the one in the answers."""
    terms = terms or approved_terms(sharing_request)
    assessment = sharing_request.assessments.order_by("-number").first()
    answers: dict[str, Any] = assessment.answers if assessment is not None else {}
    lawful = answers.get("lawful_basis") or {}
    police = answers.get("police") or {}
    items = offered_items(sharing_request, terms)

    def basis(name: str) -> str:
        return "" if name in terms.invalid_bases else (lawful.get(name) or "")

    return {
        "information": "; ".join(name for _, name in items),
        "items": [code for code, _ in items],
        "conditions_met": list(range(len(terms.texts))),
        "disclosed_on": today,
        "art6": basis("art6"),
        "art9": basis("art9"),
        "confidentiality_basis": basis("confidentiality_basis"),
        "transfer_method": terms.method or (answers.get("transfer") or {}).get("method", ""),
        "police_officer": police.get("officer", ""),
        "police_reference": police.get("reference", ""),
        "police_requested": police.get("information_requested", ""),
    }


def disclosure_departures(
    sharing_request: SharingRequest, *, items: list[str], method: str, conditions_met: list[int] | None
) -> list[str]:
    """How a disclosure departs from the conditions its approval carries, in words; empty when it does not.

    ``conditions_met`` holds the indexes of ``approved_terms(...).texts`` the recorder confirmed were met
    (None when the caller did not ask, as for an entry made outside the form).
    """
    terms = approved_terms(sharing_request)
    departures = []
    removed = sorted(set(items) & terms.removed_items)
    if removed:
        departures.append("items the conditions removed were shared: " + ", ".join(removed))
    if terms.method and method and method != terms.method:
        # The method's short name: its label's explanation in brackets (NHSmail ...) keeps its capitals.
        short = terms.method_label.split(" (", 1)[0].lower()
        departures.append(f"shared by another method than {short}")
    if conditions_met is not None:
        departures += [
            f"condition not met: {text}"
            for index, text in enumerate(terms.texts)
            if index not in set(conditions_met)
        ]
    return departures


def _check(kind: str, purpose_category: str, data: dict[str, Any], today: datetime.date) -> None:
    errors: dict[str, str] = {}
    if not str(data.get("information", "")).strip():
        errors["information"] = (
            "Say what was shared." if kind == DisclosureKind.DISCLOSURE else "Say what was asked for."
        )
    disclosed_on = data.get("disclosed_on")
    if disclosed_on is None:
        errors["disclosed_on"] = "Enter the date."
    elif disclosed_on > today:
        errors["disclosed_on"] = "The date cannot be in the future."
    if kind == DisclosureKind.DISCLOSURE:
        if data.get("art6") in {"", Art6Condition.NONE}:
            errors["art6"] = "Choose the Article 6 condition the disclosure relied on."
        if data.get("confidentiality_basis") in {"", ConfidentialityBasis.NONE}:
            errors["confidentiality_basis"] = "Choose the common law basis the disclosure relied on."
        if not data.get("transfer_method"):
            errors["transfer_method"] = "Choose how the information was shared."
    elif not str(data.get("refusal_rationale", "")).strip():
        errors["refusal_rationale"] = "Give the rationale for refusing [004 6.8.3]."
    if purpose_category == PurposeCategory.POLICE_CRIME:
        required = dict(POLICE_REQUIRED)
        if kind == DisclosureKind.DISCLOSURE:
            required["police_given"] = "what was given to the police"
        for name, described in required.items():
            if not str(data.get(name, "")).strip():
                errors[name] = f"For a police request, record {described} [004 6.12]."
    acknowledged_on = data.get("police_acknowledged_on")
    if acknowledged_on is not None and disclosed_on is not None and acknowledged_on < disclosed_on:
        errors["police_acknowledged_on"] = "The acknowledgement cannot come before the disclosure."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def disclosure_record(
    *,
    sharing_request: SharingRequest | None,
    actor: User,
    kind: str = "",
    recipient: Organisation | None = None,
    purpose_category: str = "",
    http_request: HttpRequest | None = None,
    **data: Any,
) -> Disclosure:
    """Log a disclosure or refusal: for a request (its kind, recipient and purpose come from it), or,
    with ``sharing_request`` None, one the IG team handled outside the wizard.

    Recording the disclosure of an approved request closes it as shared.
    """
    unknown = set(data) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    today = timezone.localdate()
    locked: SharingRequest | None = None
    if sharing_request is not None:
        locked = (
            SharingRequest.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=sharing_request.pk)
        )
        if not may_record_for(actor, locked):
            raise PermissionDenied("Only the requester or the IG team record what happened to a request.")
        if Disclosure.objects.filter(request=locked).exists():
            raise ValidationError(f"What happened to {locked.reference} is already in the disclosure log.")
        request_kind = disclosure_kind_for(locked)
        if request_kind is None:
            raise ValidationError(
                f"{locked.reference} is {locked.get_status_display().lower()}: nothing is logged for it yet."
            )
        kind, recipient, purpose_category = request_kind, locked.recipient, locked.purpose_category
    elif not can_change_registers(actor):
        raise PermissionDenied("Only the IG team logs disclosures handled outside the wizard.")
    errors: dict[str, str] = {}
    if kind not in DisclosureKind.values:
        errors["kind"] = "Choose whether the information was shared or refused."
    if recipient is None:
        errors["recipient"] = "Choose who the information was shared with, or who asked for it."
    if purpose_category not in {category.value for category in PurposeCategory}:
        errors["purpose_category"] = "Choose the purpose."
    if errors:
        raise ValidationError(errors)
    assert recipient is not None
    _check(kind, purpose_category, data, today)
    data = dict(data)
    conditions_met = data.pop("conditions_met", None)
    departures: list[str] = []
    if locked is not None and kind == DisclosureKind.DISCLOSURE:
        departures = disclosure_departures(
            locked,
            items=list(data.get("items") or []),
            method=str(data.get("transfer_method") or ""),
            conditions_met=conditions_met,
        )
        if departures and not reason_is_substantial(str(data.get("departure_reason", ""))):
            raise ValidationError(
                {
                    "departure_reason": "What was shared departs from the approval's conditions ("
                    + "; ".join(departures)
                    + "): say why, in a sentence or two."
                }
            )
    if not departures:
        data["departure_reason"] = ""
    if kind == DisclosureKind.REFUSAL:
        # A refusal shares nothing, so it carries no basis or method that could be read as one.
        data |= dict.fromkeys(DISCLOSURE_ONLY, "")
    data["disclosed_by"] = data.get("disclosed_by") or actor
    disclosure = Disclosure.objects.create(
        reference=reference_allocate(prefix="DL", year=today.year),
        kind=kind,
        request=locked,
        recipient=recipient,
        purpose_category=purpose_category,
        recorded_by=actor,
        departures=departures,
        **stripped(data),
    )
    audit_record(
        action="disclosure.create",
        actor=actor,
        target=disclosure,
        request=http_request,
        detail={
            "kind": kind,
            "request": locked.reference if locked else "",
            "outside_wizard": locked is None,
            "purpose": label(PurposeCategory(purpose_category)),
            "departs_from_conditions": departures,
        },
    )
    if locked is not None and locked.status in APPROVED_STATUSES and kind == DisclosureKind.DISCLOSURE:
        transition(
            locked,
            "close",
            actor=actor,
            comment=f"Disclosure recorded as {disclosure.reference}.",
            http_request=http_request,
        )
        if sharing_request is not None:
            sharing_request.status = locked.status
    return disclosure
