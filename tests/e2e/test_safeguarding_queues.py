"""Journey 5: a safeguarding request is flagged and first in every reviewer's queue, ahead of older ones."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from requests_app.models import RequestStatus, SharingRequest
from requests_app.services.workflow import transition
from tests.e2e.journey import E2E, Journey
from tests.factories import make_request

pytestmark = E2E

ALL_STAGES = ("ig_dpo", "caldicott_guardian", "siro")


def _safeguarding(requester: User, title: str) -> SharingRequest:
    # Submitted now, so anything ordered by waiting time alone would put it last.
    return make_request(
        requester=requester,
        status=RequestStatus.SUBMITTED,
        stages=ALL_STAGES,
        example="safeguarding_referral",
        purpose_category="safeguarding",
        urgency="routine",
        title=title,
    )


def _waiting(requester: User, status: RequestStatus, title: str, *, days: int, urgency: str) -> None:
    make_request(
        requester=requester,
        status=status,
        stages=ALL_STAGES,
        example="gp_referral_direct_care",
        purpose_category="direct_care",
        urgency=urgency,
        submitted_at=timezone.now() - timedelta(days=days),
        title=title,
    )


def test_a_safeguarding_request_is_first_and_flagged_in_every_reviewers_queue(
    journey: Callable[[str], Journey], requester: User, ig_officer: User, caldicott: User, siro: User
) -> None:
    # One safeguarding request at each stage, walked there through the workflow as reviewers would
    # (which is what lets the Caldicott Guardian and the SIRO open it); older routine and urgent
    # requests wait in the same queues.
    at_ig = _safeguarding(requester, "Child at risk: school nurse referral")
    at_caldicott = _safeguarding(requester, "Adult at risk: care home concern")
    at_siro = _safeguarding(requester, "Domestic abuse: MARAC referral")
    for sharing_request in (at_caldicott, at_siro):
        transition(sharing_request, "start_review", actor=ig_officer)
        transition(sharing_request, "approve", actor=ig_officer, comment="Lawful and necessary.")
    transition(at_siro, "approve", actor=caldicott, comment="Overriding public interest.")
    for status, stage in (
        (RequestStatus.SUBMITTED, "IG"),
        (RequestStatus.AWAITING_CALDICOTT, "Caldicott"),
        (RequestStatus.AWAITING_SIRO, "SIRO"),
    ):
        _waiting(requester, status, f"Discharge summary to GP ({stage}, routine)", days=9, urgency="routine")
        _waiting(requester, status, f"Clinic letter to hospice ({stage}, urgent)", days=4, urgency="urgent")

    j = journey("5-safeguarding-queues")
    page = j.page
    for reviewer, queue_link, queue_heading, flagged, slug in (
        (ig_officer, "IG queue", "IG review", at_ig, "ig"),
        (caldicott, "Caldicott queue", "Caldicott Guardian decisions", at_caldicott, "caldicott"),
        (siro, "SIRO queue", "SIRO sign-off", at_siro, "siro"),
    ):
        j.log_in(reviewer, shots=slug == "ig")
        j.at(re.compile("here is what needs you"))
        page.get_by_role("navigation", name="Menu").get_by_role("link", name=queue_link).click()
        j.at(queue_heading, shot=f"{slug}-queue")
        rows = page.get_by_test_id("queue").locator("tbody tr")
        expect(rows).to_have_count(3)
        first = rows.first
        expect(first).to_contain_text(flagged.reference)
        expect(first).to_contain_text(flagged.title)
        expect(first.locator(".nhsuk-tag", has_text="Safeguarding")).to_be_visible()
        # Then the urgent request, then the routine one that has waited longest.
        expect(rows.nth(1)).to_contain_text("urgent")
        expect(rows.nth(2)).to_contain_text("routine")

        first.get_by_role("link", name=flagged.reference).click()
        j.at(flagged.title, shot=f"{slug}-safeguarding-request")
        expect(page.locator("main .nhsuk-tag", has_text="Safeguarding")).to_be_visible()
        j.log_out()

    j.finish(
        "01-log-in.png",
        "02-enter-code.png",
        "03-ig-queue.png",
        "04-ig-safeguarding-request.png",
        "05-caldicott-queue.png",
        "06-caldicott-safeguarding-request.png",
        "07-siro-queue.png",
        "08-siro-safeguarding-request.png",
    )
