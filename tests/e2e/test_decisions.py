"""Decisions that stand up later, in the browser: an override with its reason and flag (and the refusal
without a reason refused), a conditional approval whose disclosure form honours the conditions, a one-off
request that cannot close without a log entry, and the auditor who reads and cannot change."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.models import Group, User
from django.urls import reverse
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

from igportal.roles import Role
from requests_app.models import Disclosure, RequestStatus, SignOff
from tests.e2e.journey import E2E, Journey
from tests.factories import make_request

pytestmark = E2E

HOME = re.compile("here is what needs you")
CHECK = "Check your decision before you sign it"
OVERRIDE_REASON = "The patient's solicitor confirmed in writing on 2 December that consent was given again."


def _decide(j: Journey, title: str, decision: str, reason: str) -> None:
    page = j.page
    page.get_by_label(decision, exact=True).check()
    page.get_by_label("Reasons", exact=True).fill(reason)
    page.get_by_role("button", name="Check your decision").click()


def test_an_override_needs_its_reason_and_stays_flagged_and_a_refusal_needs_one_too(
    journey: Callable[[str], Journey], requester: User, ig_officer: User, dpo: User
) -> None:
    approved = make_request(
        requester=requester,
        status=RequestStatus.IG_REVIEW,
        example="consent_withdrawn",
        stages=("ig_dpo",),
        title="Complaint file to the ombudsman",
    )
    refused = make_request(
        requester=requester,
        status=RequestStatus.IG_REVIEW,
        example="gp_referral_direct_care",
        stages=("ig_dpo",),
        title="Referral letter to the GP",
    )
    j = journey("decisions-override")
    page = j.page
    j.log_in(ig_officer)
    j.at(HOME)

    # The engine said "do not share"; approving with a one-word reason is refused, saying why.
    j.open(reverse("request_detail", args=[approved.reference]))
    j.at(approved.title, shot="engine-says-do-not-share")
    expect(page.get_by_test_id("engine-outcome")).to_have_text("Do not share")
    _decide(j, approved.title, "Approve", "Fine.")
    j.at(approved.title, shot="override-without-reason")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("overrides the engine")
    _decide(j, approved.title, "Approve", OVERRIDE_REASON)
    j.at(CHECK, shot="override-to-confirm")
    expect(page.get_by_test_id("override-warning")).to_contain_text(
        "Approved what the engine advised not to share"
    )
    page.get_by_role("button", name="Confirm and sign").click()
    j.at(approved.title, shot="override-flagged")
    expect(page.get_by_test_id("override")).to_contain_text("Override")
    expect(page.get_by_test_id("stages")).to_contain_text(OVERRIDE_REASON)

    # The engine said "share"; refusing without a reason, then with a word, is refused.
    j.open(reverse("request_detail", args=[refused.reference]))
    j.at(refused.title)
    _decide(j, refused.title, "Reject", "")
    j.at(refused.title, shot="refusal-without-reason")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Give your reasons")
    _decide(j, refused.title, "Reject", "No.")
    j.at(refused.title)
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("refused what the engine advised to share")
    assert not SignOff.objects.filter(request=refused).exists()
    j.log_out()

    # The DPO finds the override in the decision log, with who, when, why and under which rules.
    j.log_in(dpo)
    j.at(HOME)
    menu = page.get_by_role("navigation", name="Menu")
    log_link = menu.get_by_role("link", name="Decision log")
    if not log_link.is_visible():
        # A long menu folds its last links under "More".
        menu.get_by_role("button", name="More").click()
    log_link.click()
    j.at("Decision log: overrides of the engine", shot="decision-log")
    row = page.get_by_test_id("overrides").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(approved.reference)
    expect(row).to_contain_text(OVERRIDE_REASON)
    expect(row).to_contain_text(ig_officer.get_full_name())
    expect(row).to_contain_text(approved.assessments.get().rules_version)
    j.finish(
        "01-engine-says-do-not-share.png",
        "02-override-without-reason.png",
        "03-override-to-confirm.png",
        "04-override-flagged.png",
        "05-refusal-without-reason.png",
        "06-decision-log.png",
    )


def test_the_disclosure_form_honours_the_approvals_conditions(
    journey: Callable[[str], Journey], requester: User, ig_officer: User
) -> None:
    request = make_request(
        requester=requester,
        status=RequestStatus.IG_REVIEW,
        stages=("ig_dpo",),
        title="Admission dates for CID enquiry",
    )
    detail = reverse("request_detail", args=[request.reference])
    j = journey("decisions-conditions")
    page = j.page
    j.log_in(ig_officer)
    j.at(HOME)
    j.open(detail)
    j.at(request.title)
    # The engine's conditions come ticked; the signer also names the method.
    expect(page.get_by_label(re.compile("^Remove items"))).to_be_checked()
    page.get_by_label("Share only by (optional)").select_option("secure_email")
    _decide(j, request.title, "Approve with conditions", "Necessary for the enquiry; the dates alone.")
    j.at(CHECK, shot="conditions-to-confirm")
    expect(page.get_by_test_id("signing")).to_contain_text("Share by secure email only.")
    page.get_by_role("button", name="Confirm and sign").click()
    j.at(request.title)
    j.log_out()

    j.log_in(requester)
    j.at(HOME)
    j.open(detail)
    j.at(request.title)
    page.get_by_test_id("registers").get_by_role("link", name="Record what was shared").click()
    j.at(f"Record the disclosure for {request.reference}", shot="disclosure-form")
    # The diagnosis the condition removed is not offered; the approved method is chosen already.
    items = page.get_by_role("group", name=re.compile("Data items shared"))
    expect(items.get_by_label("Admission and discharge dates")).to_be_checked()
    expect(items.get_by_label("Diagnosis")).to_have_count(0)
    expect(page.get_by_label("How it was shared")).to_have_value("secure_email")
    expect(page.get_by_test_id("approved-conditions")).to_contain_text("Secure email")
    # Sharing by another method departs from a condition: it needs a reason, then is flagged.
    page.get_by_label("How it was shared").select_option("post")
    page.get_by_label("What was given to the police").fill("Admission and discharge dates, March 2026.")
    page.get_by_label("The officer's acknowledgement").fill("Signed receipt on the request form.")
    page.get_by_role("button", name="Record it").click()
    j.at(f"Record the disclosure for {request.reference}", shot="departure-needs-reason")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("departs from the approval's conditions")
    page.get_by_label("Reason for departing from the conditions").fill(
        "Secure email was down for two days and the officer needed the dates that day."
    )
    page.get_by_role("button", name="Record it").click()
    j.at(request.title, shot="disclosure-recorded")
    disclosure = Disclosure.objects.get(request=request)
    assert disclosure.departures == ["shared by another method than secure email"]
    assert "diagnosis" not in disclosure.items
    page.get_by_test_id("registers").get_by_role("link", name=disclosure.reference).click()
    j.at(re.compile(disclosure.reference), shot="disclosure-flagged")
    expect(page.get_by_test_id("departs")).to_have_text("Departs from the conditions")
    j.finish(
        "01-conditions-to-confirm.png",
        "02-disclosure-form.png",
        "03-departure-needs-reason.png",
        "04-disclosure-recorded.png",
        "05-disclosure-flagged.png",
    )


def test_a_one_off_request_cannot_close_without_a_log_entry(
    journey: Callable[[str], Journey], requester: User
) -> None:
    request = make_request(
        requester=requester, status=RequestStatus.APPROVED_WITH_CONDITIONS, title="Admission dates for CID"
    )
    j = journey("decisions-no-close-without-record")
    page = j.page
    j.log_in(requester)
    j.at(HOME)
    j.open(reverse("request_detail", args=[request.reference]))
    j.at(request.title, shot="approved")
    main = page.locator("main")
    expect(main.get_by_role("button", name="Mark as shared and closed")).to_have_count(0)
    expect(
        page.get_by_test_id("registers").get_by_role("link", name="Record what was shared")
    ).to_be_visible()
    # Closing it as not shared needs the reason.
    main.get_by_role("button", name="Close as not shared after all").click()
    j.at(request.title, shot="not-shared-without-reason")
    expect(main).to_contain_text("Give your reasons")
    page.get_by_label("Reason: close as not shared after all").fill("The police withdrew their request.")
    main.get_by_role("button", name="Close as not shared after all").click()
    j.at(request.title, shot="closed-not-shared")
    expect(main).to_contain_text("Not shared after all")
    request.refresh_from_db()
    assert request.status == RequestStatus.NOT_SHARED
    j.finish("01-approved.png", "02-not-shared-without-reason.png", "03-closed-not-shared.png")


def test_the_auditor_reads_a_request_and_finds_no_way_to_change_it(
    journey: Callable[[str], Journey], requester: User, auditor: User
) -> None:
    request = make_request(requester=requester, status=RequestStatus.AWAITING_CALDICOTT, title="CID enquiry")
    assign_perm("view_sharingrequest", Group.objects.get(name=Role.CALDICOTT_GUARDIAN.group_name), request)
    other = make_request(
        requester=requester, status=RequestStatus.IG_REVIEW, purpose_category="direct_care", title="GP letter"
    )
    j = journey("decisions-auditor")
    page = j.page
    j.log_in(auditor)
    j.at(HOME)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="All requests").click()
    j.at("All sharing requests", shot="all-requests")
    expect(page.get_by_test_id("queue")).to_contain_text(other.reference)
    page.get_by_label("Purpose").select_option("police_crime")
    page.get_by_role("button", name="Filter").click()
    j.at("All sharing requests", shot="filtered")
    expect(page.get_by_test_id("queue")).not_to_contain_text(other.reference)
    page.get_by_test_id("queue").get_by_role("link", name=request.reference).click()
    j.at(request.title, shot="request-read-only")
    main = page.locator("main")
    expect(main.locator("form")).to_have_count(0)
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)
    expect(main).to_contain_text("Decision by the Caldicott Guardian")
    j.finish("01-all-requests.png", "02-filtered.png", "03-request-read-only.png")
