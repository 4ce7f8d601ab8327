from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from igportal.roles import Role
from requests_app.models import AccessRequest, AccessRequestHistory, AccessRequestStatus, AuditEvent
from requests_app.services.access import (
    access_request_create,
    access_request_transition,
    access_request_update,
)
from tests.conftest import MakeUser
from tests.factories import AccessRequestClarificationFactory, AccessRequestFactory

pytestmark = pytest.mark.django_db

S = AccessRequestStatus
TODAY = date(2025, 10, 1)
DETAILS: dict[str, Any] = {
    "received_on": date(2025, 9, 3),
    "channel": "email",
    "requester_name": "Sam Jones",
    "requester_email": "sam@example.org",
    "description": "Copies of my records from the memory clinic",
}


def _create(actor: User, kind: str = "sar", **changes: Any) -> AccessRequest:
    return access_request_create(actor=actor, kind=kind, today=TODAY, **{**DETAILS, **changes})


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- references ------------------------------------------------------------------------------------------


def test_references_count_per_type_and_year_of_receipt(ig_officer: User) -> None:
    made = [
        _create(ig_officer, "sar"),
        _create(ig_officer, "sar"),
        _create(ig_officer, "foi"),
        _create(ig_officer, "deceased", subject_name="A Patient"),
        _create(ig_officer, "sar", received_on=date(2024, 12, 30)),
    ]
    assert [case.reference for case in made] == [
        "SAR-2025-00001",
        "SAR-2025-00002",
        "FOI-2025-00001",
        "DEC-2025-00001",
        "SAR-2024-00001",
    ]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_logging_at_the_same_moment_never_hands_out_a_reference_twice(ig_officer: User) -> None:
    workers = 6
    barrier = threading.Barrier(workers)
    references: list[str] = []
    failures: list[BaseException] = []

    def log() -> None:
        try:
            barrier.wait(timeout=10)
            references.append(_create(ig_officer).reference)
        except BaseException as exc:  # reported by the assertion below, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=log) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sorted(references) == [f"SAR-2025-{n:05d}" for n in range(1, workers + 1)]


# --- details ---------------------------------------------------------------------------------------------


def test_a_new_case_is_received_with_its_due_date_stored(ig_officer: User) -> None:
    case = _create(ig_officer)
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.due_on == date(2025, 10, 3)
    assert case.created_by == ig_officer


@pytest.mark.parametrize(
    ("changes", "kind", "field", "message"),
    [
        ({"received_on": date(2025, 10, 2)}, "sar", "received_on", "cannot be in the future"),
        ({"requester_email": ""}, "sar", "requester_email", "at least one way to reach the requester"),
        ({}, "deceased", "subject_name", "name of the person who died"),
        ({"recent_records_only": True}, "sar", "recent_records_only", "only applies to deceased"),
        ({"channel": "pigeon"}, "sar", "channel", "not a valid choice"),
    ],
    ids=["future receipt", "no contact", "deceased without a name", "21 days on a SAR", "bad channel"],
)
def test_bad_details_are_reported_on_their_field(
    ig_officer: User, changes: dict[str, Any], kind: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(ig_officer, kind, **changes)
    assert message in " ".join(_errors(exc)[field])
    assert not AccessRequest.objects.exists()


def test_a_handler_must_be_an_ig_officer_or_the_dpo(ig_officer: User, requester: User, dpo: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(ig_officer, handler=requester)
    assert "is not an IG officer or the DPO" in _errors(exc)["handler"][0]
    assert _create(ig_officer, handler=dpo).handler == dpo


@pytest.mark.parametrize(
    ("kind", "fees", "field", "message"),
    [
        (
            "complaint",
            {"fee_amount": 10, "fee_requested_on": date(2025, 9, 5)},
            "fee_amount",
            "only for a SAR",
        ),
        ("sar", {"fee_paid_on": date(2025, 9, 5)}, "fee_requested_on", "Enter the date the fee was asked"),
        (
            "sar",
            {"fee_amount": 10, "fee_requested_on": date(2025, 9, 8), "fee_paid_on": date(2025, 9, 5)},
            "fee_paid_on",
            "cannot be paid before it was asked for",
        ),
    ],
    ids=["fee on a complaint", "paid but never asked", "paid before asked"],
)
def test_fees_are_checked(
    ig_officer: User, kind: str, fees: dict[str, Any], field: str, message: str
) -> None:
    case = AccessRequestFactory.create(kind=kind)
    with pytest.raises(ValidationError) as exc:
        access_request_update(case=case, actor=ig_officer, today=TODAY, **fees)
    assert message in _errors(exc)[field][0]


def test_a_foi_fees_notice_stops_the_stored_date_until_paid_then_moves_it(ig_officer: User) -> None:
    case = _create(ig_officer, "foi")
    # Received Wed 3 Sep 2025: the 20th working day is Wed 1 Oct.
    assert case.due_on == date(2025, 10, 1)
    access_request_update(
        case=case, actor=ig_officer, today=TODAY, fee_amount=15, fee_requested_on=date(2025, 9, 5)
    )
    case.refresh_from_db()
    assert case.due_on is None  # the clock is stopped: never overdue while the fee is awaited
    access_request_update(case=case, actor=ig_officer, today=TODAY, fee_paid_on=date(2025, 9, 10))
    case.refresh_from_db()
    # Fri 5, Mon 8, Tue 9 and Wed 10 September disregarded (FOIA s10(2)): Tue 7 October.
    assert case.due_on == date(2025, 10, 7)


def test_a_paid_sar_fee_moves_the_stored_date(ig_officer: User) -> None:
    case = _create(ig_officer)
    fee: dict[str, Any] = {"fee_amount": 10, "fee_requested_on": date(2025, 9, 5)}
    assert access_request_update(case=case, actor=ig_officer, today=TODAY, **fee).due_on is None
    paid = access_request_update(case=case, actor=ig_officer, today=TODAY, fee_paid_on=date(2025, 9, 15))
    assert paid.due_on == date(2025, 10, 15)


def test_changing_the_date_received_recomputes_the_due_date(ig_officer: User) -> None:
    case = _create(ig_officer)
    updated = access_request_update(case=case, actor=ig_officer, today=TODAY, received_on=date(2025, 9, 10))
    assert updated.due_on == date(2025, 10, 10)


def test_a_date_received_after_the_response_is_refused_on_that_field(ig_officer: User) -> None:
    case = _create(ig_officer)
    access_request_transition(
        case, "respond", actor=ig_officer, today=TODAY, on=date(2025, 9, 20), outcome="not_held"
    )
    with pytest.raises(ValidationError) as exc:
        access_request_update(case=case, actor=ig_officer, today=TODAY, received_on=date(2025, 9, 22))
    assert _errors(exc)["received_on"] == [
        "The date received cannot be after the date the response was sent (Sat 20 Sep 2025)."
    ]


def test_a_date_received_after_a_clarification_is_refused_on_that_field(ig_officer: User) -> None:
    case = _create(ig_officer)
    access_request_transition(
        case, "ask_clarification", actor=ig_officer, today=TODAY, on=date(2025, 9, 5), details="Which years?"
    )
    with pytest.raises(ValidationError) as exc:
        access_request_update(case=case, actor=ig_officer, today=TODAY, received_on=date(2025, 9, 8))
    assert "before the request was received" in _errors(exc)["received_on"][0]


# --- the clock through the transitions ------------------------------------------------------------------


def test_a_sar_clarification_stops_the_stored_clock_and_moves_it_by_the_days_paused(ig_officer: User) -> None:
    case = _create(ig_officer)
    access_request_transition(case, "start", actor=ig_officer, today=TODAY)
    asked = access_request_transition(
        case, "ask_clarification", actor=ig_officer, today=TODAY, on=date(2025, 9, 5), details="Which ward?"
    )
    assert (asked.status, asked.due_on) == (S.AWAITING_CLARIFICATION, None)
    answered = access_request_transition(
        case, "record_clarification", actor=ig_officer, today=TODAY, on=date(2025, 9, 10)
    )
    # Fri 3 Oct + 6 days paused (5 to 10 Sep inclusive) = Thu 9 Oct 2025.
    assert (answered.status, answered.due_on) == (S.IN_PROGRESS, date(2025, 10, 9))
    extended = access_request_transition(
        case, "extend", actor=ig_officer, today=TODAY, details="Records across four sites", told_on=TODAY
    )
    # Wed 3 Dec + the same 6 days = Tue 9 Dec 2025.
    assert (extended.status, extended.due_on) == (S.EXTENDED, date(2025, 12, 9))


def test_an_answered_clarification_returns_an_extended_case_to_extended(ig_officer: User) -> None:
    case = _create(ig_officer)
    access_request_transition(case, "extend", actor=ig_officer, today=TODAY, details="Complex", told_on=TODAY)
    access_request_transition(
        case, "ask_clarification", actor=ig_officer, today=TODAY, on=TODAY, details="Which ward?"
    )
    answered = access_request_transition(
        case, "record_clarification", actor=ig_officer, today=TODAY, on=TODAY
    )
    assert answered.status == S.EXTENDED


def test_a_foi_clarification_restarts_the_stored_count(ig_officer: User) -> None:
    case = _create(ig_officer, "foi")
    assert case.due_on == date(2025, 10, 1)
    access_request_transition(
        case, "ask_clarification", actor=ig_officer, today=TODAY, on=date(2025, 9, 4), details="Which year?"
    )
    answered = access_request_transition(
        case, "record_clarification", actor=ig_officer, today=TODAY, on=date(2025, 9, 15)
    )
    assert answered.due_on == date(2025, 10, 13)


def test_a_foi_public_interest_extension_stores_the_date_set(ig_officer: User) -> None:
    case = _create(ig_officer, "foi")
    extended = access_request_transition(
        case,
        "extend",
        actor=ig_officer,
        today=TODAY,
        details="Public interest test",
        extended_until=date(2025, 10, 29),
    )
    assert extended.due_on == date(2025, 10, 29)


def test_identity_verified_later_moves_the_stored_date(ig_officer: User) -> None:
    case = _create(ig_officer)
    waiting = access_request_transition(
        case, "request_identity", actor=ig_officer, today=TODAY, on=date(2025, 9, 4)
    )
    assert (waiting.status, waiting.due_on) == (S.AWAITING_IDENTITY, None)
    verified = access_request_transition(
        case, "verify_identity", actor=ig_officer, today=TODAY, on=date(2025, 9, 10), method="photo_id"
    )
    assert (verified.status, verified.due_on) == (S.IN_PROGRESS, date(2025, 10, 10))


def test_identity_already_held_may_predate_the_request(ig_officer: User) -> None:
    case = _create(ig_officer)
    verified = access_request_transition(
        case, "verify_identity", actor=ig_officer, today=TODAY, on=date(2025, 8, 1), method="known"
    )
    assert verified.due_on == date(2025, 10, 3)


def test_responding_keeps_the_due_date_for_the_record(ig_officer: User) -> None:
    case = _create(ig_officer)
    responded = access_request_transition(
        case, "respond", actor=ig_officer, today=TODAY, on=TODAY, outcome="provided_in_full"
    )
    assert (responded.status, responded.responded_on, responded.due_on) == (
        S.RESPONDED,
        TODAY,
        date(2025, 10, 3),
    )


def test_a_refusal_is_a_response_and_a_withdrawal_is_not(ig_officer: User) -> None:
    refused = access_request_transition(
        _create(ig_officer),
        "close",
        actor=ig_officer,
        today=TODAY,
        on=TODAY,
        outcome="refused",
        details="s14",
    )
    assert (refused.status, refused.outcome, refused.responded_on) == (S.CLOSED, "refused", TODAY)
    withdrawn = access_request_transition(
        _create(ig_officer), "close", actor=ig_officer, today=TODAY, on=TODAY, outcome="withdrawn"
    )
    assert (withdrawn.withdrawn_on, withdrawn.responded_on) == (TODAY, None)


@pytest.mark.parametrize(
    ("kind", "name", "inputs", "field", "message"),
    [
        ("sar", "respond", {"on": date(2025, 10, 2), "outcome": "not_held"}, "on", "cannot be in the future"),
        (
            "sar",
            "respond",
            {"on": date(2025, 9, 2), "outcome": "not_held"},
            "on",
            "cannot be before the request was received (Wed 3 Sep 2025)",
        ),
        ("sar", "respond", {"on": TODAY}, "outcome", "Choose what the response gave"),
        ("sar", "respond", {"on": TODAY, "outcome": "provided_in_part"}, "details", "what was withheld"),
        ("sar", "respond", {"outcome": "not_held"}, "on", "Enter the date the response was sent"),
        ("sar", "close", {"on": TODAY, "outcome": "refused"}, "details", "reason for the refusal"),
        ("sar", "close", {"on": TODAY, "outcome": "provided_in_full"}, "outcome", "withdrawn or refused"),
        ("sar", "extend", {"details": "Complex"}, "told_on", "Enter the date the requester was told"),
        ("sar", "extend", {"told_on": TODAY}, "details", "reason for the extension"),
        (
            "foi",
            "extend",
            {"details": "PIT", "extended_until": date(2025, 10, 1)},
            "extended_until",
            "after the 20th working day (Wed 1 Oct 2025)",
        ),
        ("eir", "extend", {"details": "Voluminous", "extended_until": TODAY}, "extended_until", "Only a FOI"),
        ("sar", "verify_identity", {"on": TODAY}, "method", "Say how identity was verified"),
        ("sar", "ask_clarification", {"on": TODAY}, "details", "Say what you asked"),
    ],
)
def test_bad_transition_input_is_reported_on_its_field(
    ig_officer: User, kind: str, name: str, inputs: dict[str, Any], field: str, message: str
) -> None:
    case = AccessRequestFactory.create(
        kind=kind, status=S.IN_PROGRESS if name != "verify_identity" else S.RECEIVED
    )
    with pytest.raises(ValidationError) as exc:
        access_request_transition(case, name, actor=ig_officer, today=TODAY, **inputs)
    assert message in " ".join(_errors(exc)[field])
    case.refresh_from_db()
    assert case.status in (S.IN_PROGRESS, S.RECEIVED)


def test_a_clarification_cannot_be_answered_before_it_was_asked(ig_officer: User) -> None:
    case = AccessRequestFactory.create(status=S.AWAITING_CLARIFICATION)
    AccessRequestClarificationFactory.create(access_request=case, asked_on=date(2025, 9, 10))
    with pytest.raises(ValidationError) as exc:
        access_request_transition(
            case, "record_clarification", actor=ig_officer, today=TODAY, on=date(2025, 9, 9)
        )
    assert "before the question was asked (Wed 10 Sep 2025)" in _errors(exc)["on"][0]


@pytest.mark.parametrize(
    ("kind", "name"),
    [("foi", "request_identity"), ("eir", "verify_identity"), ("deceased", "extend")],
)
def test_transitions_that_do_not_fit_the_kind_are_refused(ig_officer: User, kind: str, name: str) -> None:
    case = AccessRequestFactory.create(kind=kind, subject_name="A Patient")
    with pytest.raises(ValidationError, match="does not apply"):
        access_request_transition(
            case, name, actor=ig_officer, today=TODAY, on=TODAY, method="known", details="x"
        )


# --- the state x transition matrix ------------------------------------------------------------------------

ALLOWED: dict[str, set[str]] = {
    S.RECEIVED: {
        "request_identity",
        "verify_identity",
        "start",
        "ask_clarification",
        "extend",
        "respond",
        "close",
    },
    S.AWAITING_IDENTITY: {"verify_identity", "close"},
    S.AWAITING_CLARIFICATION: {"record_clarification", "close"},
    S.IN_PROGRESS: {"ask_clarification", "extend", "respond", "close"},
    S.EXTENDED: {"ask_clarification", "respond", "close"},
    S.RESPONDED: set(),
    S.CLOSED: set(),
}
TARGETS = {
    "request_identity": S.AWAITING_IDENTITY,
    "verify_identity": S.IN_PROGRESS,
    "start": S.IN_PROGRESS,
    "ask_clarification": S.AWAITING_CLARIFICATION,
    "record_clarification": S.IN_PROGRESS,
    "extend": S.EXTENDED,
    "respond": S.RESPONDED,
    "close": S.CLOSED,
}
INPUTS: dict[str, dict[str, Any]] = {
    "request_identity": {"on": date(2025, 9, 4)},
    "verify_identity": {"on": date(2025, 9, 12), "method": "photo_id"},
    "start": {},
    "ask_clarification": {"on": date(2025, 9, 22), "details": "Which ward?"},
    "record_clarification": {"on": date(2025, 9, 15)},
    "extend": {"details": "Complex", "told_on": date(2025, 9, 25)},
    "respond": {"on": date(2025, 9, 30), "outcome": "provided_in_full"},
    "close": {"on": date(2025, 9, 30), "outcome": "withdrawn"},
}


def _sar_in(status: str) -> AccessRequest:
    fields: dict[str, Any] = {"status": status}
    if status == S.AWAITING_IDENTITY:
        fields["identity_requested_on"] = date(2025, 9, 4)
    if status == S.EXTENDED:
        fields |= {"extended": True, "extension_reason": "Complex", "extension_told_on": date(2025, 9, 10)}
    if status == S.RESPONDED:
        fields |= {"responded_on": date(2025, 9, 20), "outcome": "provided_in_full"}
    if status == S.CLOSED:
        fields |= {"withdrawn_on": date(2025, 9, 20), "outcome": "withdrawn"}
    case = AccessRequestFactory.create(**fields)
    if status == S.AWAITING_CLARIFICATION:
        AccessRequestClarificationFactory.create(access_request=case, asked_on=date(2025, 9, 10))
    return case


# Who handles cases, written out from DOMAIN.md: the IG team (IG officers and the DPO), nobody else.
PEOPLE = ("ig_officer", "dpo", "caldicott", "siro", "auditor", "requester")
HANDLERS = {"ig_officer", "dpo"}
ROLES = {
    "ig_officer": Role.IG_OFFICER,
    "dpo": Role.DPO,
    "caldicott": Role.CALDICOTT_GUARDIAN,
    "siro": Role.SIRO,
    "auditor": Role.AUDITOR,
    "requester": Role.REQUESTER,
}


@pytest.mark.parametrize("name", list(TARGETS))
@pytest.mark.parametrize("status", list(ALLOWED))
def test_state_transition_role_matrix(make_user: MakeUser, status: str, name: str) -> None:
    """Every state x move x role: only the allowed ones succeed, each with one history row and one
    audit event; a refusal changes nothing and is itself audited."""
    people = {person: make_user(role) for person, role in ROLES.items()}
    for person in PEOPLE:
        with transaction.atomic():
            case = _sar_in(status)
            history = AccessRequestHistory.objects.filter(access_request=case).count()
            moves = AuditEvent.objects.filter(action="access_request.transition").count()
            refusals = AuditEvent.objects.filter(
                action__in=["access.denied", "access_request.transition_refused"], target_id=str(case.pk)
            ).count()
            allowed = name in ALLOWED[status] and person in HANDLERS
            if allowed:
                moved = access_request_transition(
                    case, name, actor=people[person], today=TODAY, **INPUTS[name]
                )
                assert moved.status == TARGETS[name]
                moved.refresh_from_db()
                assert moved.status == TARGETS[name], (status, name, person)
            else:
                expected: type[Exception] = PermissionDenied if person not in HANDLERS else ValidationError
                with pytest.raises(expected) as refused:
                    access_request_transition(case, name, actor=people[person], today=TODAY, **INPUTS[name])
                if expected is ValidationError:
                    assert "you cannot" in str(refused.value), (status, name, person)
                case.refresh_from_db()
                assert case.status == status, (status, name, person)
            written = AccessRequestHistory.objects.filter(access_request=case).count() - history
            assert written == (1 if allowed else 0), (status, name, person)
            audited = AuditEvent.objects.filter(action="access_request.transition").count() - moves
            assert audited == (1 if allowed else 0), (status, name, person)
            refused_events = (
                AuditEvent.objects.filter(
                    action__in=["access.denied", "access_request.transition_refused"], target_id=str(case.pk)
                ).count()
                - refusals
            )
            assert refused_events == (0 if allowed else 1), (status, name, person)
            transaction.set_rollback(True)


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.DPO])
def test_ig_officers_and_the_dpo_change_cases(make_user: MakeUser, role: Role) -> None:
    actor = make_user(role)
    case = _create(actor)
    access_request_update(case=case, actor=actor, today=TODAY, requester_phone="01234 567890")
    assert access_request_transition(case, "start", actor=actor, today=TODAY).status == S.IN_PROGRESS


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.SIRO])
def test_everyone_else_changes_nothing(make_user: MakeUser, role: Role) -> None:
    actor = make_user(role)
    case = AccessRequestFactory.create(requester_phone="")
    with pytest.raises(PermissionDenied):
        _create(actor)
    with pytest.raises(PermissionDenied):
        access_request_update(case=case, actor=actor, today=TODAY, requester_phone="01234 567890")
    with pytest.raises(PermissionDenied):
        access_request_transition(case, "start", actor=actor, today=TODAY)
    case.refresh_from_db()
    assert (case.status, case.requester_phone) == (S.RECEIVED, "")
    assert AccessRequest.objects.count() == 1
