"""Writes for the information asset register, the processors, and the assets a sharing request draws on.

State changes (in use, retired) go through ``services.workflow.transition`` and ``ASSET_WORKFLOW``.
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

from igportal.pdf import render_pdf
from igportal.people import display_name
from igportal.roles import Role, roles_of
from requests_app.models import (
    AssetStatus,
    Dpia,
    InformationAsset,
    OrganisationSettings,
    Processor,
    SharingRequest,
)
from requests_app.permissions import can_change_asset, can_change_registers, can_register_assets
from requests_app.services.audit import audit_record
from requests_app.services.edits import apply_changes, stripped
from requests_app.services.references import reference_allocate
from requests_app.services.sharing import EDITABLE_STATUSES as EDITABLE_REQUEST_STATUSES

# Changes to these mean the asset holds or is processed differently: its DPIA screening no longer covers
# it and it shows on its owner's and the DPO's home pages until it is screened again [004 5.9].
MATERIAL_FIELDS = frozenset(
    {
        "data_subjects",
        "data_categories",
        "special_category",
        "art6",
        "art9",
        "confidentiality_basis",
        "asset_format",
        "location",
        "processors",
    }
)
ASSET_FIELDS = (
    "name",
    "description",
    "owner",
    "administrator",
    "delegate",
    "business_area",
    "asset_format",
    "location",
    "data_subjects",
    "data_categories",
    "special_category",
    "sensitivity",
    "art6",
    "art9",
    "confidentiality_basis",
    "retention_period",
    "retention_authority",
    "security_measures",
    "dspt_critical",
    "next_review_on",
    "dpia",
)


def _check(fields: dict[str, Any], *, today: datetime.date, check_review: bool) -> None:
    errors: dict[str, str] = {}
    owner: User | None = fields.get("owner")
    if owner is not None and Role.INFORMATION_ASSET_OWNER not in roles_of(owner):
        errors["owner"] = "Choose someone who holds the Information Asset Owner role."
    delegate: User | None = fields.get("delegate")
    if delegate is not None and owner is not None and delegate.pk == owner.pk:
        errors["delegate"] = "The delegate acts in the owner's place: choose someone else, or nobody."
    if check_review and fields["next_review_on"] <= today:
        errors["next_review_on"] = "The next review must be after today."
    for name in ("name", "business_area", "location", "retention_period", "retention_authority"):
        if name in fields and not str(fields[name]).strip():
            errors[name] = "Enter this: it cannot be only spaces."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def asset_create(
    *,
    actor: User,
    processors: Iterable[Processor] = (),
    http_request: HttpRequest | None = None,
    **fields: Any,
) -> InformationAsset:
    """Register an asset as a draft; its owner marks it in use once it is complete."""
    if not can_register_assets(actor):
        raise PermissionDenied("Only information asset owners and the IG team register assets.")
    fields = stripped({name: fields[name] for name in ASSET_FIELDS if name in fields})
    today = timezone.localdate()
    _check(fields, today=today, check_review=True)
    asset = InformationAsset.objects.create(
        reference=reference_allocate(prefix="IA", year=today.year),
        created_by=actor,
        amended_at=timezone.now(),
        **fields,
    )
    asset.processors.set(processors)
    audit_record(action="asset.create", actor=actor, target=asset, request=http_request)
    return asset


@transaction.atomic
def asset_update(
    *,
    asset: InformationAsset,
    actor: User,
    processors: Iterable[Processor] = (),
    http_request: HttpRequest | None = None,
    **fields: Any,
) -> InformationAsset:
    """Change an asset's entry; a change to what it holds or how it is processed asks for a new DPIA
    screening [004 5.9]."""
    if not can_change_asset(actor, asset.owner_id, asset.administrator_id):
        raise PermissionDenied("Only the asset's owner or administrator, or the IG team, change it.")
    locked = InformationAsset.objects.select_for_update().get(pk=asset.pk)
    if locked.status == AssetStatus.RETIRED:
        raise ValidationError("A retired asset is kept as it was; register a new one instead.")
    fields = stripped({name: fields[name] for name in ASSET_FIELDS if name in fields})
    _check(fields, today=timezone.localdate(), check_review=fields["next_review_on"] != locked.next_review_on)
    processors = list(processors)
    changed = apply_changes(locked, fields)
    if {p.pk for p in processors} != set(locked.processors.values_list("pk", flat=True)):
        changed.append("processors")
    if not changed:
        return locked
    # Linking a screening made after the change settles it, so only a material change without one moves
    # the clock on.
    if MATERIAL_FIELDS.intersection(changed) and "dpia" not in changed:
        locked.amended_at = timezone.now()
    locked.save()
    locked.processors.set(processors)
    audit_record(
        action="asset.update", actor=actor, target=locked, request=http_request, detail={"changed": changed}
    )
    return locked


def asset_needs_screening(asset: InformationAsset) -> bool:
    """No DPIA screening since the asset was registered or last materially changed [004 5.9]."""
    dpia: Dpia | None = asset.dpia
    return dpia is None or dpia.created_at < asset.amended_at


@transaction.atomic
def sharing_request_set_assets(
    *,
    sharing_request: SharingRequest,
    assets: Iterable[InformationAsset],
    actor: User,
    http_request: HttpRequest | None = None,
) -> None:
    """Name the registered assets a request draws on; their owner then authorises it before the IG team.

    The assets of one request share one owner: the owner answers for sharing from their own assets only
    [004 5.9], so sharing from two owners' assets is two requests, each authorised by its owner.
    """
    locked = SharingRequest.objects.select_for_update().get(pk=sharing_request.pk)
    if locked.requester_id != actor.pk:
        raise PermissionDenied("Only the requester names the assets a request draws on.")
    if locked.status not in EDITABLE_REQUEST_STATUSES:
        raise ValidationError("The assets can only be changed while the request is a draft or sent back.")
    chosen = list(assets)
    if any(asset.status != AssetStatus.ACTIVE for asset in chosen):
        raise ValidationError(
            {"assets": "Choose assets in use; a draft or retired asset cannot be shared from."}
        )
    if len({asset.owner_id for asset in chosen}) > 1:
        raise ValidationError(
            {"assets": "These assets have different owners: raise one request for each owner's assets."}
        )
    before = set(locked.assets.values_list("pk", flat=True))
    locked.assets.set(chosen)
    audit_record(
        action="request.assets",
        actor=actor,
        target=locked,
        request=http_request,
        detail={
            "added": sorted(asset.reference for asset in chosen if asset.pk not in before),
            "removed": sorted(
                InformationAsset.objects.filter(pk__in=before - {a.pk for a in chosen}).values_list(
                    "reference", flat=True
                )
            ),
        },
    )


# What a processor entry holds: the form, the API and the service all read it from here.
PROCESSOR_FIELDS = (
    "name",
    "services",
    "contact",
    "contract_reference",
    "contract_start_on",
    "contract_end_on",
)


def _check_processor(fields: dict[str, Any], *, instance: Processor | None) -> None:
    errors: dict[str, str] = {}
    start, end = fields.get("contract_start_on"), fields.get("contract_end_on")
    if start and end and end <= start:
        errors["contract_end_on"] = "The contract must end after it starts."
    if (start or end) and not fields.get("contract_reference"):
        errors["contract_reference"] = "Give the contract's reference, or leave its dates blank."
    clash = Processor.objects.filter(name__iexact=fields.get("name", ""))
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        errors["name"] = "A processor of that name is already registered."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def processor_create(*, actor: User, http_request: HttpRequest | None = None, **fields: Any) -> Processor:
    if not can_change_registers(actor):
        raise PermissionDenied("Only the IG team registers processors.")
    fields = stripped({name: fields[name] for name in PROCESSOR_FIELDS if name in fields})
    _check_processor(fields, instance=None)
    processor = Processor.objects.create(created_by=actor, **fields)
    audit_record(action="processor.create", actor=actor, target=processor, request=http_request)
    return processor


@transaction.atomic
def processor_update(
    *, processor: Processor, actor: User, http_request: HttpRequest | None = None, **fields: Any
) -> Processor:
    if not can_change_registers(actor):
        raise PermissionDenied("Only the IG team changes processors.")
    locked = Processor.objects.select_for_update().get(pk=processor.pk)
    fields = stripped({name: fields[name] for name in PROCESSOR_FIELDS if name in fields})
    _check_processor(fields, instance=locked)
    changed = apply_changes(locked, fields)
    locked.save()
    audit_record(
        action="processor.update",
        actor=actor,
        target=locked,
        request=http_request,
        detail={"changed": changed},
    )
    return locked


def ropa_pdf(*, rows: Iterable[Any], today: datetime.date) -> bytes:
    """The record of processing as a PDF, rendered in the sandbox: the controller and its DPO named, as
    UK GDPR Art 30(1)(a) asks, then every activity."""
    portal = OrganisationSettings.load()
    return render_pdf(
        "documents/ropa.html",
        {
            "document_title": f"Record of processing activities: {portal.name}",
            "controller": portal.name,
            "ods_code": portal.ods_code,
            "dpo": display_name(portal.dpo) if portal.dpo else "",
            "made_on": today,
            "rows": list(rows),
        },
    )
