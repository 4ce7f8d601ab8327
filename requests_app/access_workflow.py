"""The access request workflow (SAR and the other data subject rights, FOI, EIR, deceased person's
records) as a table, with the checks each move makes of the dates and outcome the handler enters.

``requests_app.services.workflow.transition`` applies it like every other table: a history row and an
audit event for each move. Every move recomputes the stored ``due_on`` (``_settle``), so the lists, the
reminders and the case page agree. Dates of events can never be in the future nor (identity evidence
already held apart) before the request arrived, and a bad value is reported against the form field that
holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from igportal.dates import long_date
from igportal.roles import is_ig_team
from requests_app.foi_exemptions import exemptions_for
from requests_app.models import (
    AccessRequest,
    AccessRequestClarification,
    AccessRequestHistory,
    AccessRequestKind,
    AccessRequestOutcome,
    AccessRequestStatus,
)
from requests_app.models.access import (
    ART19_KINDS,
    IDENTITY_KINDS,
    ONE_MONTH_KINDS,
    OPEN_STATUSES,
    PERSON_CLOSING_OUTCOMES,
    RIGHTS_KINDS,
    RIGHTS_OUTCOMES,
    AccessRequestExemption,
    outcomes_for,
)
from requests_app.models.organisations import OrganisationSettings
from requests_app.transitions import Move, Transition, Workflow, table

_S = AccessRequestStatus
_K = AccessRequestKind


def check_event_date(
    errors: dict[str, list[str]],
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
        errors.setdefault(field, []).append(f"Enter the date {what}.")
    elif value > today:
        errors.setdefault(field, []).append(f"The date {what} cannot be in the future.")
    elif value < case.received_on and not may_precede_receipt:
        received = long_date(case.received_on)
        errors.setdefault(field, []).append(
            f"The date {what} cannot be before the request was received ({received})."
        )


def _date(move: Move[AccessRequest], field: str, what: str, *, may_precede_receipt: bool = False) -> None:
    check_event_date(
        move.errors,
        field,
        move.inputs.get(field),
        what,
        case=move.entry,
        today=move.today,
        may_precede_receipt=may_precede_receipt,
    )


# --- who, and which kinds ---------------------------------------------------------------------------------


def _handler(user: User, case: AccessRequest) -> bool:
    return is_ig_team(user)


def _only_for(kinds: frozenset[str], label: str) -> Any:
    def guard(case: AccessRequest, today: date) -> list[str]:
        if case.kind in kinds:
            return []
        return [f"“{label}” does not apply to a {AccessRequestKind(case.kind).label}."]

    return guard


# --- what each move records -------------------------------------------------------------------------------


def _request_identity(move: Move[AccessRequest]) -> None:
    _date(move, "on", "proof of identity was asked for")
    move.set(identity_requested_on=move.inputs.get("on"))


def _verify_identity(move: Move[AccessRequest]) -> None:
    # Evidence may pre-date the request (identity already held); the deadline then starts at receipt.
    _date(move, "on", "identity was verified", may_precede_receipt=True)
    if not move.inputs.get("method"):
        move.add_error("method", "Say how identity was verified.")
    move.set(identity_verified_on=move.inputs.get("on"), identity_method=move.inputs.get("method", ""))


def _still_as_seen(move: Move[AccessRequest]) -> bool:
    """Lock the case before a move writes its clarifications; False when someone moved it first.

    The conditional update then reports who did (TransitionConflict); without the lock the second of two
    people asking at once would break the one-open-clarification constraint instead.
    """
    status = AccessRequest.objects.select_for_update().values_list("status", flat=True).get(pk=move.entry.pk)
    return status == move.from_status


def _ask_clarification(move: Move[AccessRequest]) -> None:
    if not _still_as_seen(move):
        return
    on = move.inputs.get("on")
    _date(move, "on", "clarification was asked for")
    latest = move.entry.clarifications.order_by("-asked_on").first()
    if on is not None and latest is not None and on < latest.asked_on:
        move.add_error(
            "on", f"A new clarification cannot be dated before the last one ({long_date(latest.asked_on)})."
        )
    if not move.errors and on is not None:
        AccessRequestClarification.objects.create(
            access_request=move.entry, asked_on=on, question=move.comment
        )


def _record_clarification(move: Move[AccessRequest]) -> None:
    if not _still_as_seen(move):
        return
    on = move.inputs.get("on")
    pending = move.entry.clarifications.get(answered_on__isnull=True)
    _date(move, "on", "the clarification arrived")
    if on is not None and on < pending.asked_on:
        move.add_error(
            "on", f"The answer cannot arrive before the question was asked ({long_date(pending.asked_on)})."
        )
    if not move.errors:
        pending.answered_on = on
        pending.save(update_fields=["answered_on"])


def _extend(move: Move[AccessRequest]) -> None:
    case = move.entry
    told_on, extended_until = move.inputs.get("told_on"), move.inputs.get("extended_until")
    if case.kind == AccessRequestKind.REVIEW:
        original = case.original
        if foi_regime() == "foisa" or (original is not None and original.kind == AccessRequestKind.EIR):
            move.add_error(
                "details",
                "This review cannot be extended: FOISA s21(1) and EIR reg 11(4) set fixed limits.",
            )
    if case.kind in ONE_MONTH_KINDS or told_on is not None:
        _date(move, "told_on", "the requester was told")
    if case.kind == AccessRequestKind.FOI:
        twentieth_day = case.deadline(today=move.today, **clock()).projected
        if extended_until is None:
            move.add_error("extended_until", "Enter the date the full response is now due.")
        elif extended_until <= twentieth_day:
            move.add_error(
                "extended_until",
                f"The extended date must be after the 20th working day ({long_date(twentieth_day)}).",
            )
    elif extended_until is not None:
        move.add_error("extended_until", "Only a FOI public interest extension sets its own date.")
    move.set(
        extended=True, extension_reason=move.comment, extension_told_on=told_on, extended_until=extended_until
    )


def _acknowledge(move: Move[AccessRequest]) -> None:
    _date(move, "on", "the complaint was acknowledged")
    move.set(acknowledged_on=move.inputs.get("on"))


def _respond(move: Move[AccessRequest]) -> None:
    kind = move.entry.kind
    outcome = move.inputs.get("outcome", "")
    recipients_told = (move.inputs.get("recipients_told") or "").strip()
    _date(move, "on", "the response was sent")
    if outcome not in outcomes_for(kind):
        move.add_error(
            "outcome",
            "Choose what was decided."
            if kind in RIGHTS_KINDS
            else "Choose what the response gave the requester.",
        )
    elif outcome == AccessRequestOutcome.PROVIDED_IN_PART and not move.comment:
        move.add_error("details", "Say what was withheld and why (the exemption relied on).")
    elif outcome == AccessRequestOutcome.COMPLIED_IN_PART and not move.comment:
        # Art 12(4): the reasons for not acting, and the right to complain to the ICO.
        move.add_error("details", "Say what was not done and why (UK GDPR Art 12(4)).")
    if kind in ART19_KINDS and outcome in RIGHTS_OUTCOMES and not recipients_told:
        move.add_error(
            "recipients_told",
            "Say which recipients of the data were told of the change, or why none could be"
            " (UK GDPR Art 19).",
        )
    _record_exemptions(move, needed=outcome == AccessRequestOutcome.PROVIDED_IN_PART)
    move.set(
        responded_on=move.inputs.get("on"),
        outcome=outcome,
        outcome_notes=move.comment,
        recipients_told=recipients_told,
    )


FOI_KINDS: frozenset[str] = frozenset({_K.FOI, _K.EIR})


def _record_exemptions(move: Move[AccessRequest], *, needed: bool) -> None:
    """The exemptions or exceptions a FOI or EIR answer relied on, each qualified one with its own public
    interest test (FOIA s2(2)(b), FOISA s2(1)(b), EIR reg 12(1)(b), EISR reg 10(1)(b)), given as
    ``public_interest={code: test}``; absolute ones carry none. ``needed`` when something was withheld."""
    case = move.entry
    codes: list[str] = list(move.inputs.get("exemptions") or [])
    if case.kind not in FOI_KINDS:
        if codes:
            move.add_error("exemptions", "Exemptions are recorded only on FOI and EIR answers.")
        return
    allowed = {exemption.code: exemption for exemption in exemptions_for(case.kind, regime=foi_regime())}
    if any(code not in allowed for code in codes):
        move.add_error("exemptions", "Choose exemptions from the list for this type of request.")
        return
    if needed and not codes:
        move.add_error("exemptions", "Choose the exemption or exception relied on for what was withheld.")
    raw = move.inputs.get("public_interest") or {}
    if not isinstance(raw, Mapping):
        move.add_error("exemptions", "Give each qualified exemption's public interest test by its code.")
        return
    tests = {str(code): str(text or "").strip() for code, text in raw.items()}
    for code, text in tests.items():
        exemption = allowed.get(code)
        if text and (code not in codes or exemption is None or not exemption.qualified):
            label = exemption.citation if exemption is not None else code
            move.add_error(
                f"public_interest_{code}",
                f"{label} is not a qualified exemption relied on here, so it has no public interest test: "
                "tick it, or clear the test.",
            )
    for code in codes:
        if allowed[code].qualified and not tests.get(code):
            move.add_error(
                f"public_interest_{code}",
                f"Record the public interest test for {allowed[code].citation}: why the public interest in "
                "withholding outweighs the public interest in disclosure.",
            )
    if not move.errors:
        AccessRequestExemption.objects.bulk_create(
            AccessRequestExemption(
                access_request=case,
                code=code,
                public_interest=tests.get(code, "") if allowed[code].qualified else "",
            )
            for code in codes
        )


def _close(move: Move[AccessRequest]) -> None:
    on, outcome = move.inputs.get("on"), move.inputs.get("outcome", "")
    if outcome not in PERSON_CLOSING_OUTCOMES:
        move.add_error("outcome", "Choose whether the request was withdrawn or refused.")
    refused = outcome == AccessRequestOutcome.REFUSED
    _record_exemptions(move, needed=refused)
    _date(move, "on", "the refusal was sent" if refused else "it was withdrawn")
    pending = move.entry.clarifications.filter(answered_on__isnull=True).first()
    if on is not None and pending is not None and on < pending.asked_on:
        move.add_error(
            "on", f"The date cannot be before the open clarification ({long_date(pending.asked_on)})."
        )
    if refused and not move.comment:
        move.add_error("details", "Give the reason for the refusal (the exemption or ground relied on).")
    move.set(outcome=outcome, outcome_notes=move.comment)
    move.set(**({"responded_on": on} if refused else {"withdrawn_on": on}))


def _lapse(move: Move[AccessRequest]) -> None:
    """Closed by the portal when a wait on the requester passed ``ACCESS_PAUSE_LIMIT_DAYS``."""
    move.set(outcome=AccessRequestOutcome.LAPSED, outcome_notes=move.comment, withdrawn_on=move.today)


def _tell_requester_it_lapsed(move: Move[AccessRequest]) -> None:
    if move.entry.requester_email:
        from requests_app.services.outbox import outbox_enqueue
        from requests_app.tasks import notify_access_request_lapsed

        outbox_enqueue(notify_access_request_lapsed, move.entry.pk)


def _nobody(user: User, case: AccessRequest) -> bool:
    return False


def _back_to_work(move: Move[AccessRequest]) -> str:
    """An answered clarification resumes the case: extended again if it had been extended."""
    return _S.EXTENDED if move.entry.extended else _S.IN_PROGRESS


def nation() -> str:
    """The organisation's nation, which decides the bank holidays a deadline skips."""
    return OrganisationSettings.load().nation


def foi_regime() -> str:
    """The organisation's freedom of information law: ``foia`` or ``foisa``."""
    return OrganisationSettings.load().foi_regime


def clock() -> dict[str, str]:
    """What ``AccessRequest.deadline`` needs of the organisation: its nation and its FOI law."""
    portal = OrganisationSettings.load()
    return {"nation": portal.nation, "regime": portal.foi_regime}


def refresh_due_on(case: AccessRequest, *, today: date, field: str) -> None:
    """The stored due date, from the case as it now stands; None while the clock is not running."""
    try:
        case.due_on = case.deadline(today=today, **clock()).due
    except ValueError as exc:
        # The deadline engine rejects contradictory dates (a clarification before receipt, say);
        # its message names them, so it goes on the field the person just changed.
        raise ValidationError({field: str(exc)}) from exc


def _settle(move: Move[AccessRequest]) -> None:
    """Every move recomputes ``due_on`` and checks the case as it will be, on a locked fresh copy."""
    fresh = AccessRequest.objects.select_for_update().get(pk=move.entry.pk)
    for name, value in move.changes.items():
        setattr(fresh, name, value)
    fresh.status = move.to_status
    refresh_due_on(fresh, today=move.today, field="on")
    fresh.full_clean()
    move.set(due_on=fresh.due_on)


_WHO = "an IG officer or the DPO"


def _move(name: str, label: str, sources: frozenset[str], **rest: Any) -> Transition[AccessRequest]:
    kinds: frozenset[str] | None = rest.pop("kinds", None)
    if kinds is not None:
        rest |= {"guard": _only_for(kinds, label), "offered_only_when_ready": True}
    return Transition(name=name, label=label, sources=sources, may_fire=_handler, who=_WHO, **rest)


ACCESS_WORKFLOW: Workflow[AccessRequest] = Workflow(
    model=AccessRequest,
    history_model=AccessRequestHistory,
    history_field="access_request",
    audit_verb="access_request",
    reason_field="details",
    inputs=frozenset(
        {
            "on",
            "method",
            "told_on",
            "extended_until",
            "outcome",
            "recipients_told",
            "exemptions",
            "public_interest",
        }
    ),
    settle=_settle,
    transitions=table(
        _move(
            "request_identity",
            "Ask for proof of identity",
            frozenset({_S.RECEIVED}),
            target=_S.AWAITING_IDENTITY,
            kinds=IDENTITY_KINDS,
            prepare=_request_identity,
            done="sent a request for proof of identity",
        ),
        _move(
            "verify_identity",
            "Record identity verified",
            frozenset({_S.RECEIVED, _S.AWAITING_IDENTITY}),
            target=_S.IN_PROGRESS,
            kinds=IDENTITY_KINDS,
            prepare=_verify_identity,
            done="marked identity verified",
        ),
        _move("start", "Start work on it", frozenset({_S.RECEIVED}), target=_S.IN_PROGRESS, done="started"),
        _move(
            "acknowledge",
            "Record the acknowledgement",
            frozenset({_S.RECEIVED}),
            target=_S.IN_PROGRESS,
            kinds=frozenset({_K.COMPLAINT}),
            prepare=_acknowledge,
            done="acknowledged",
        ),
        _move(
            "ask_clarification",
            "Ask for clarification",
            frozenset({_S.RECEIVED, _S.IN_PROGRESS, _S.EXTENDED}),
            target=_S.AWAITING_CLARIFICATION,
            reason_required=True,
            reason_prompt="Say what you asked the requester to clarify.",
            prepare=_ask_clarification,
            done="paused for clarification",
        ),
        _move(
            "record_clarification",
            "Record the clarification received",
            frozenset({_S.AWAITING_CLARIFICATION}),
            resolve_target=_back_to_work,
            prepare=_record_clarification,
            done="resumed with the clarification",
        ),
        _move(
            "extend",
            "Extend the deadline",
            frozenset({_S.RECEIVED, _S.IN_PROGRESS}),
            target=_S.EXTENDED,
            # AHRA 1990 has no extension; a FOIA internal review may go from 20 to 40 working days.
            kinds=frozenset({_K.FOI, _K.EIR, _K.REVIEW}) | ONE_MONTH_KINDS,
            reason_required=True,
            reason_prompt="Give the reason for the extension.",
            prepare=_extend,
            done="extended",
        ),
        _move(
            "respond",
            "Record the response",
            frozenset({_S.RECEIVED, _S.IN_PROGRESS, _S.EXTENDED}),
            target=_S.RESPONDED,
            prepare=_respond,
            done="answered",
        ),
        Transition(
            name="lapse",
            label="Close: no reply while paused",
            sources=frozenset(OPEN_STATUSES),
            target=_S.CLOSED,
            may_fire=_nobody,
            who="the portal, when a pause passes its limit,",
            system=True,
            prepare=_lapse,
            consequences=_tell_requester_it_lapsed,
            done="closed after no reply",
            warning=True,
        ),
        _move(
            "close",
            "Close: withdrawn or refused",
            frozenset(OPEN_STATUSES),
            target=_S.CLOSED,
            prepare=_close,
            done="closed",
            warning=True,
        ),
    ),
)


# The moves a person makes (each with its form); the portal's own (``system``) moves are not offered.
PERSON_MOVES: tuple[str, ...] = tuple(name for name, t in ACCESS_WORKFLOW.transitions.items() if not t.system)
