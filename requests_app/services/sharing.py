"""Writes for sharing requests while they are drafted: create, save a step, keep unsaved input."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.roles import Role, has_role
from necessity.assessment import assess_saved, step_for_path
from necessity.rules import AnswersError, answers_to_dict, result_to_dict
from necessity.steps import STEPS_BY_NAME, missing_steps
from requests_app.models import (
    Assessment,
    DataItemType,
    Organisation,
    OrganisationKind,
    RequestItem,
    RequestStatus,
    SharingRequest,
    SignOffStage,
)
from requests_app.permissions import can_manage_organisations
from requests_app.services.audit import audit_record
from requests_app.services.organisations import organisation_create
from requests_app.services.references import reference_allocate
from requests_app.services.workflow import record_event, transition
from requests_app.workflow import ordered_stages

EDITABLE_STATUSES = frozenset({RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED})

# Values copied out of the saved answers onto the request so that queues filter and sort in SQL.
_DENORMALISED = {
    "purpose": {
        "purpose_category": "category",
        "urgency": "urgency",
        "frequency": "frequency",
        "direction": "direction",
    },
    "data": {"data_form": "data_form"},
}


def can_raise_requests(user: User) -> bool:
    return has_role(user, Role.REQUESTER)


def can_edit_answers(user: User, sharing_request: SharingRequest) -> bool:
    return sharing_request.requester_id == user.pk and sharing_request.status in EDITABLE_STATUSES


@transaction.atomic
def sharing_request_create(*, requester: User, creation_key: uuid.UUID | None = None) -> SharingRequest:
    """A new numbered draft; with ``creation_key``, the draft that key already made, if there is one.

    The wizard passes the key of its first-step form, so that form posted twice (a double click, a
    retry after a timeout, two tabs) makes one draft. Two posts at the same moment both try the insert;
    the unique constraint makes the second wait for the first and then fail, and it reads the first's.
    """
    if not can_raise_requests(requester):
        raise PermissionDenied("Only staff with the Staff requester role can start a sharing request.")
    if creation_key is not None:
        existing = SharingRequest.objects.filter(requester=requester, creation_key=creation_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            reference = reference_allocate(prefix="ISR", year=timezone.localdate().year)
            created = SharingRequest.objects.create(
                reference=reference, requester=requester, current_step="purpose", creation_key=creation_key
            )
    except IntegrityError:
        if creation_key is None:
            raise
        return SharingRequest.objects.get(requester=requester, creation_key=creation_key)
    audit_record(action="request.create", actor=requester, target=created)
    return created


@transaction.atomic
def sharing_request_start(
    *,
    requester: User,
    creation_key: uuid.UUID,
    step: str,
    values: Mapping[str, Any] | None = None,
    raw: Mapping[str, list[str]] | None = None,
) -> SharingRequest:
    """The wizard's first save: the draft is made here, with the first step's answers (or what was typed).

    Until this save nothing exists, so opening the wizard and leaving makes no empty draft; the same form
    posted twice saves into the one draft its key made.
    """
    draft = sharing_request_create(requester=requester, creation_key=creation_key)
    if values is not None:
        return sharing_request_save_step(
            sharing_request=draft, actor=requester, step=step, values=values, next_step=step
        )
    return sharing_request_keep_input(
        sharing_request=draft, actor=requester, step=step, raw=raw or {}, current_step=step
    )


def can_delete_draft(user: User, sharing_request: SharingRequest) -> bool:
    """Only the requester's own draft that was never submitted: once submitted, it is part of the record."""
    return (
        sharing_request.requester_id == user.pk
        and sharing_request.status == RequestStatus.DRAFT
        and sharing_request.submitted_at is None
    )


@transaction.atomic
def sharing_request_delete_draft(*, sharing_request: SharingRequest, actor: User) -> None:
    """Delete a draft its requester no longer wants; the audit trail keeps that it existed and who
    deleted it."""
    locked = SharingRequest.objects.select_for_update().filter(pk=sharing_request.pk).first()
    if locked is None:
        raise ValidationError(f"{sharing_request.reference} has already been deleted.")
    if not can_delete_draft(actor, locked):
        raise PermissionDenied("Only the requester can delete a draft, and only before it is submitted.")
    if locked.assessments.exists():
        raise PermissionDenied("This request has been assessed before, so it is kept as part of the record.")
    audit_record(
        action="request.delete_draft",
        actor=actor,
        target=locked,
        detail={"title": locked.title, "steps_saved": sorted(locked.answers)},
    )
    locked.delete()


def _locked_for_edit(sharing_request: SharingRequest, actor: User) -> SharingRequest:
    locked = SharingRequest.objects.select_for_update().get(pk=sharing_request.pk)
    if not can_edit_answers(actor, locked):
        raise PermissionDenied(
            "Only the requester can change the answers, and only before the request is decided."
        )
    return locked


@transaction.atomic
def sharing_request_save_step(
    *, sharing_request: SharingRequest, actor: User, step: str, values: Mapping[str, Any], next_step: str
) -> SharingRequest:
    """Save one step's valid answers, replacing what that step held, and clear its unsaved input."""
    locked = _locked_for_edit(sharing_request, actor)
    locked.answers = {**locked.answers, step: dict(values)}
    locked.draft_input = {name: raw for name, raw in locked.draft_input.items() if name != step}
    locked.current_step = next_step
    for field, key in _DENORMALISED.get(step, {}).items():
        setattr(locked, field, values.get(key) or "")
    if step == "purpose":
        locked.title = values["title"]
        recipient_id = values.get("recipient")
        locked.recipient = Organisation.objects.get(pk=recipient_id) if recipient_id else None
        locked.recipient_unlisted = "" if recipient_id else values.get("recipient_not_listed", "")
    if step == "data":
        _sync_items(locked, values["item_types"])
    if step == "items":
        for item in locked.items.select_related("item_type"):
            answer = values.get(item.item_type.code, {})
            item.justification = answer.get("justification", "")
            item.essential = answer.get("essential")
            item.save(update_fields=["justification", "essential"])
    locked.save()
    audit_record(action="request.answers_saved", actor=actor, target=locked, detail={"step": step})
    return locked


def _sync_items(sharing_request: SharingRequest, item_type_ids: list[int]) -> None:
    """Make the request's item rows match the chosen catalogue entries, keeping existing justifications."""
    wanted = set(DataItemType.objects.filter(pk__in=item_type_ids).values_list("pk", flat=True))
    if len(wanted) != len(set(item_type_ids)):
        raise ValidationError("One of the chosen data items is no longer in the catalogue.")
    sharing_request.items.exclude(item_type_id__in=wanted).delete()
    existing = set(sharing_request.items.values_list("item_type_id", flat=True))
    RequestItem.objects.bulk_create(
        RequestItem(request=sharing_request, item_type_id=pk) for pk in sorted(wanted - existing)
    )


@transaction.atomic
def sharing_request_keep_input(
    *,
    sharing_request: SharingRequest,
    actor: User,
    step: str,
    raw: Mapping[str, list[str]],
    current_step: str,
) -> SharingRequest:
    """Keep what was typed on a step that is not (yet) valid, so leaving the wizard loses nothing."""
    locked = _locked_for_edit(sharing_request, actor)
    locked.draft_input = {**locked.draft_input, step: {key: list(value) for key, value in raw.items()}}
    locked.current_step = current_step
    locked.save(update_fields=["draft_input", "current_step", "updated_at"])
    audit_record(action="request.answers_kept", actor=actor, target=locked, detail={"step": step})
    return locked


@transaction.atomic
def sharing_request_submit(
    *, sharing_request: SharingRequest, actor: User, today: datetime.date
) -> Assessment:
    """Freeze the answers and the engine's result as a new assessment, then submit for review.

    Raises ``ValidationError`` naming each step still to complete or each answer the engine rejects.
    """
    locked = _locked_for_edit(sharing_request, actor)
    item_types = [item.item_type for item in locked.items.select_related("item_type")]
    special = any(item.special_category for item in item_types)
    missing = missing_steps(locked.answers, special_category=special)
    if missing:
        raise ValidationError([f"Complete the step '{step.title}' before you submit." for step in missing])
    if locked.draft_input:
        unsaved = ", ".join(STEPS_BY_NAME[name].title for name in locked.draft_input if name in STEPS_BY_NAME)
        raise ValidationError(f"Save or correct your unsaved answers first: {unsaved}.")
    try:
        answers, result, policy = assess_saved(
            locked.answers, item_types, today=today, recipient=locked.recipient
        )
    except AnswersError as exc:
        raise ValidationError(
            [f"{STEPS_BY_NAME[step_for_path(path)].title}: {message}" for path, message in exc.errors]
        ) from exc
    assessment = Assessment.objects.create(
        request=locked,
        number=locked.assessments.count() + 1,
        answers=answers_to_dict(answers),
        result=result_to_dict(result),
        rules_version=result.rules_version,
        policy=policy,
        outcome=result.outcome.value,
        risk=result.risk.value,
        dpia_required=result.dpia_required,
        isa_required=result.isa_required,
        required_signoffs=[stage.value for stage in result.required_signoffs],
        assessed_on=today,
        created_by=actor,
    )
    # A request that draws on registered assets is authorised by their owner first [000 "sharing"].
    owner_stage = [SignOffStage.IAO.value] if locked.assets.exists() else []
    stages = ordered_stages([*assessment.required_signoffs, *owner_stage])
    SharingRequest.objects.filter(pk=locked.pk).update(stages=stages, current_step="")
    locked.stages = stages
    transition(locked, "submit", actor=actor)
    # The first submission is when the request entered review; a resubmission keeps that date for queue age.
    SharingRequest.objects.filter(pk=locked.pk, submitted_at=None).update(submitted_at=timezone.now())
    audit_record(
        action="request.assessed",
        actor=actor,
        target=locked,
        detail={
            "assessment": assessment.number,
            "outcome": assessment.outcome,
            "rules": assessment.rules_version,
            "policy": policy.version,
        },
    )
    return assessment


# What the IG team types to add a partner from a request; its assurance is added later on the partner's page.
PARTNER_FROM_REQUEST_FIELDS = ("name", "kind", "ods_code", "contact_name", "contact_email")


def can_add_partner_from_request(user: User, sharing_request: SharingRequest) -> bool:
    """The IG team, on a request that names a recipient not yet on the list of partners."""
    return (
        can_manage_organisations(user)
        and sharing_request.recipient_id is None
        and bool(sharing_request.recipient_unlisted)
    )


def partner_initial(sharing_request: SharingRequest) -> dict[str, str]:
    """What the requester typed about the recipient, to start the IG team's form with."""
    purpose = sharing_request.answers.get("purpose") or {}
    kind = str(purpose.get("recipient_kind") or "")
    return {
        "name": sharing_request.recipient_unlisted,
        "kind": kind if kind in OrganisationKind.values else "",
    }


@transaction.atomic
def sharing_request_add_partner(
    *,
    sharing_request: SharingRequest,
    actor: User,
    http_request: HttpRequest | None = None,
    **data: Any,
) -> Organisation:
    """Add the recipient a request names but the partners list lacks, and make it the request's recipient.

    One step: the partner is made by ``organisation_create`` (its ODS code checked by format only; there
    is no lookup in the ODS), then the request and its saved purpose answer name it; the request's history
    and the partner's audit trail both say who added it from which request. The frozen assessment keeps
    what was assessed. Raises ``ValidationError`` keyed by field, so the form keeps what was typed.
    """
    if not can_manage_organisations(actor):
        raise PermissionDenied("Only the IG team can add partner organisations.")
    unknown = set(data) - set(PARTNER_FROM_REQUEST_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    locked = (
        SharingRequest.objects.select_related("recipient")
        .select_for_update(of=("self",))
        .get(pk=sharing_request.pk)
    )
    if locked.recipient is not None or not locked.recipient_unlisted:
        # Someone else added it first, or the requester has since chosen a partner from the list.
        named = f"names {locked.recipient.name}" if locked.recipient else "names no recipient"
        raise ValidationError(f"{locked.reference} now {named}: there is no partner to add from it.")
    name = str(data.get("name") or "").strip()
    if name and Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {
                "name": f"{name} is already a partner. Ask the requester to choose it from the list, "
                "or give this organisation its full, different name."
            }
        )
    ods_code = str(data.get("ods_code") or "")
    same_code = Organisation.objects.filter(ods_code=ods_code).first() if ods_code else None
    if same_code is not None:
        raise ValidationError({"ods_code": f"ODS code {ods_code} is already {same_code.name}'s."})
    organisation = organisation_create(actor=actor, **{**data, "name": name})
    typed = locked.recipient_unlisted
    locked.recipient = organisation
    locked.recipient_unlisted = ""
    purpose = locked.answers.get("purpose")
    if purpose is not None:
        # As if the requester had chosen it from the list (the wizard's own spelling of that answer).
        locked.answers = {
            **locked.answers,
            "purpose": {
                **purpose,
                "recipient": organisation.pk,
                "recipient_not_listed": "",
                "recipient_name": organisation.name,
                "recipient_kind": organisation.recipient_kind,
            },
        }
    locked.save(update_fields=["recipient", "recipient_unlisted", "answers", "updated_at"])
    sharing_request.recipient, sharing_request.recipient_unlisted = organisation, ""
    sharing_request.answers = locked.answers
    audit_record(
        action="organisation.create",
        actor=actor,
        target=organisation,
        request=http_request,
        detail={
            "from_request": locked.reference,
            "kind": organisation.kind,
            "ods_code": organisation.ods_code,
        },
    )
    record_event(
        locked,
        "add_partner",
        actor=actor,
        comment=f"Added {organisation.name} as a partner (the requester named it “{typed}”)",
        http_request=http_request,
        detail={"organisation": organisation.pk},
    )
    return organisation
