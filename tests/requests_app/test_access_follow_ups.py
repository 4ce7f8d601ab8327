"""Internal reviews and complaints to the Commissioner as cases linked to their FOI or EIR answer; the
FOISA regime; data protection complaints acknowledged within 30 days and chased."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines_reviews import complaint_working, foisa_request_working, review_working
from requests_app.models import AccessRequest, AccessRequestKind, AccessRequestStatus, OrganisationSettings
from requests_app.services.access import (
    access_request_create,
    access_request_follow_up_create,
    access_request_transition,
)
from tests.conftest import ClientFor
from tests.requests_app.chasing import sent_to, sweep

pytestmark = pytest.mark.django_db
S = AccessRequestStatus


def _answered_foi(officer: User, kind: str = AccessRequestKind.FOI) -> AccessRequest:
    today = timezone.localdate()
    case = access_request_create(
        actor=officer,
        kind=kind,
        received_on=today - timedelta(days=20),
        channel="email",
        requester_name="Alex Reporter",
        requester_email="alex@example.org",
        description="Agency contracts.",
    )
    code = "foia_43" if kind == AccessRequestKind.FOI else "eir_12(5)(e)"
    return access_request_transition(
        case,
        "respond",
        actor=officer,
        on=today - timedelta(days=5),
        outcome="provided_in_part",
        details="Rates withheld.",
        exemptions=[code],
        public_interest={code: "Re-tender next spring."},
    )


def test_a_review_is_its_own_case_with_its_own_clock_linked_to_the_original(ig_officer: User) -> None:
    original = _answered_foi(ig_officer)
    received = timezone.localdate() - timedelta(days=1)
    review = access_request_follow_up_create(
        original=original,
        actor=ig_officer,
        kind="review",
        received_on=received,
        details="Rates should be out.",
    )
    assert review.reference.startswith("REV-")
    assert (review.original, review.requester_email) == (original, original.requester_email)
    assert review.due_on == review_working(received, original_kind="foi", regime="foia").due
    assert original.history.filter(action="follow_up").exists()
    # Extended for exceptional reasons: 40 working days, the most.
    access_request_transition(review, "extend", actor=ig_officer, details="Needs the supplier's views.")
    review.refresh_from_db()
    assert review.due_on == review_working(received, original_kind="foi", regime="foia", extended=True).due
    access_request_transition(review, "respond", actor=ig_officer, on=timezone.localdate(), outcome="upheld")
    review.refresh_from_db()
    assert (review.status, review.outcome) == (S.RESPONDED, "upheld")


def test_an_eir_reconsideration_cannot_be_extended(ig_officer: User) -> None:
    original = _answered_foi(ig_officer, kind=AccessRequestKind.EIR)
    review = access_request_follow_up_create(
        original=original, actor=ig_officer, kind="review", received_on=timezone.localdate(), details="x"
    )
    with pytest.raises(ValidationError) as refused:
        access_request_transition(review, "extend", actor=ig_officer, details="Busy.")
    assert "reg 11(4)" in str(refused.value)


def test_an_appeal_goes_to_the_commissioner_of_the_regime_with_the_date_they_set(ig_officer: User) -> None:
    original = _answered_foi(ig_officer)
    with pytest.raises(ValidationError) as refused:
        access_request_follow_up_create(
            original=original, actor=ig_officer, kind="appeal", received_on=timezone.localdate(), details="x"
        )
    assert "regulator_due_on" in refused.value.message_dict
    set_by_ico = timezone.localdate() + timedelta(days=20)
    appeal = access_request_follow_up_create(
        original=original,
        actor=ig_officer,
        kind="appeal",
        received_on=timezone.localdate(),
        details="Complained about the s43 withholding.",
        regulator_due_on=set_by_ico,
    )
    assert (appeal.reference[:4], appeal.regulator, appeal.due_on) == ("ICO-", "ico", set_by_ico)
    portal = OrganisationSettings.load()
    portal.foi_regime = "foisa"
    portal.save()
    scottish = access_request_follow_up_create(
        original=original,
        actor=ig_officer,
        kind="appeal",
        received_on=timezone.localdate(),
        details="x",
        regulator_due_on=set_by_ico,
    )
    assert scottish.regulator == "sic"


def test_only_a_foi_or_eir_answer_is_reviewed(ig_officer: User) -> None:
    sar = access_request_create(
        actor=ig_officer,
        kind="sar",
        received_on=timezone.localdate(),
        channel="email",
        requester_name="Sam",
        requester_email="sam@example.org",
        description="x",
    )
    with pytest.raises(ValidationError):
        access_request_follow_up_create(
            original=sar, actor=ig_officer, kind="review", received_on=timezone.localdate(), details="x"
        )


def test_the_originals_page_shows_its_reviews_and_appeals(client_for: ClientFor, ig_officer: User) -> None:
    original = _answered_foi(ig_officer)
    client = client_for(ig_officer)
    response = client.post(
        reverse("access_request_follow_up", args=[original.pk]),
        {"kind": "review", "received_on": timezone.localdate().strftime("%d/%m/%Y"), "details": "Disputed."},
    )
    assert response.status_code == 302
    review = AccessRequest.objects.get(kind="review")
    page = client.get(reverse("access_request_detail", args=[original.pk])).content.decode()
    assert review.reference in page and 'data-testid="follow-ups"' in page
    review_page = client.get(reverse("access_request_detail", args=[review.pk])).content.decode()
    assert original.reference in review_page
    refused = client.post(reverse("access_request_follow_up", args=[original.pk]), {"details": "Kept text"})
    assert refused.status_code == 200 and "Kept text" in refused.content.decode()


def test_under_foisa_a_foi_request_counts_scottish_working_days(ig_officer: User) -> None:
    portal = OrganisationSettings.load()
    portal.foi_regime = "foisa"
    portal.save()
    received = timezone.localdate() - timedelta(days=3)
    case = access_request_create(
        actor=ig_officer,
        kind="foi",
        received_on=received,
        channel="email",
        requester_name="Alex",
        requester_email="alex@example.org",
        description="x",
    )
    assert case.due_on == foisa_request_working(received).due


def test_a_complaint_is_acknowledged_within_30_days_and_chased_until_it_is(
    ig_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    received = timezone.localdate() - timedelta(days=2)
    complaint = access_request_create(
        actor=ig_officer,
        kind="complaint",
        received_on=received,
        channel="email",
        requester_name="Pat",
        requester_email="pat@example.org",
        description="My records were sent to the wrong address.",
        handler=ig_officer,
    )
    due = complaint_working(received, nation="england").due
    assert complaint.reference.startswith("DPC-") and complaint.due_on == due
    sweep(django_capture_on_commit_callbacks, "access_requests", due)
    assert sent_to(ig_officer.email) == [f"Due today: {complaint.reference}"]
    access_request_transition(complaint, "acknowledge", actor=ig_officer, on=timezone.localdate())
    complaint.refresh_from_db()
    assert (complaint.status, complaint.acknowledged_on, complaint.due_on) == (
        S.IN_PROGRESS,
        timezone.localdate(),
        None,
    )
    deadline = complaint.deadline(today=timezone.localdate(), nation="england")
    assert "without undue delay" in deadline.headline
    access_request_transition(
        complaint, "respond", actor=ig_officer, on=timezone.localdate(), outcome="resolved"
    )


def test_the_acknowledgement_is_only_for_complaints(ig_officer: User) -> None:
    foi = _answered_foi(ig_officer)
    with pytest.raises(ValidationError):
        access_request_transition(foi, "acknowledge", actor=ig_officer, on=timezone.localdate())


def test_the_public_may_complain_online(client: Any) -> None:
    response = client.post(
        reverse("access_request_online"),
        {
            "kind": "complaint",
            "description": "You shared my records without asking.",
            "requester_name": "Pat Public",
            "reply_by": "email",
            "requester_email": "pat@example.org",
        },
    )
    assert response.status_code == 302
    assert AccessRequest.objects.get().kind == "complaint"


def test_the_quarters_statistics_count_by_type_exemption_review_and_pause(
    client_for: ClientFor, ig_officer: User, requester: User
) -> None:
    original = _answered_foi(ig_officer)
    review = access_request_follow_up_create(
        original=original, actor=ig_officer, kind="review", received_on=timezone.localdate(), details="x"
    )
    access_request_transition(review, "respond", actor=ig_officer, on=timezone.localdate(), outcome="upheld")
    today = timezone.localdate()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    from requests_app.selectors.access import access_statistics

    stats = access_statistics(year=today.year, quarter=(today.month - 1) // 3 + 1)
    rows = {(section, item): count for section, item, count in stats.csv_rows()}
    if original.received_on >= stats.first:
        assert rows[("received", "Freedom of information (FOI)")] == 1
    if original.responded_on and original.responded_on >= stats.first:
        assert rows[("exemption used", "FOIA s43: Commercial interests")] == 1
    assert rows[("Internal review of a FOI or EIR answer outcome", "Upheld: the original answer stands")] == 1
    page = client_for(ig_officer).get(reverse("access_statistics"), {"quarter": quarter})
    assert page.status_code == 200 and b'data-testid="chart-quarter-table"' in page.content
    csv = client_for(ig_officer).get(reverse("access_statistics_csv"), {"quarter": quarter})
    assert csv["Content-Type"].startswith("text/csv")
    assert b"Upheld: the original answer stands,1" in csv.content
    assert b"Alex" not in csv.content
    assert client_for(requester).get(reverse("access_statistics")).status_code == 404


def test_the_register_links_to_the_statistics_for_everyone_who_may_read_them(
    client_for: ClientFor, dpo: User, auditor: User
) -> None:
    """Found by the browser journey: the statistics page had no link anywhere, so the DPO could reach
    it only by typing its address."""
    link = f'href="{reverse("access_statistics")}"'.encode()
    for reader in (dpo, auditor):
        register = client_for(reader).get(reverse("access_request_list"))
        assert register.status_code == 200
        assert link in register.content
        assert client_for(reader).get(reverse("access_statistics")).status_code == 200


def test_under_foisa_the_scottish_commissioners_quarterly_return_counts_foisa_and_the_eirs_apart(
    client_for: ClientFor, ig_officer: User, dpo: User
) -> None:
    from datetime import date

    from requests_app.models import AccessRequestExemption
    from tests.factories import AccessRequestFactory

    settings_row = OrganisationSettings.load()
    settings_row.foi_regime = "foisa"
    settings_row.save()
    S, K = AccessRequestStatus, AccessRequestKind

    def case(kind: str, received: date, **fields: Any) -> AccessRequest:
        return AccessRequestFactory.create(kind=kind, received_on=received, **fields)

    # FOISA, the quarter 1 April to 30 June 2026: one answered in time in part, one refused late, one
    # received last quarter and found not held late in this one, one awaiting its fee.
    in_part = case(
        K.FOI,
        date(2026, 4, 1),
        status=S.RESPONDED,
        responded_on=date(2026, 4, 20),
        due_on=date(2026, 4, 29),
        outcome="provided_in_part",
    )
    AccessRequestExemption.objects.create(access_request=in_part, code="foisa_33", public_interest="x")
    AccessRequestExemption.objects.create(access_request=in_part, code="foisa_38")
    refused = case(
        K.FOI,
        date(2026, 4, 10),
        status=S.CLOSED,
        responded_on=date(2026, 5, 30),
        due_on=date(2026, 5, 8),
        outcome="refused",
    )
    AccessRequestExemption.objects.create(access_request=refused, code="foisa_30", public_interest="x")
    case(
        K.FOI,
        date(2026, 3, 1),
        status=S.RESPONDED,
        responded_on=date(2026, 4, 5),
        due_on=date(2026, 3, 27),
        outcome="not_held",
    )
    case(K.FOI, date(2026, 6, 20), fee_amount=30, fee_requested_on=date(2026, 6, 25))
    case(K.FOI, date(2026, 7, 1))  # next quarter
    released = case(
        K.EIR,
        date(2026, 5, 2),
        status=S.RESPONDED,
        responded_on=date(2026, 5, 6),
        due_on=date(2026, 5, 29),
        outcome="provided_in_full",
    )
    case(
        K.REVIEW,
        date(2026, 5, 1),
        original=in_part,
        status=S.RESPONDED,
        responded_on=date(2026, 5, 20),
        outcome="partly_upheld",
    )
    case(K.REVIEW, date(2026, 6, 10), original=released)
    case(K.APPEAL, date(2026, 6, 15), original=refused, regulator="sic")

    from requests_app.selectors.access import scottish_return

    found = scottish_return(year=2026, quarter=2)
    assert (found.first, found.last) == (date(2026, 4, 1), date(2026, 6, 30))
    rows = {(law, measure): count for law, measure, count in found.rows}
    foisa = {measure: count for (law, measure), count in rows.items() if law == "FOISA"}
    assert foisa == {
        "requests received": 3,
        "requests responded to": 3,
        "responded to within the statutory timescale": 1,
        "responded to outwith the statutory timescale": 2,
        "outcome: information released in full": 0,
        "outcome: information released in part": 1,
        "outcome: information withheld in full (refused)": 1,
        "outcome: information not held": 1,
        "exemption applied: FOISA s30": 1,
        "exemption applied: FOISA s33": 1,
        "exemption applied: FOISA s38": 1,
        "fees notices issued": 1,
        "requests for review received": 1,
        "review outcome: original decision upheld without modification": 0,
        "review outcome: original decision upheld with modification": 1,
        "review outcome: original decision overturned (a different decision substituted)": 0,
        "applications to the Commissioner received": 1,
    }
    eirs = {measure: count for (law, measure), count in rows.items() if law == "EIRs (EISR 2004)"}
    assert eirs["requests received"] == 1 and eirs["responded to within the statutory timescale"] == 1
    assert eirs["outcome: information released in full"] == 1
    assert (
        eirs["requests for review received"] == 1 and eirs["applications to the Commissioner received"] == 0
    )
    assert "fees notices issued" not in eirs

    # The page shows it as a table, with the CSV beside it; the CSV names no case and no requester.
    page = client_for(dpo).get(reverse("access_statistics"), {"quarter": "2026-Q2"})
    assert b'data-testid="statistics-sic"' in page.content
    csv = client_for(dpo).get(reverse("access_statistics_csv"), {"quarter": "2026-Q2", "return": "sic"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "law,measure,count"
    assert "FOISA,requests received,3" in lines
    assert "FOISA,exemption applied: FOISA s33,1" in lines
    assert in_part.reference.encode() not in csv.content and b"Requester" not in csv.content
    assert "Scottish Information Commissioner return 2026-Q2.csv" in csv["Content-Disposition"]

    # Under FOIA there is no Scottish return to offer.
    settings_row.foi_regime = "foia"
    settings_row.save()
    page = client_for(dpo).get(reverse("access_statistics"), {"quarter": "2026-Q2"})
    assert b'data-testid="statistics-sic"' not in page.content
    refused_csv = client_for(dpo).get(
        reverse("access_statistics_csv"), {"quarter": "2026-Q2", "return": "sic"}
    )
    assert refused_csv.status_code == 404
