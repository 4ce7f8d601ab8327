"""Data subject rights beside SARs: rectification, erasure, restriction, portability and objection.

Each runs on the SAR clock (UK GDPR Art 12(3), one month, extendable by two) with its Art 12A pauses; is
decided with reasons; tells the recipients of a rectification, erasure or restriction (Art 19); and an
erasure or restriction that reaches IG Portal's own records goes to the DPO through disposal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from requests_app.access_workflow import nation
from requests_app.models import (
    AccessRequest,
    AccessRequestOutcome,
    AccessRequestStatus,
    DestructionRecord,
    DisposalReview,
    DisposalStatus,
    Incident,
    IncidentStatus,
)
from requests_app.services.access import access_request_create, access_request_transition
from requests_app.services.retention import rights_case_refer_portal_record
from requests_app.services.workflow import transition
from tests.conftest import ClientFor
from tests.factories import AccessRequestFactory, make_incident

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 20)
DETAILS: dict[str, Any] = {
    "received_on": date(2026, 3, 2),
    "channel": "email",
    "requester_name": "Sam Rivers",
    "requester_email": "sam@example.org",
    "description": "Erase my details from the appointments mailing list.",
}


def _create(actor: User, kind: str) -> AccessRequest:
    return access_request_create(actor=actor, kind=kind, today=TODAY, **DETAILS)


@pytest.mark.parametrize(
    ("kind", "prefix"),
    [
        ("rectification", "RECT"),
        ("erasure", "ERAS"),
        ("restriction", "REST"),
        ("portability", "PORT"),
        ("objection", "OBJ"),
    ],
)
def test_each_right_runs_on_the_one_month_clock_of_a_sar(ig_officer: User, kind: str, prefix: str) -> None:
    case = _create(ig_officer, kind)
    sar = _create(ig_officer, "sar")
    assert case.reference == f"{prefix}-2026-00001"
    # One month from receipt, as a SAR received the same day (Art 12(3)).
    assert case.due_on == sar.due_on == date(2026, 4, 2)
    access_request_transition(case, "request_identity", actor=ig_officer, on=date(2026, 3, 3), today=TODAY)
    case.refresh_from_db()
    assert case.due_on is None  # Art 12A: the clock waits for proof of identity
    working = case.deadline(today=TODAY, nation=nation()).working
    assert working.steps  # the page shows the working, as for a SAR


def test_a_clarification_pauses_and_an_extension_moves_a_rights_clock_as_a_sars(ig_officer: User) -> None:
    objection, sar = _create(ig_officer, "objection"), _create(ig_officer, "sar")
    dues: dict[str, list[date | None]] = {"objection": [], "sar": []}
    for case in (objection, sar):
        access_request_transition(
            case, "verify_identity", actor=ig_officer, on=date(2026, 3, 2), method="known", today=TODAY
        )
        access_request_transition(
            case, "ask_clarification", actor=ig_officer, on=date(2026, 3, 10), details="Which?", today=TODAY
        )
        case.refresh_from_db()
        dues[case.kind].append(case.due_on)
        access_request_transition(
            case, "record_clarification", actor=ig_officer, on=date(2026, 3, 15), today=TODAY
        )
        case.refresh_from_db()
        dues[case.kind].append(case.due_on)
        access_request_transition(
            case,
            "extend",
            actor=ig_officer,
            details="Complex: several systems to check.",
            told_on=date(2026, 3, 18),
            today=TODAY,
        )
        case.refresh_from_db()
        dues[case.kind].append(case.due_on)
    assert dues["objection"] == dues["sar"]
    stopped, resumed, extended = dues["objection"]
    assert stopped is None  # Art 12A: stopped while the answer is awaited
    assert resumed is not None and extended is not None
    assert date(2026, 4, 2) < resumed < extended  # the pause moved it on; the extension by two months more
    assert (extended.month - resumed.month) == 2


def _ready(ig_officer: User, kind: str) -> AccessRequest:
    case = _create(ig_officer, kind)
    access_request_transition(
        case, "verify_identity", actor=ig_officer, on=date(2026, 3, 2), method="known", today=TODAY
    )
    return case


def test_an_erasure_carried_out_must_say_who_was_told(ig_officer: User) -> None:
    case = _ready(ig_officer, "erasure")
    with pytest.raises(ValidationError) as refused:
        access_request_transition(
            case,
            "respond",
            actor=ig_officer,
            on=TODAY,
            outcome=AccessRequestOutcome.PROVIDED_IN_FULL,
            today=TODAY,
        )
    assert "outcome" in refused.value.message_dict
    with pytest.raises(ValidationError) as untold:
        access_request_transition(
            case, "respond", actor=ig_officer, on=TODAY, outcome="complied", today=TODAY
        )
    assert "Art 19" in untold.value.message_dict["recipients_told"][0]
    access_request_transition(
        case,
        "respond",
        actor=ig_officer,
        on=TODAY,
        outcome="complied",
        recipients_told="Northshire Council adult social care, told by email 20 Mar 2026.",
        today=TODAY,
    )
    case.refresh_from_db()
    assert (case.status, case.outcome) == (AccessRequestStatus.RESPONDED, "complied")
    assert case.recipients_told.startswith("Northshire Council")


def test_a_decision_carried_out_in_part_needs_its_reasons(ig_officer: User) -> None:
    case = _ready(ig_officer, "portability")
    with pytest.raises(ValidationError) as refused:
        access_request_transition(
            case, "respond", actor=ig_officer, on=TODAY, outcome="complied_in_part", today=TODAY
        )
    assert "Art 12(4)" in refused.value.message_dict["details"][0]


def test_an_erasure_reaching_portal_records_goes_to_the_dpo_through_disposal(
    ig_officer: User, dpo: User
) -> None:
    old = AccessRequestFactory.create(
        requester_name="Sam Rivers",
        status=AccessRequestStatus.RESPONDED,
        responded_on=date(2025, 10, 1),
        outcome=AccessRequestOutcome.PROVIDED_IN_FULL,
        received_on=date(2025, 9, 3),
    )
    case = _ready(ig_officer, "erasure")
    review = rights_case_refer_portal_record(
        case=case, reference=old.reference.lower(), actor=ig_officer, today=TODAY
    )
    assert (review.object_id, review.requested_by_case, review.status) == (
        old.pk,
        case,
        DisposalStatus.PENDING,
    )
    transition(review, "destroy", actor=dpo, comment=f"Erased for {case.reference} (UK GDPR Art 17).")
    old.refresh_from_db()
    assert "Sam" not in old.requester_name
    assert DestructionRecord.objects.get().review == review


def test_an_erasure_can_reach_any_portal_record_with_a_reference_but_not_one_still_open(
    ig_officer: User, dpo: User
) -> None:
    incident = make_incident(reported_by=ig_officer, description="Sam Rivers' letter went astray")
    case = _ready(ig_officer, "erasure")
    with pytest.raises(ValidationError, match="still open or in force"):
        rights_case_refer_portal_record(
            case=case, reference=incident.reference, actor=ig_officer, today=TODAY
        )
    Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.CLOSED)
    review = rights_case_refer_portal_record(
        case=case, reference=incident.reference, actor=ig_officer, today=TODAY
    )
    assert (review.record_type, review.object_id, review.label) == (
        "incident",
        incident.pk,
        incident.reference,
    )
    transition(review, "destroy", actor=dpo, comment=f"Erased for {case.reference} (UK GDPR Art 17).")
    incident.refresh_from_db()
    assert "Sam" not in incident.description


def test_a_restriction_reaching_portal_records_holds_their_disposal(ig_officer: User, dpo: User) -> None:
    old = AccessRequestFactory.create(
        status=AccessRequestStatus.RESPONDED,
        responded_on=date(2025, 10, 1),
        outcome=AccessRequestOutcome.PROVIDED_IN_FULL,
        received_on=date(2025, 9, 3),
    )
    case = _ready(ig_officer, "restriction")
    review = rights_case_refer_portal_record(
        case=case, reference=old.reference, actor=ig_officer, today=TODAY
    )
    transition(
        review, "hold", actor=dpo, comment=f"Restricted for {case.reference}.", hold_kind="restriction"
    )
    with pytest.raises(ValidationError, match="legal hold"):
        transition(review, "destroy", actor=dpo)


def test_only_erasure_and_restriction_refer_and_never_an_open_or_unknown_case(ig_officer: User) -> None:
    objection = _ready(ig_officer, "objection")
    with pytest.raises(ValidationError, match="Only an erasure or restriction"):
        rights_case_refer_portal_record(
            case=objection, reference="SAR-2026-00001", actor=ig_officer, today=TODAY
        )
    erasure = _ready(ig_officer, "erasure")
    open_case = _create(ig_officer, "sar")
    for reference, message in (
        (open_case.reference, "still open"),
        ("SAR-1999-99999", "Enter the reference"),
    ):
        with pytest.raises(ValidationError, match=message):
            rights_case_refer_portal_record(case=erasure, reference=reference, actor=ig_officer, today=TODAY)
    assert not DisposalReview.objects.exists()


def test_the_erasure_case_page_offers_the_referral_and_shows_bad_input_on_the_form(
    ig_officer: User, client_for: ClientFor
) -> None:
    case = _ready(ig_officer, "erasure")
    client = client_for(ig_officer)
    page = client.get(reverse("access_request_detail", args=[case.pk]))
    assert b"Refer to the DPO" in page.content
    response: Any = client.post(
        reverse("access_request_refer_record", args=[case.pk]), {"reference": "NOPE-1"}
    )
    assert response.status_code == 400
    assert b"Enter the reference of a record in IG Portal" in response.content
    assert b'value="NOPE-1"' in response.content
