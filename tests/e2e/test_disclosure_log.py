"""Journey 2: a police request is triaged, approved with a condition, disclosed, and found in the log."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from requests_app.models import Disclosure, RequestStatus
from requests_app.views.disclosures import CSV_HEADER
from tests.e2e.browser import VIEWPORT
from tests.e2e.journey import E2E, Journey
from tests.factories import make_request

pytestmark = E2E

HOME = re.compile("here is what needs you")


def test_a_police_request_is_approved_with_a_condition_disclosed_and_exported_from_the_log(
    journey: Callable[[str], Journey], requester: User, ig_officer: User, caldicott: User, dpo: User
) -> None:
    sharing_request = make_request(
        requester=requester,
        status=RequestStatus.SUBMITTED,
        stages=("ig_dpo", "caldicott_guardian"),
        title="Admission dates for CID enquiry",
    )
    reference = sharing_request.reference
    detail = reverse("request_detail", args=[reference])
    j = journey("2-disclosure-log")
    page = j.page

    # The IG officer triages it and approves at the IG stage.
    j.log_in(ig_officer, shots=True)
    j.at(HOME)
    j.open(detail)
    j.at(sharing_request.title, shot="ig-request")
    page.get_by_role("button", name="Start the IG review").click()
    j.at(sharing_request.title)
    # The engine's conditions come ticked: keeping them is an approval with conditions.
    page.get_by_label("Approve with conditions").check()
    page.get_by_label("Reasons", exact=True).fill(
        "Lawful under Schedule 2 paragraph 2; the dates alone are needed."
    )
    page.get_by_role("button", name="Check your decision").click()
    j.at("Check your decision before you sign it")
    page.get_by_role("button", name="Confirm and sign").click()
    j.at(sharing_request.title, shot="ig-approved")
    j.log_out()

    # The Caldicott Guardian approves with a condition.
    j.log_in(caldicott)
    j.at(HOME)
    j.open(detail)
    j.at(sharing_request.title, shot="caldicott-request")
    page.get_by_label("Approve with conditions").check()
    page.get_by_label("Your own conditions (optional)").fill(
        "Send the admission dates only, by secure email."
    )
    page.get_by_label("Reasons", exact=True).fill(
        "Necessary for the investigation; nothing clinical is needed."
    )
    page.get_by_role("button", name="Check your decision").click()
    j.at("Check your decision before you sign it")
    page.get_by_role("button", name="Confirm and sign").click()
    j.at(sharing_request.title, shot="caldicott-approved")
    expect(page.get_by_test_id("stages")).to_contain_text("Send the admission dates only, by secure email.")
    sharing_request.refresh_from_db()
    assert sharing_request.status == RequestStatus.APPROVED_WITH_CONDITIONS
    j.log_out()

    # The requester records what was shared; the police details come from the request.
    j.log_in(requester)
    j.at(HOME)
    j.open(detail)
    j.at(sharing_request.title)
    page.get_by_test_id("registers").get_by_role("link", name="Record what was shared").click()
    j.at(f"Record the disclosure for {reference}", shot="record-disclosure")
    assert page.url.endswith(reverse("request_disclosure", args=[reference]))
    for label in ("Requesting officer (name and rank)", "Collar number or police reference"):
        expect(page.get_by_label(label)).not_to_have_value("")
    # The condition narrowed what was shared to the dates, so the prefilled items are corrected.
    page.get_by_label("What was shared").fill("Admission and discharge dates, October 2026.")
    page.get_by_label("What was given to the police").fill("Admission and discharge dates, October 2026.")
    page.get_by_label("The officer's acknowledgement").fill("Signed receipt on the request form.")
    page.get_by_role("button", name="Record it").click()
    j.at(sharing_request.title, shot="disclosure-recorded")
    disclosure = Disclosure.objects.get(request=sharing_request)
    expect(page.get_by_test_id("registers")).to_contain_text(disclosure.reference)
    j.log_out()

    # The DPO finds it in the disclosure log and exports what the filter shows.
    j.log_in(dpo)
    j.at(HOME)
    # The DPO's long menu wraps inside the header instead of running off the page (and off its colour).
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    j.open(reverse("disclosure_list") + "?" + urlencode({"q": reference}))
    j.at("Disclosure log", shot="disclosure-log")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table tbody tr")).to_contain_text(disclosure.reference)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download what this filter shows as CSV").click()
    download = download_info.value
    assert f"?q={reference}" in download.url
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(CSV_HEADER)
    assert [row[0] for row in rows[1:]] == [disclosure.reference]
    assert rows[1][CSV_HEADER.index("Sharing request")] == reference

    j.finish(
        "01-log-in.png",
        "02-enter-code.png",
        "03-ig-request.png",
        "04-ig-approved.png",
        "05-caldicott-request.png",
        "06-caldicott-approved.png",
        "07-record-disclosure.png",
        "08-disclosure-recorded.png",
        "09-disclosure-log.png",
    )
