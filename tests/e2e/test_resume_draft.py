"""Journey 6: a requester leaves the wizard half way, logs out, logs in again and resumes the draft."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.models import User
from playwright.sync_api import expect

from requests_app.models import RequestStatus, SharingRequest
from tests.e2e.journey import E2E, Journey
from tests.e2e.wizard import fill_step
from tests.factories import OrganisationFactory
from tests.necessity.wizard_data import police_request_steps

pytestmark = E2E


def test_a_requester_leaves_the_wizard_half_way_and_resumes_the_draft_after_logging_in_again(
    journey: Callable[[str], Journey], requester: User
) -> None:
    answers = police_request_steps(OrganisationFactory.create(name="Northshire Constabulary", kind="police"))
    j = journey("6-resume-draft")
    page = j.page
    menu = page.get_by_role("navigation", name="Menu")
    steps = page.get_by_role("navigation", name="Steps of the request")

    j.log_in(requester, shots=True)
    j.at(re.compile("here is what needs you"))
    menu.get_by_role("link", name="Your requests").click()
    j.at("Your sharing requests")
    page.get_by_role("link", name="Start a new sharing request").click()
    j.at("Purpose", shot="step-purpose")
    fill_step(page, answers["purpose"])
    page.get_by_role("button", name="Save and continue").click()

    # Half way through the data step, with the rest still to find out, the requester stops.
    j.at("Data", shot="step-data-half-done")
    page.get_by_label("Who is the information about?").fill("One named patient.")
    page.get_by_role("button", name="Save and come back later").click()
    j.at("Your sharing requests", shot="draft-saved")
    draft = SharingRequest.objects.get(requester=requester)
    expect(page.get_by_role("status")).to_contain_text(f"Your draft {draft.reference} is saved")
    row = page.locator("main table tr", has_text=draft.reference)
    expect(row).to_contain_text("Admission dates for CID enquiry")
    expect(row).to_contain_text("Draft")
    j.log_out()

    j.log_in(requester)
    j.at(re.compile("here is what needs you"))
    menu.get_by_role("link", name="Your requests").click()
    j.at("Your sharing requests")
    page.get_by_role("link", name=draft.reference).click()
    j.at("Admission dates for CID enquiry", shot="draft-request-page")
    page.get_by_role("link", name="Continue this draft").click()

    # Back where they stopped: what they typed is there, marked as not saved yet.
    j.at("Data", shot="resumed-at-data")
    expect(page.get_by_label("Who is the information about?")).to_have_value("One named patient.")
    expect(steps.locator("li", has_text="Purpose")).to_contain_text("Done")
    expect(steps.locator("li", has_text="Data").first).to_contain_text("Not saved")
    fill_step(page, answers["data"])
    page.get_by_role("button", name="Save and continue").click()
    j.at("Data items", shot="next-step-data-items")
    expect(steps.locator("li", has_text="Data").first).to_contain_text("Done")

    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT
    assert set(draft.answers) == {"purpose", "data"}
    assert draft.draft_input == {}
    j.finish(
        "01-log-in.png",
        "02-step-purpose.png",
        "03-step-data-half-done.png",
        "04-draft-saved.png",
        "05-draft-request-page.png",
        "06-resumed-at-data.png",
        "07-next-step-data-items.png",
    )
