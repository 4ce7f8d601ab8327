"""Journey 9: the public ask online; the IG officer pauses, resumes and answers; a refusal is reviewed and
appealed; the DPO downloads the quarter's statistics.

A member of the public sends a subject access request at /ask/ (no account) and is shown the reference
and the due date. The IG officer finds it in the register, asks for proof of identity (the clock stops,
UK GDPR Art 12A), records it verified (the clock runs again) and answers it. Another member of the public
asks for information under FOIA; the officer withholds part of it under a qualified exemption, recording
the public interest test (FOIA s2(2)(b)), then logs an internal review and a complaint to the ICO, each its
own case linked to the original and listed on its page. The DPO downloads the quarter's statistics as CSV
and the test counts what is in it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.utils import dateformat, timezone
from playwright.sync_api import Locator, Page, expect

from requests_app.access_workflow import clock
from requests_app.foi_exemptions import EXEMPTIONS
from requests_app.models import AccessRequest, AccessRequestKind, AccessRequestStatus
from requests_app.models.access import AccessRequestOutcome
from tests.e2e.journey import E2E, Journey

pytestmark = E2E

HOME = re.compile("here is what needs you")
# A qualified exemption (FOIA s2(2)(b)): withholding under it needs the public interest test.
COMMERCIAL = EXEMPTIONS["foia_43"]


def _fill_date(scope: Page | Locator, legend: str, day: date) -> None:
    """The NHS.UK date input: three boxes in a group named by its legend."""
    group = scope.get_by_role("group", name=legend)
    for part, number in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        group.get_by_label(part, exact=True).fill(str(number))


def _next_step(page: Page, label: str) -> Locator:
    """Open the case page's "next step" called ``label`` and return its form."""
    step = page.locator("details", has=page.get_by_text(label, exact=True))
    step.locator("summary").click()
    return step.locator("form")


def _ask_online(j: Journey, answers: dict[str, str], *, shot: str) -> AccessRequest:
    page = j.page
    j.open("/ask/")
    j.at("Ask for information", shot=f"ask-{shot}")
    for label, value in answers.items():
        field = page.get_by_label(label, exact=True)
        field.check() if value == "check" else field.fill(value)
    page.get_by_role("button", name="Send the request").click()
    j.at("Request received", shot=f"{shot}-received")
    reference = page.get_by_test_id("reference").inner_text()
    case = AccessRequest.objects.get(reference=reference)
    deadline = case.deadline(today=timezone.localdate(), **clock())
    assert deadline.due is not None and case.due_on == deadline.due
    expect(page.get_by_test_id("due")).to_have_text(f"{deadline.headline}.")
    expect(page.get_by_test_id("due")).to_contain_text(f"Due {dateformat.format(deadline.due, 'D j M Y')}")
    assert case.created_by is None, "asked without an account"
    return case


def _find_in_register(j: Journey, case: AccessRequest) -> None:
    page = j.page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Access requests").click()
    j.at("Access requests")
    page.get_by_label("Reference or name").fill(case.reference)
    page.get_by_role("button", name="Filter").click()
    j.at("Access requests")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    page.locator("main table").get_by_role("link", name=case.reference).click()
    j.at(re.compile(rf"^{case.reference}"))


def test_the_public_ask_online_and_the_ig_team_answer_review_appeal_and_count_it(
    journey: Callable[[str], Journey], ig_officer: User, dpo: User
) -> None:
    today = timezone.localdate()
    j = journey("9-ask-online")
    page = j.page

    # A member of the public asks for their own records: no account, a reference and a date at once.
    sar = _ask_online(
        j,
        {
            "Information we hold about you, or someone you act for (subject access)": "check",
            "What information do you want, or what is your complaint?": "My physiotherapy notes from 2025.",
            "Your full name": "Sam Idowu",
            "By email": "check",
            "Email address": "sam.idowu@example.org",
        },
        shot="sar",
    )
    assert sar.kind == AccessRequestKind.SAR and sar.status == AccessRequestStatus.RECEIVED

    # The IG officer finds it, pauses it for proof of identity, resumes it and answers it.
    j.log_in(ig_officer, shots=True)
    j.at(HOME)
    _find_in_register(j, sar)
    j.shot("sar-case")
    expect(page.get_by_test_id("history")).to_contain_text("Create (Received) by the requester (online form)")
    form = _next_step(page, "Ask for proof of identity")
    _fill_date(form, "Date proof of identity was asked for", today)
    form.get_by_role("button", name="Ask for proof of identity").click()
    j.at(re.compile(rf"^{sar.reference}"))
    expect(page.get_by_role("status")).to_contain_text("proof of identity")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awaiting identity")
    expect(page.get_by_test_id("pauses")).to_contain_text("Proof of identity")

    form = _next_step(page, "Record identity verified")
    _fill_date(form, "Date identity was verified", today)
    form.get_by_label("Photo identity document").check()
    form.get_by_role("button", name="Record identity verified").click()
    j.at(re.compile(rf"^{sar.reference}"), shot="sar-resumed")
    expect(page.get_by_role("heading", level=1)).to_contain_text("In progress")

    form = _next_step(page, "Record the response")
    _fill_date(form, "Date the response was sent", today)
    form.get_by_label("Information provided in full").check()
    form.get_by_role("button", name="Record the response").click()
    j.at(re.compile(rf"^{sar.reference}"), shot="sar-answered")
    sar.refresh_from_db()
    assert (sar.status, sar.outcome) == (AccessRequestStatus.RESPONDED, AccessRequestOutcome.PROVIDED_IN_FULL)
    assert sar.identity_requested_on == sar.identity_verified_on == sar.responded_on == today
    assert [h.action for h in sar.history.order_by("pk")][-3:] == [
        "request_identity",
        "verify_identity",
        "respond",
    ]
    j.log_out()

    # Another member of the public asks a freedom of information question.
    foi = _ask_online(
        j,
        {
            "Information we hold about our work (freedom of information)": "check",
            "What information do you want, or what is your complaint?": (
                "The prices in the trust's 2025 contract for agency nurses."
            ),
            "Your full name": "Kit Marsh",
            "By post": "check",
            "Postal address": "4 Quay Street\nNorthshire NS2 9XY",
        },
        shot="foi",
    )
    assert foi.kind == AccessRequestKind.FOI

    # The officer answers it, withholding the prices under a qualified exemption.
    j.log_in(ig_officer)
    j.at(HOME)
    _find_in_register(j, foi)
    form = _next_step(page, "Record the response")
    _fill_date(form, "Date the response was sent", today)
    form.get_by_label("Information provided in part (some withheld)").check()
    form.get_by_label("Outcome details").fill("The contract released; the unit prices withheld under s43(2).")
    form.get_by_label(f"{COMMERCIAL.label} (qualified)").check()
    form.get_by_label(f"Public interest test: {COMMERCIAL.citation} ({COMMERCIAL.title})").fill(
        "Openness about spending weighs for release; the prices would let rivals undercut the current "
        "tender, which would cost the public more. Withholding wins while the tender is open."
    )
    form.get_by_role("button", name="Record the response").click()
    j.at(re.compile(rf"^{foi.reference}"), shot="foi-answered")
    expect(page.get_by_test_id("exemptions")).to_contain_text(COMMERCIAL.citation)
    expect(page.get_by_test_id("exemptions")).to_contain_text("Withholding wins while the tender is open.")

    # The requester asks for an internal review, then complains to the ICO: each its own case.
    follow_ups = (
        (AccessRequestKind.REVIEW, "The requester asked for an internal review", "review", "REV"),
        (AccessRequestKind.APPEAL, "The Information Commissioner told us of a complaint", "appeal", "ICO"),
    )
    for kind, choice, name, prefix in follow_ups:
        page.get_by_text("Log a review or complaint", exact=True).click()
        form = page.locator("form", has=page.get_by_role("button", name="Log it"))
        form.get_by_label(choice).check()
        _fill_date(form, "Date it arrived", today)
        form.get_by_label("What the requester disputes").fill("The public interest in the prices.")
        if kind == AccessRequestKind.APPEAL:
            # The ICO sets the date it wants our response by (FOIA s50 sets no clock on us).
            _fill_date(form, "Date the Commissioner asked for our response", today + timedelta(days=20))
        form.get_by_role("button", name="Log it").click()
        j.at(re.compile(rf"^{prefix}-"), shot=f"{name}-case")
        case = AccessRequest.objects.get(kind=kind, original=foi)
        expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
        expect(page.get_by_test_id("original")).to_contain_text(foi.reference)
        if kind == AccessRequestKind.REVIEW:
            # The review upholds the answer: its outcome is counted with the quarter's.
            form = _next_step(page, "Record the response")
            _fill_date(form, "Date the response was sent", today)
            form.get_by_label("Upheld: the original answer stands").check()
            form.get_by_role("button", name="Record the response").click()
            j.at(re.compile(rf"^{case.reference}"))
        page.get_by_test_id("original").get_by_role("link", name=foi.reference).click()
        j.at(re.compile(rf"^{foi.reference}"))
    review = AccessRequest.objects.get(kind=AccessRequestKind.REVIEW, original=foi)
    appeal = AccessRequest.objects.get(kind=AccessRequestKind.APPEAL, original=foi)
    j.shot("foi-follow-ups")
    listed = page.get_by_test_id("follow-ups")
    expect(listed.locator("tbody tr")).to_have_count(2)
    expect(listed.locator("tr", has_text=review.reference)).to_contain_text("Upheld")
    expect(listed.locator("tr", has_text=appeal.reference)).to_contain_text("Complaint")
    j.log_out()

    # The DPO downloads the quarter's statistics and finds every case the journey made counted.
    j.log_in(dpo)
    j.at(HOME)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Access requests").click()
    j.at("Access requests")
    page.get_by_role("link", name="Statistics by quarter").click()
    j.at("Access request statistics", shot="statistics")
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    with page.expect_download() as download_info:
        page.get_by_test_id("statistics-csv").click()
    download = download_info.value
    assert f"quarter={quarter}" in download.url
    assert download.suggested_filename == f"Access requests {quarter}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["section", "item", "count"]
    counts = {(section, item): int(count) for section, item, count in rows[1:]}
    label = {kind: AccessRequestKind(kind).label for kind in AccessRequestKind}
    for kind in (AccessRequestKind.SAR, AccessRequestKind.FOI, AccessRequestKind.REVIEW):
        assert counts["received", label[kind]] == 1, kind
        assert counts["answered", label[kind]] == 1, kind
        assert counts["answered in time", label[kind]] == 1, kind
        assert counts["answered late", label[kind]] == 0, kind
    assert counts["received", label[AccessRequestKind.APPEAL]] == 1
    assert counts["answered", label[AccessRequestKind.APPEAL]] == 0
    assert counts["received", label[AccessRequestKind.EIR]] == 0
    assert counts["exemption used", COMMERCIAL.label] == 1
    assert counts[f"{label[AccessRequestKind.REVIEW]} outcome", "Upheld: the original answer stands"] == 1
    assert counts["pause started", "Proof of identity"] == 1
    assert counts["pause started", "Clarification"] == 0

    j.finish(
        "01-ask-sar.png",
        "02-sar-received.png",
        "03-log-in.png",
        "04-enter-code.png",
        "05-sar-case.png",
        "06-sar-resumed.png",
        "07-sar-answered.png",
        "08-ask-foi.png",
        "09-foi-received.png",
        "10-foi-answered.png",
        "11-review-case.png",
        "12-appeal-case.png",
        "13-foi-follow-ups.png",
        "14-statistics.png",
    )
