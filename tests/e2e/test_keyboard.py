"""The wizard's first step, and its error path, done with the keyboard alone.

As the NHS.UK design system asks: the skip link comes first, Tab moves through the questions in the
order they are read, the error summary takes focus when the page comes back with errors, each of its
links moves focus to its question, and whatever has focus shows the NHS.UK yellow focus indicator.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from requests_app.models import SharingRequest
from tests.e2e.journey import E2E, Journey
from tests.factories import OrganisationFactory

pytestmark = E2E

NHS_FOCUS_YELLOW = "rgb(255, 235, 59)"
# How the element shows focus: its outline, shadow and background; for a radio or checkbox, the
# circle or box drawn before its label (the input itself is invisible).
_FOCUS_STYLE = """(el) => {
  const drawn = el.matches(".nhsuk-radios__input, .nhsuk-checkboxes__input");
  const style = getComputedStyle(drawn ? el.nextElementSibling : el, drawn ? "::before" : null);
  return [style.outlineColor, style.outlineStyle, style.boxShadow, style.backgroundColor].join(" ");
}"""
# The purpose step's questions in reading order; a radio group is one Tab stop.
PURPOSE_TAB_ORDER = (
    "title",
    "description",
    "function_served",
    "category",
    "direct_care",
    "urgency",
    "frequency",
    "direction",
    "recipient",
    "recipient_not_listed",
    "recipient_kind",
    "recipient_is_processor",
    "background",
)
# Optional questions: nothing is said about them when the page comes back with errors.
OPTIONAL = {"recipient_not_listed", "recipient_kind", "background"}


def _press(page: Page, key: str, *, focus_moves_to: Locator) -> None:
    """Press ``key``; focus must land on ``focus_moves_to`` and show the yellow indicator it lacked."""
    before = focus_moves_to.evaluate(_FOCUS_STYLE)
    page.keyboard.press(key)
    expect(focus_moves_to).to_be_focused()
    after = focus_moves_to.evaluate(_FOCUS_STYLE)
    assert NHS_FOCUS_YELLOW in after and NHS_FOCUS_YELLOW not in before, (key, before, after)


def _field(page: Page, name: str) -> Locator:
    """The element Tab stops at for a question: the field, or a radio group's first radio."""
    return page.locator(f"main form [name='{name}']").first


def test_the_first_wizard_step_and_its_errors_work_with_the_keyboard_alone(
    journey: Callable[[str], Journey], requester: User
) -> None:
    OrganisationFactory.create(name="Northshire Constabulary", kind="police")
    j = journey("keyboard-only-wizard")
    page = j.page
    j.log_in(requester)
    j.at(re.compile("here is what needs you"))
    j.open(reverse("request_list"))
    j.at("Your sharing requests")

    # From here on only keys are pressed.
    skip_link = page.get_by_role("link", name="Skip to main content")
    _press(page, "Tab", focus_moves_to=skip_link)
    page.keyboard.press("Enter")
    expect(page.locator("main#maincontent")).to_be_focused()
    _press(page, "Tab", focus_moves_to=page.get_by_role("link", name="Start a new sharing request"))
    page.keyboard.press("Enter")

    j.at("Purpose")
    _press(page, "Tab", focus_moves_to=skip_link)
    page.keyboard.press("Enter")
    for name in PURPOSE_TAB_ORDER:
        _press(page, "Tab", focus_moves_to=_field(page, name))
    save = page.get_by_role("button", name="Save and continue")
    _press(page, "Tab", focus_moves_to=save)
    page.keyboard.press("Enter")

    # Nothing was answered: the summary takes focus, and lists every question in the page's order.
    j.at("Purpose", shot="error-summary-has-focus")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert NHS_FOCUS_YELLOW in summary.evaluate(_FOCUS_STYLE)
    links = summary.get_by_role("link")
    radios = {"category", "direct_care", "urgency", "frequency", "direction", "recipient_is_processor"}
    questions = [name for name in PURPOSE_TAB_ORDER if name not in OPTIONAL]
    targets = [f"#id_{name}_0" if name in radios else f"#id_{name}" for name in questions]
    assert links.evaluate_all("links => links.map((link) => link.hash)") == targets
    expect(links.first).to_have_text("Enter a short title for this request")
    _press(page, "Tab", focus_moves_to=links.first)
    _press(page, "Enter", focus_moves_to=page.get_by_label("A short title for this request"))
    j.shot("summary-link-moved-focus-to-its-question")

    # Back into the summary at its last link, then up to the link for a radio question, which lands
    # on the question's first radio.
    page.keyboard.press("Shift+Tab")
    expect(links.last).to_be_focused()
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
    category_link = links.filter(has_text="Choose the kind of purpose")
    expect(category_link).to_be_focused()
    _press(page, "Enter", focus_moves_to=page.get_by_label("Direct care", exact=True))

    # Answer every question with keys alone, starting again from the title.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(_field(page, "title")).to_be_focused()
    page.keyboard.type("Admission dates for CID enquiry")
    page.keyboard.press("Tab")
    page.keyboard.type("Police request for the inpatient dates of a named patient.")
    page.keyboard.press("Tab")
    page.keyboard.type("Establishing where a suspect was at the time of a serious assault.")
    page.keyboard.press("Tab")  # kind of purpose: the seventh option is "Police or crime"
    for _ in range(6):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # direct care: "No", the second option
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")  # urgency: "Urgent", the second option
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # frequency: "One-off", the first option
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # direction: "We send", the first option
    page.keyboard.press("Space")
    _press(page, "Tab", focus_moves_to=page.get_by_label("Which organisation is it shared with?"))
    page.keyboard.press("ArrowDown")  # past "Not listed" to the one partner
    page.keyboard.press("Tab")  # the name of an organisation not listed: not needed
    page.keyboard.press("Tab")  # its kind: not needed either
    page.keyboard.press("Tab")  # only processes on our instructions: "No", the second option
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")  # background is optional
    _press(page, "Tab", focus_moves_to=save)
    j.shot("answered-with-keys")
    page.keyboard.press("Enter")

    j.at("Data", shot="next-step")
    saved = SharingRequest.objects.get(requester=requester).answers["purpose"]
    assert saved["category"] == "police_crime"
    assert saved["direct_care"] is False
    assert saved["urgency"] == "urgent"
    assert saved["frequency"] == "one_off"
    assert saved["direction"] == "outbound"
    assert saved["recipient_name"] == "Northshire Constabulary"
    assert saved["recipient_is_processor"] is False
    j.finish(
        "01-error-summary-has-focus.png",
        "02-summary-link-moved-focus-to-its-question.png",
        "03-answered-with-keys.png",
        "04-next-step.png",
    )
