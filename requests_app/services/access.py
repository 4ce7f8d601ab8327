"""Writes to access request cases. Every change recomputes the stored ``due_on`` and is recorded in the
case's history and the audit trail, like every other register.

``access_request_transition`` moves a case along ``requests_app.access_workflow`` through the one
transition service. Dates of events can never be in the future nor (identity evidence already held
apart) before the request arrived, and a bad value is reported against the form field that holds it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.dates import long_date
from igportal.roles import is_ig_team
from requests_app.access_workflow import check_event_date, refresh_due_on
from requests_app.models import (
    AccessRequest,
    AccessRequestChannel,
    AccessRequestCounter,
    AccessRequestDocument,
    AccessRequestKind,
    AccessRequestRedaction,
    AccessRequestStatus,
)
from requests_app.models.access import DETAIL_FIELDS, FEE_KINDS, ONLINE_KINDS
from requests_app.permissions import can_change_access_requests
from requests_app.services.outbox import outbox_enqueue
from requests_app.services.uploads import ALLOWED_TYPES, check_upload
from requests_app.services.workflow import record_event, transition

Errors = dict[str, list[str]]
_DETAIL_LABELS = {
    field.name: str(field.verbose_name)
    for field in AccessRequest._meta.get_fields()
    if isinstance(field, models.Field) and field.name in DETAIL_FIELDS
}


def _require_change(actor: User) -> None:
    if not can_change_access_requests(actor):
        raise PermissionDenied("Only IG officers and the Data Protection Officer can change access requests.")


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


# --- details -------------------------------------------------------------------------------------------


def _validate_details(case: AccessRequest, *, today: date) -> None:
    errors: Errors = {}
    if case.received_on is not None and case.received_on > today:
        _add(errors, "received_on", "The date received cannot be in the future.")
    for event, what in (
        (case.identity_requested_on, "proof of identity was asked for"),
        (case.extension_told_on, "the requester was told of the extension"),
        (case.responded_on, "the response was sent"),
        (case.withdrawn_on, "it was withdrawn"),
    ):
        if event is not None and case.received_on is not None and event < case.received_on:
            _add(
                errors,
                "received_on",
                f"The date received cannot be after the date {what} ({long_date(event)}).",
            )
    if not (case.requester_email or case.requester_phone or case.requester_address.strip()):
        _add(
            errors,
            "requester_email",
            "Give at least one way to reach the requester: email, phone or address.",
        )
    if case.kind == AccessRequestKind.DECEASED and not case.subject_name.strip():
        _add(errors, "subject_name", "Give the name of the person who died.")
    if (case.searches_proportionate or case.searches_note.strip()) and case.kind != AccessRequestKind.SAR:
        _add(errors, "searches_proportionate", "Searches are marked only on a subject access request.")
    elif case.searches_proportionate and not case.searches_note.strip():
        _add(errors, "searches_note", "Say what was searched: the systems, records and dates covered.")
    publishing = case.publish_in_disclosure_log or case.disclosure_log_summary.strip()
    if publishing and case.kind not in (AccessRequestKind.FOI, AccessRequestKind.EIR):
        _add(
            errors,
            "publish_in_disclosure_log",
            "Only FOI and EIR answers are published in the disclosure log.",
        )
    elif case.publish_in_disclosure_log and not case.disclosure_log_summary.strip():
        _add(
            errors,
            "disclosure_log_summary",
            "Write the summary to publish: what was asked and released, with no names or personal data.",
        )
    if case.kind in (AccessRequestKind.REVIEW, AccessRequestKind.APPEAL) and case.original_id is None:
        _add(
            errors, "kind", "A review or a complaint to the Commissioner is logged from the case it follows."
        )
    if case.recent_records_only and case.kind != AccessRequestKind.DECEASED:
        _add(errors, "recent_records_only", "This only applies to deceased person's records.")
    if case.handler is not None and not is_ig_team(case.handler):
        _add(errors, "handler", f"{case.handler} is not an IG officer or the DPO, so cannot handle a case.")
    has_fee = case.fee_amount is not None or case.fee_requested_on or case.fee_paid_on
    if has_fee and case.kind not in FEE_KINDS:
        _add(
            errors,
            "fee_amount",
            "A fee can be recorded only for a SAR, another data subject right, deceased person's records, "
            "or a FOI or EIR request.",
        )
    elif has_fee:
        if case.fee_amount is None:
            _add(errors, "fee_amount", "Enter the amount of the fee asked for.")
        if case.fee_requested_on is None:
            _add(errors, "fee_requested_on", "Enter the date the fee was asked for.")
        for field, what in (
            ("fee_requested_on", "the fee was asked for"),
            ("fee_paid_on", "the fee was paid"),
        ):
            value = getattr(case, field)
            if value is not None:
                check_event_date(errors, field, value, what, case=case, today=today)
        if case.fee_requested_on and case.fee_paid_on and case.fee_paid_on < case.fee_requested_on:
            _add(errors, "fee_paid_on", "The fee cannot be paid before it was asked for.")
    if errors:
        raise ValidationError(errors)


def _apply_details(case: AccessRequest, data: dict[str, Any]) -> None:
    unknown = set(data) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(case, name, value)


def _allocate_reference(kind: str, year: int) -> str:
    # The row lock serialises concurrent creations of the same kind and year; the insert that may
    # race is harmless because a conflict leaves the existing row alone.
    AccessRequestCounter.objects.bulk_create(
        [AccessRequestCounter(kind=kind, year=year, last_number=0)], ignore_conflicts=True
    )
    counter = AccessRequestCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{AccessRequestKind(kind).prefix}-{year}-{counter.last_number:05d}"


@transaction.atomic
def access_request_create(
    *,
    actor: User,
    kind: str,
    today: date | None = None,
    http_request: HttpRequest | None = None,
    **data: Any,
) -> AccessRequest:
    """Log a new case as received; its reference is allocated per kind and year of receipt."""
    _require_change(actor)
    today = today or timezone.localdate()
    case = AccessRequest(kind=kind, created_by=actor, status=AccessRequestStatus.RECEIVED)
    _apply_details(case, data)
    case.full_clean(exclude=["reference"])
    _validate_details(case, today=today)
    case.reference = _allocate_reference(kind, case.received_on.year)
    case.save()
    # After the save: the deadline reads the case's clarifications, which need a saved case.
    refresh_due_on(case, today=today, field="received_on")
    case.save(update_fields=["due_on"])
    record_event(case, "create", actor=actor, http_request=http_request)
    return case


# What a member of the public may set through the online form; everything else is the IG team's.
ONLINE_FIELDS: tuple[str, ...] = (
    "requester_name",
    "requester_email",
    "requester_phone",
    "requester_address",
    "subject_name",
    "description",
    "reply_by",
)


@transaction.atomic
def access_request_submit_online(
    *,
    kind: str,
    identity_document: UploadedFile | None = None,
    today: date | None = None,
    http_request: HttpRequest | None = None,
    **data: Any,
) -> AccessRequest:
    """A request made by a member of the public through the online form, with no account.

    It is logged as received today by the online form, with no creator; any proof of identity sent with
    it is checked as every upload is before anything is saved, so a refused file loses nothing else
    (the form keeps the rest). The acknowledgement email (reference and due date only, never what the
    requester wrote) is queued through the outbox with the case.
    """
    today = today or timezone.localdate()
    if kind not in ONLINE_KINDS:
        raise ValidationError({"kind": "Choose the type of request."})
    unknown = set(data) - set(ONLINE_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    checked = None
    if identity_document is not None:
        try:
            checked = check_upload(identity_document)
        except ValidationError as exc:
            raise ValidationError({"identity_document": exc.message_dict.get("file", exc.messages)}) from exc
    case = AccessRequest(
        kind=kind,
        created_by=None,
        status=AccessRequestStatus.RECEIVED,
        received_on=today,
        channel=AccessRequestChannel.ONLINE_FORM,
        **data,
    )
    errors: Errors = {}
    if case.reply_by == "email" and not case.requester_email:
        _add(errors, "requester_email", "Enter your email address, so that we can reply by email.")
    if case.reply_by == "post" and not case.requester_address.strip():
        _add(errors, "requester_address", "Enter your postal address, so that we can reply by post.")
    if errors:
        raise ValidationError(errors)
    case.full_clean(exclude=["reference", "created_by"])
    _validate_details(case, today=today)
    case.reference = _allocate_reference(kind, today.year)
    case.save()
    refresh_due_on(case, today=today, field="description")
    case.save(update_fields=["due_on"])
    detail: dict[str, Any] = {"channel": AccessRequestChannel.ONLINE_FORM}
    if checked is not None:
        content, mime, original = checked
        document = AccessRequestDocument.objects.create(
            access_request=case,
            original_name=original[:200],
            file=ContentFile(content, name=f"{uuid.uuid4().hex}.{ALLOWED_TYPES[mime]}"),
            content_type=mime,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        detail |= {"document_id": document.pk, "type": mime, "size": len(content)}
    record_event(case, "create", actor=None, comment="Made online.", http_request=http_request, detail=detail)
    if case.requester_email:
        from requests_app.tasks import acknowledge_access_request

        outbox_enqueue(acknowledge_access_request, case.pk)
    return case


def _tell_requester(
    case_id: int,
    claim: str,
    subject: Callable[[AccessRequest], str],
    body: Callable[[AccessRequest], str],
    **only: Any,
) -> int:
    """Email a requester once: claim the case by setting its ``claim`` timestamp (where still empty and
    ``only`` holds), then send; 1 when sent, 0 when another run already had it. A failed send clears the
    claim, so the task's retry sends it, and the error goes up for that retry."""
    from django.core.mail import EmailMessage

    if not AccessRequest.objects.filter(pk=case_id, **{f"{claim}__isnull": True}, **only).update(
        **{claim: timezone.now()}
    ):
        return 0
    case = AccessRequest.objects.get(pk=case_id)
    message = EmailMessage(subject=subject(case), body=body(case), to=[case.requester_email])
    try:
        message.send()
    except Exception:
        AccessRequest.objects.filter(pk=case_id).update(**{claim: None})
        raise
    return 1


def access_request_acknowledge(*, case_id: int) -> int:
    """Email an online requester their reference and due date, once: 1 when sent, 0 when already sent.

    The message holds the reference, the type, the date received and the due date with its rule: nothing
    the requester typed is sent back (the address could be anyone's, and the email would then carry their
    words), and nothing about the case beyond the reference.
    """
    from requests_app.access_workflow import clock
    from requests_app.models.organisations import OrganisationSettings

    def body(case: AccessRequest) -> str:
        deadline = case.deadline(today=timezone.localdate(), **clock())
        return (
            f"We received your {AccessRequestKind(case.kind).label.lower()} on "
            f"{long_date(case.received_on)}.\n\n"
            f"Your reference is {case.reference}. Please quote it whenever you contact us about this "
            "request.\n\n"
            f"{deadline.headline}.\n{deadline.working.rule}\n\n"
            "If we need anything more from you, such as proof of identity or a clarification, we will tell "
            "you, and the date may then move.\n\n"
            f"{OrganisationSettings.load().name}\n"
        )

    return _tell_requester(
        case_id, "acknowledged_at", lambda case: f"Your request {case.reference} has been received", body
    )


@transaction.atomic
def access_request_follow_up_create(
    *,
    original: AccessRequest,
    actor: User,
    kind: str,
    received_on: date,
    details: str,
    regulator_due_on: date | None = None,
    today: date | None = None,
    http_request: HttpRequest | None = None,
) -> AccessRequest:
    """An internal review of a FOI or EIR answer, or a complaint about it to the Commissioner (the ICO, or
    the Scottish Information Commissioner under FOISA): a case of its own with its own clock, linked to
    the original, whose page lists it. The requester's details are the original's."""
    from requests_app.access_workflow import FOI_KINDS, foi_regime
    from requests_app.models.access import FOLLOW_UP_KINDS, Regulator

    _require_change(actor)
    today = today or timezone.localdate()
    errors: Errors = {}
    if original.kind not in FOI_KINDS:
        raise ValidationError(
            {"kind": "Only a FOI or EIR answer has an internal review or a complaint here."}
        )
    if kind not in FOLLOW_UP_KINDS:
        _add(errors, "kind", "Choose a review or a complaint to the Commissioner.")
    check_event_date(errors, "received_on", received_on, "it arrived", case=original, today=today)
    if kind == AccessRequestKind.APPEAL and regulator_due_on is None:
        _add(errors, "regulator_due_on", "Enter the date the Commissioner asked for our response.")
    if kind == AccessRequestKind.REVIEW and regulator_due_on is not None:
        _add(errors, "regulator_due_on", "Only a complaint to the Commissioner has a date set by them.")
    if errors:
        raise ValidationError(errors)
    case = AccessRequest(
        kind=kind,
        created_by=actor,
        status=AccessRequestStatus.RECEIVED,
        received_on=received_on,
        channel=original.channel,
        requester_name=original.requester_name,
        requester_email=original.requester_email,
        requester_phone=original.requester_phone,
        requester_address=original.requester_address,
        description=details,
        handler=original.handler,
        original=original,
        regulator=(
            (Regulator.SIC if foi_regime() == "foisa" else Regulator.ICO)
            if kind == AccessRequestKind.APPEAL
            else ""
        ),
        regulator_due_on=regulator_due_on,
    )
    case.full_clean(exclude=["reference"])
    case.reference = _allocate_reference(kind, received_on.year)
    case.save()
    refresh_due_on(case, today=today, field="received_on")
    case.save(update_fields=["due_on"])
    record_event(
        case, "create", actor=actor, comment=f"Follows {original.reference}.", http_request=http_request
    )
    record_event(
        original,
        "follow_up",
        actor=actor,
        comment=f"{AccessRequestKind(kind).label}: {case.reference}.",
        http_request=http_request,
        detail={"follow_up_id": case.pk},
    )
    return case


@transaction.atomic
def access_request_redaction_add(
    *,
    case: AccessRequest,
    actor: User,
    document: str,
    withheld: str,
    code: str,
    location: str = "",
    http_request: HttpRequest | None = None,
) -> AccessRequestRedaction:
    """Add a line to a FOI or EIR case's redaction log; recorded in its history and the audit trail."""
    from requests_app.access_workflow import FOI_KINDS, foi_regime
    from requests_app.foi_exemptions import exemptions_for

    _require_change(actor)
    if case.kind not in FOI_KINDS:
        raise ValidationError({"code": "A redaction log is kept for FOI and EIR answers."})
    if code not in {e.code for e in exemptions_for(case.kind, regime=foi_regime())}:
        raise ValidationError({"code": "Choose an exemption or exception from the list."})
    redaction = AccessRequestRedaction.objects.create(
        access_request=case,
        document=document,
        location=location,
        withheld=withheld,
        code=code,
        created_by=actor,
    )
    record_event(
        case,
        "redaction",
        actor=actor,
        comment=f"Redaction logged in {document} under {redaction.exemption.citation}.",
        http_request=http_request,
        detail={"redaction_id": redaction.pk, "code": code},
    )
    return redaction


def access_request_lapse_notice(*, case_id: int) -> int:
    """Tell the requester their case closed itself after a pause passed its limit, once (1 sent, 0 not).

    Like the acknowledgement it carries the reference and dates only, never what the requester wrote.
    """
    from requests_app.models.organisations import OrganisationSettings

    def body(case: AccessRequest) -> str:
        waited = next((pause for pause in case.pauses() if pause.ended is None), None)
        asked = (
            f"On {long_date(waited.started)} we asked you for {waited.reason.label.lower()}, "
            "and we have not heard from you since. "
            if waited is not None
            else ""
        )
        return (
            f"Your request {case.reference}, received on {long_date(case.received_on)}, is now closed.\n\n"
            f"{asked}We close a request when we have waited {settings.ACCESS_PAUSE_LIMIT_DAYS} days without "
            "a reply.\n\nYou can ask again at any time; quote this reference if you do.\n\n"
            f"{OrganisationSettings.load().name}\n"
        )

    return _tell_requester(
        case_id,
        "lapse_notified_at",
        lambda case: f"Your request {case.reference} is closed",
        body,
        outcome="lapsed",
    )


@transaction.atomic
def access_request_update(
    *,
    case: AccessRequest,
    actor: User,
    today: date | None = None,
    http_request: HttpRequest | None = None,
    **data: Any,
) -> AccessRequest:
    """Change a case's details (not its type, status or dated events, which transitions record).

    The history and the audit event name the fields changed, not their values: the values are the
    requester's and the data subject's personal data, and the case itself holds them.
    """
    _require_change(actor)
    today = today or timezone.localdate()
    locked = AccessRequest.objects.select_for_update().get(pk=case.pk)
    before = {name: getattr(locked, name) for name in DETAIL_FIELDS}
    _apply_details(locked, data)
    locked.full_clean()
    _validate_details(locked, today=today)
    refresh_due_on(locked, today=today, field="received_on")
    locked.save()
    changed = [name for name in DETAIL_FIELDS if getattr(locked, name) != before[name]]
    if changed:
        labels = ", ".join(_DETAIL_LABELS[name] for name in changed)
        record_event(
            locked,
            "update",
            actor=actor,
            comment=f"Changed: {labels}.",
            http_request=http_request,
            detail={"fields": changed},
        )
    return locked


# --- transitions ---------------------------------------------------------------------------------------


def access_request_transition(
    case: AccessRequest,
    name: str,
    *,
    actor: User,
    today: date | None = None,
    on: date | None = None,
    method: str = "",
    details: str = "",
    told_on: date | None = None,
    extended_until: date | None = None,
    outcome: str = "",
    recipients_told: str = "",
    exemptions: list[str] | None = None,
    public_interest: Mapping[str, str] | None = None,
    http_request: HttpRequest | None = None,
) -> AccessRequest:
    """Move a case along one row of ``ACCESS_WORKFLOW`` through the one transition service.

    ``on``: the day the event happened (asked, verified, answered, sent, withdrawn). ``details``: what
    was asked, the extension reason, or the outcome details (the move's reason, kept in its history).
    ``recipients_told``: for a rectification, erasure or restriction carried out, who was told (Art 19).
    ``exemptions``: the codes a FOI or EIR answer relied on; ``public_interest``: each qualified one's
    public interest test, by code.
    Raises ValidationError keyed by those names when the input is wrong, PermissionDenied for anyone
    but the IG team, and TransitionConflict when the case has moved on since the page loaded.
    """
    transition(
        case,
        name,
        actor=actor,
        comment=details,
        http_request=http_request,
        today=today,
        on=on,
        method=method,
        told_on=told_on,
        extended_until=extended_until,
        outcome=outcome,
        recipients_told=recipients_told,
        exemptions=exemptions or [],
        public_interest=dict(public_interest or {}),
    )
    return case
