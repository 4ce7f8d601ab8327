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
