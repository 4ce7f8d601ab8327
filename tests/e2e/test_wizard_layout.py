"""The wizard on a phone (390 px) and an office PC (1280 px): NHS.UK patterns, axe clean, nothing off-screen.

Also the pages a user found cramped: list tables at 390 px, and the DPO's header menu at 1280 px, which
keeps to one line (the NHS.UK header moves what does not fit into its "More" menu).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, ViewportSize, expect

from requests_app.models import RequestStatus, SharingRequest
from tests.e2e.browser import VIEWPORT
from tests.e2e.journey import E2E, Journey
from tests.e2e.wizard import fill_step
from tests.factories import OrganisationFactory, make_request
from tests.necessity.wizard_data import police_request_steps

pytestmark = E2E

PHONE: ViewportSize = {"width": 390, "height": 844}


def _fits_the_width(page: Page) -> None:
    """Nothing makes the page scroll sideways: the document is no wider than the window."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(
        """() => [...document.querySelectorAll("main *")]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map((el) => el.tagName + "." + el.className)"""
    )
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in a {widths[1]} px window: {wide}"


def _caption(page: Page) -> str:
    return page.locator("main .nhsuk-caption-l").first.inner_text()


@pytest.mark.parametrize("viewport", [PHONE, VIEWPORT], ids=["390px", "1280px"])
def test_the_wizard_reads_like_an_nhs_service_on_a_phone_and_a_desktop(
    journey: Callable[[str], Journey], requester: User, viewport: ViewportSize
) -> None:
    police = OrganisationFactory.create(name="Northshire Constabulary", kind="police")
    answers = police_request_steps(police)
    wide = viewport["width"] >= 1000
    j = journey(f"wizard-{viewport['width']}px")
    page = j.page
    page.set_viewport_size(viewport)

    def shot(name: str) -> str:
        # Screenshots are kept at the desktop width, where the journey's own checks expect them.
        return name if wide else ""

    j.log_in(requester)
    j.at(re.compile("here is what needs you"))
    j.open("/requests/")
    j.at("Your sharing requests")
    page.get_by_role("link", name="Start a new sharing request").click()
    j.at("Purpose", shot=shot("purpose"))
    assert _caption(page) == "New sharing request · Step 1 of 9"
    _fits_the_width(page)
    # A long answer shows how much is left, as the NHS.UK character count does.
    page.get_by_label("What is the information for?").fill("Police request.")
    counter = page.locator(".nhsuk-character-count", has=page.locator("#id_description"))
    expect(counter.locator(".nhsuk-character-count__status")).to_have_text(
        re.compile(r"You have 1,?185 characters remaining")
    )
    assert not SharingRequest.objects.exists()

    # Nothing else answered: NHS.UK error messages, not the browser's tooltips.
    page.get_by_role("button", name="Save and continue").click()
    j.at("Purpose", shot=shot("purpose-errors"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a short title for this request")
    expect(summary).to_contain_text(
        "Choose the organisation the information is shared with, or enter its name if it is not listed"
    )
    assert not SharingRequest.objects.exists()

    fill_step(page, answers["purpose"])
    page.get_by_role("button", name="Save and continue").click()
    j.at("Data")
    draft = SharingRequest.objects.get(requester=requester)
    assert _caption(page) == f"{draft.reference} · Step 2 of 9"
    fill_step(page, answers["data"])
    page.get_by_role("button", name="Save and continue").click()
    j.at("Data items")
    fill_step(page, answers["items"])
    page.get_by_role("button", name="Save and continue").click()
    j.at("Police request")
    # A page that only some requests have joins its section: the count stays "of 9".
    assert _caption(page) == f"{draft.reference} · Step 2 of 9: Data"
    fill_step(page, answers["police"])
    page.get_by_role("button", name="Save and continue").click()

    j.at("Lawful basis", shot=shot("lawful-basis-date-input"))
    assert _caption(page) == f"{draft.reference} · Step 3 of 9"
    _fits_the_width(page)
    date = page.get_by_role("group", name="Date the consent decision was recorded")
    lawful = {**answers["lawful_basis"], "consent": "given"}
    fill_step(page, lawful)
    date.get_by_label("Day", exact=True).fill("31")
    date.get_by_label("Month", exact=True).fill("2")
    date.get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name="Save and continue").click()
    j.at("Lawful basis", shot=shot("date-error"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The date the consent decision was recorded must be a real date"
    )
    expect(date.get_by_label("Day", exact=True)).to_have_value("31")
    _fits_the_width(page)

    steps = page.get_by_role("navigation", name="Steps of the request")
    expect(steps.get_by_role("listitem").filter(has_text="Check and submit")).to_contain_text("9.")
    j.finish(
        *(
            ("01-purpose.png", "02-purpose-errors.png", "03-lawful-basis-date-input.png", "04-date-error.png")
            if wide
            else ()
        )
    )


def test_list_tables_fit_a_phone_and_the_dpos_menu_keeps_to_one_line_on_a_desktop(
    journey: Callable[[str], Journey], requester: User, dpo: User
) -> None:
    for number in range(3):
        make_request(
            requester=requester,
            status=RequestStatus.SUBMITTED,
            title=f"Discharge summaries to Northshire Community Trust, batch {number}",
            recipient=OrganisationFactory.create(name=f"Northshire Community Healthcare NHS Trust {number}"),
        )
    j = journey("tables-and-menu")
    page = j.page

    page.set_viewport_size(PHONE)
    j.log_in(requester)
    j.at(re.compile("here is what needs you"))
    _fits_the_width(page)
    j.open("/requests/")
    j.at("Your sharing requests")
    _fits_the_width(page)
    j.log_out()

    j.log_in(dpo)
    j.at(re.compile("here is what needs you"))
    for path, heading in (("/queues/ig/", re.compile("IG")), ("/audit/", "Audit trail")):
        j.open(path)
        j.at(heading)
        _fits_the_width(page)

    page.set_viewport_size(VIEWPORT)
    j.open("/")
    j.at(re.compile("here is what needs you"), shot="dpo-home-1280px")
    menu = page.get_by_role("navigation", name="Menu")
    tops = menu.locator(".nhsuk-header__navigation-list > li:not([hidden])").evaluate_all(
        "items => items.filter((item) => item.offsetParent !== null)"
        ".map((item) => item.getBoundingClientRect().top)"
    )
    assert len(tops) >= 3 and len(set(round(top) for top in tops)) == 1, tops
    # What did not fit is one click away, not gone.
    more = menu.get_by_role("button", name=re.compile("More"))
    expect(more).to_be_visible()
    more.click()
    expect(menu.get_by_role("link", name="Audit trail")).to_be_visible()
    j.finish("01-dpo-home-1280px.png")
