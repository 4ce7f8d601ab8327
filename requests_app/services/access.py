"""Writes to access request cases. Every change recomputes the stored ``due_on``.

``access_request_transition`` is the only code that changes a case's status, along the rows of
``ACCESS_TRANSITIONS``. Dates of events can never be in the future nor (identity evidence already held
apart) before the request arrived, and a bad value is reported against the form field that holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from igportal.roles import Role, has_role
from requests_app.models import (
    AccessRequest,
    AccessRequestClarification,
    AccessRequestCounter,
    AccessRequestKind,
    AccessRequestOutcome,
    AccessRequestStatus,
)
from requests_app.models.access import (
    ACCESS_TRANSITIONS,
    CLOSING_OUTCOMES,
    FEE_KINDS,
    RESPONSE_OUTCOMES,
)
from requests_app.permissions import can_change_access_requests

_DETAIL_FIELDS = (
    "received_on",
    "channel",
    "requester_name",
    "requester_email",
    "requester_phone",
    "requester_address",
    "subject_name",
    "description",
    "handler",
    "recent_records_only",
    "fee_amount",
    "fee_requested_on",
    "fee_paid_on",
)
Errors = dict[str, list[str]]


def _fmt(day: date) -> str:
    return dateformat.format(day, "D j M Y")


def _require_change(actor: User) -> None:
    if not can_change_access_requests(actor):
        raise PermissionDenied("Only IG officers and the Data Protection Officer can change access requests.")


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_date(
    errors: Errors,
    field: str,
    value: date | None,
    what: str,
    *,
    case: AccessRequest,
    today: date,
    may_precede_receipt: bool = False,
) -> None:
    """``value`` must be given, not in the future and (usually) not before the request was received."""
    if value is None:
        _add(errors, field, f"Enter the date {what}.")
    elif value > today:
        _add(errors, field, f"The date {what} cannot be in the future.")
    elif value < case.received_on and not may_precede_receipt:
        received = _fmt(case.received_on)
        _add(errors, field, f"The date {what} cannot be before the request was received ({received}).")


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
            _add(errors, "received_on", f"The date received cannot be after the date {what} ({_fmt(event)}).")
    if not (case.requester_email or case.requester_phone or case.requester_address.strip()):
        _add(
            errors,
            "requester_email",
            "Give at least one way to reach the requester: email, phone or address.",
        )
    if case.kind == AccessRequestKind.DECEASED and not case.subject_name.strip():
        _add(errors, "subject_name", "Give the name of the person who died.")
    if case.recent_records_only and case.kind != AccessRequestKind.DECEASED:
        _add(errors, "recent_records_only", "This only applies to deceased person's records.")
    if case.handler is not None and not has_role(case.handler, Role.IG_OFFICER, Role.DPO):
        _add(errors, "handler", f"{case.handler} is not an IG officer or the DPO, so cannot handle a case.")
    has_fee = case.fee_amount is not None or case.fee_requested_on or case.fee_paid_on
    if has_fee and case.kind not in FEE_KINDS:
        _add(
            errors,
            "fee_amount",
            "A fee can be recorded only for a SAR or deceased person's records; a FOI or EIR fees notice "
            "is not recorded here.",
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
                _check_date(errors, field, value, what, case=case, today=today)
        if case.fee_requested_on and case.fee_paid_on and case.fee_paid_on < case.fee_requested_on:
            _add(errors, "fee_paid_on", "The fee cannot be paid before it was asked for.")
    if errors:
        raise ValidationError(errors)


def _apply_details(case: AccessRequest, data: dict[str, Any]) -> None:
    unknown = set(data) - set(_DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(case, name, value)


def _refresh_due_on(case: AccessRequest, *, today: date, field: str) -> None:
    try:
        case.due_on = case.deadline(today=today).due
    except ValueError as exc:
        # The deadline engine rejects contradictory dates (a clarification before receipt, say);
        # its message names them, so it goes on the field the person just changed.
        raise ValidationError({field: str(exc)}) from exc


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
def access_request_create(*, actor: User, kind: str, today: date | None = None, **data: Any) -> AccessRequest:
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
    _refresh_due_on(case, today=today, field="received_on")
    case.save(update_fields=["due_on"])
    return case


@transaction.atomic
def access_request_update(
    *, case: AccessRequest, actor: User, today: date | None = None, **data: Any
) -> AccessRequest:
    """Change a case's details (not its type, status or dated events, which transitions record)."""
    _require_change(actor)
    today = today or timezone.localdate()
    locked = AccessRequest.objects.select_for_update().get(pk=case.pk)
    _apply_details(locked, data)
    locked.full_clean()
    _validate_details(locked, today=today)
    _refresh_due_on(locked, today=today, field="received_on")
    locked.save()
    return locked


# --- transitions ---------------------------------------------------------------------------------------


def _request_identity(case: AccessRequest, errors: Errors, today: date, on: date | None, **_: Any) -> None:
    _check_date(errors, "on", on, "proof of identity was asked for", case=case, today=today)
    case.identity_requested_on = on


def _verify_identity(
    case: AccessRequest, errors: Errors, today: date, on: date | None, method: str, **_: Any
) -> None:
    # Evidence may pre-date the request (identity already held); the deadline then starts at receipt.
    _check_date(errors, "on", on, "identity was verified", case=case, today=today, may_precede_receipt=True)
    if not method:
        _add(errors, "method", "Say how identity was verified.")
    case.identity_verified_on, case.identity_method = on, method


def _start(case: AccessRequest, errors: Errors, today: date, **_: Any) -> None:
    pass


def _ask_clarification(
    case: AccessRequest, errors: Errors, today: date, on: date | None, details: str, **_: Any
) -> None:
    _check_date(errors, "on", on, "clarification was asked for", case=case, today=today)
    latest = case.clarifications.order_by("-asked_on").first()
    if on is not None and latest is not None and on < latest.asked_on:
        _add(
            errors,
            "on",
            f"A new clarification cannot be dated before the last one ({_fmt(latest.asked_on)}).",
        )
    if not details.strip():
        _add(errors, "details", "Say what you asked the requester to clarify.")
    if not errors and on is not None:
        AccessRequestClarification.objects.create(access_request=case, asked_on=on, question=details.strip())


def _record_clarification(
    case: AccessRequest, errors: Errors, today: date, on: date | None, **_: Any
) -> None:
    pending = case.clarifications.get(answered_on__isnull=True)
    _check_date(errors, "on", on, "the clarification arrived", case=case, today=today)
    if on is not None and on < pending.asked_on:
        _add(
            errors,
            "on",
            f"The answer cannot arrive before the question was asked ({_fmt(pending.asked_on)}).",
        )
    if not errors:
        pending.answered_on = on
        pending.save(update_fields=["answered_on"])


def _extend(
    case: AccessRequest,
    errors: Errors,
    today: date,
    details: str,
    told_on: date | None,
    extended_until: date | None,
    **_: Any,
) -> None:
    if not details.strip():
        _add(errors, "details", "Give the reason for the extension.")
    if case.kind == AccessRequestKind.SAR or told_on is not None:
        _check_date(errors, "told_on", told_on, "the requester was told", case=case, today=today)
    if case.kind == AccessRequestKind.FOI:
        twentieth_day = case.deadline(today=today).projected
        if extended_until is None:
            _add(errors, "extended_until", "Enter the date the full response is now due.")
        elif extended_until <= twentieth_day:
            _add(
                errors,
                "extended_until",
                f"The extended date must be after the 20th working day ({_fmt(twentieth_day)}).",
            )
    elif extended_until is not None:
        _add(errors, "extended_until", "Only a FOI public interest extension sets its own date.")
    case.extended = True
    case.extension_reason, case.extension_told_on, case.extended_until = (
        details.strip(),
        told_on,
        extended_until,
    )


def _respond(
    case: AccessRequest, errors: Errors, today: date, on: date | None, outcome: str, details: str, **_: Any
) -> None:
    _check_date(errors, "on", on, "the response was sent", case=case, today=today)
    if outcome not in RESPONSE_OUTCOMES:
        _add(errors, "outcome", "Choose what the response gave the requester.")
    elif outcome == AccessRequestOutcome.PROVIDED_IN_PART and not details.strip():
        _add(errors, "details", "Say what was withheld and why (the exemption relied on).")
    case.responded_on, case.outcome, case.outcome_notes = on, outcome, details.strip()


def _close(
    case: AccessRequest, errors: Errors, today: date, on: date | None, outcome: str, details: str, **_: Any
) -> None:
    if outcome not in CLOSING_OUTCOMES:
        _add(errors, "outcome", "Choose whether the request was withdrawn or refused.")
    what = "the refusal was sent" if outcome == AccessRequestOutcome.REFUSED else "it was withdrawn"
    _check_date(errors, "on", on, what, case=case, today=today)
    pending = case.clarifications.filter(answered_on__isnull=True).first()
    if on is not None and pending is not None and on < pending.asked_on:
        _add(errors, "on", f"The date cannot be before the open clarification ({_fmt(pending.asked_on)}).")
    if outcome == AccessRequestOutcome.REFUSED and not details.strip():
        _add(errors, "details", "Give the reason for the refusal (the exemption or ground relied on).")
    case.outcome, case.outcome_notes = outcome, details.strip()
    if outcome == AccessRequestOutcome.REFUSED:
        case.responded_on = on
    else:
        case.withdrawn_on = on


_APPLY: dict[str, Callable[..., None]] = {
    "request_identity": _request_identity,
    "verify_identity": _verify_identity,
    "start": _start,
    "ask_clarification": _ask_clarification,
    "record_clarification": _record_clarification,
    "extend": _extend,
    "respond": _respond,
    "close": _close,
}
assert set(_APPLY) == set(ACCESS_TRANSITIONS), "every transition needs exactly one apply function"


@transaction.atomic
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
) -> AccessRequest:
    """Move a case along one row of ``ACCESS_TRANSITIONS`` and record what came with the move.

    ``on``: the day the event happened (asked, verified, answered, sent, withdrawn). ``details``: what
    was asked, the extension reason, or the outcome details. Raises ValidationError keyed by those
    names when the input is wrong, or without a field when the case has moved on since the page loaded.
    """
    _require_change(actor)
    transition = ACCESS_TRANSITIONS.get(name)
    if transition is None:
        raise ValueError(f"Unknown access request transition {name!r}.")
    today = today or timezone.localdate()
    locked = AccessRequest.objects.select_for_update().get(pk=case.pk)
    kind = AccessRequestKind(locked.kind)
    if locked.kind not in transition.kinds:
        raise ValidationError(f"“{transition.label}” does not apply to a {kind.label}.")
    if locked.status not in transition.sources:
        status = AccessRequestStatus(locked.status)
        raise ValidationError(
            f"This case is now “{status.label}”, so “{transition.label}” is no longer possible. "
            "Reload the case to see what changed."
        )
    errors: Errors = {}
    _APPLY[name](
        locked,
        errors,
        today,
        on=on,
        method=method,
        details=details,
        told_on=told_on,
        extended_until=extended_until,
        outcome=outcome,
    )
    if errors:
        raise ValidationError(errors)
    if transition.target is not None:
        locked.status = transition.target
    else:
        locked.status = AccessRequestStatus.EXTENDED if locked.extended else AccessRequestStatus.IN_PROGRESS
    _refresh_due_on(locked, today=today, field="on")
    locked.full_clean()
    locked.save()
    return locked
