"""Journey 1: a requester logs in, completes the wizard for a police request, sees the outcome, submits."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.models import User
from playwright.sync_api import expect

from necessity.steps import STEPS_BY_NAME
from requests_app.models import RequestStatus, SharingRequest
from tests.e2e.journey import E2E, Journey
from tests.e2e.wizard import fill_step
from tests.factories import OrganisationFactory
from tests.necessity.wizard_data import police_request_steps

pytestmark = E2E


def test_a_requester_completes_the_wizard_for_a_police_request_and_submits_it(
    journey: Callable[[str], Journey], requester: User
) -> None:
    police = OrganisationFactory.create(name="Northshire Constabulary", kind="police")
    answers = police_request_steps(police)
    j = journey("1-police-request")
    page = j.page

    j.log_in(requester, shots=True)
    j.at(re.compile("here is what needs you"), shot="home")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your requests").click()
    j.at("Your sharing requests", shot="your-requests")
    page.get_by_role("link", name="Start a new sharing request").click()

    step = "purpose"
    while step != "review":
        j.at(STEPS_BY_NAME[step].title, shot=f"step-{step.replace('_', '-')}")
        fill_step(page, answers[step])
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url(re.compile(r"/wizard/[a-z_]+/$"))
        step = page.url.rstrip("/").rsplit("/", 1)[-1]

    j.at("Check the result and submit", shot="check-result")
    outcome = page.get_by_test_id("outcome")
    expect(outcome.get_by_role("heading", level=2)).to_have_text("Decision by the Caldicott Guardian")
    expect(outcome).to_contain_text("Caldicott Guardian")
    page.get_by_role("button", name="Submit for review").click()

    j.at("Admission dates for CID enquiry", shot="submitted")
    expect(page.get_by_role("status")).to_contain_text("is submitted")
    sharing_request = SharingRequest.objects.get(requester=requester)
    assert sharing_request.status == RequestStatus.SUBMITTED
    assert sharing_request.assessments.count() == 1
    j.finish(
        "01-log-in.png",
        "02-home.png",
        "03-your-requests.png",
        "04-step-purpose.png",
        "05-step-data.png",
        "06-step-items.png",
        "07-step-police.png",
        "08-step-lawful-basis.png",
        "09-step-special-category.png",
        "10-step-necessity.png",
        "11-step-proportionality.png",
        "12-step-transfer.png",
        "13-step-dpia-screening.png",
        "14-step-caldicott.png",
        "15-check-result.png",
        "16-submitted.png",
    )
