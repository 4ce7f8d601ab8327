"""Journey 4: an IG officer logs an FOI and a SAR, then opens each and sees its due date and the working."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from requests_app.deadlines import deadline_working, due_date
from requests_app.models import AccessRequest, OrganisationSettings
from tests.e2e.journey import E2E, Journey

pytestmark = E2E


def _day(day: date) -> str:
    return dateformat.format(day, "D j M Y")


def _received_so_the_sar_date_moves(today: date) -> date:
    """The latest day of the last fortnight whose SAR falls due on a weekend or bank holiday.

    Over any 15 days of receipt the one-month dates cover at least eight days in a row, so one of
    them is a Saturday or Sunday and the working shows a day skipped, whatever day the test runs.
    """
    return next(
        day
        for day in (today - timedelta(days=back) for back in range(15))
        if deadline_working("sar", day, nation=OrganisationSettings.load().nation, today=today).skipped
    )


def test_an_ig_officer_logs_an_foi_and_a_sar_and_sees_each_due_date_and_its_working(
    journey: Callable[[str], Journey], ig_officer: User
) -> None:
    today = timezone.localdate()
    cases: dict[str, dict[str, str | date]] = {
        "foi": {
            "Freedom of information (FOI)": "check",
            "Date received": today,
            "Email": "check",
            "Requester's name": "Jordan Reeve",
            "Requester's email": "jordan.reeve@example.org",
            "What is asked for": "How many information sharing agreements the trust signed in 2025.",
        },
        "sar": {
            "Subject access request (SAR)": "check",
            "Date received": _received_so_the_sar_date_moves(today),
            "Post": "check",
            "Requester's name": "Alex Morgan",
            "Requester's postal address": "12 Mill Lane\nNorthshire NS1 2AB",
            "What is asked for": "Copies of my maternity records from 2024.",
        },
    }
    j = journey("4-access-requests")
    page = j.page
    j.log_in(ig_officer, shots=True)
    j.at(re.compile("here is what needs you"))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Access requests").click()
    j.at("Access requests")

    for kind, answers in cases.items():
        page.get_by_role("link", name="Log an access request").click()
        j.at("Log an access request", shot=f"log-{kind}")
        for label, value in answers.items():
            if isinstance(value, date):
                # The NHS.UK date input: three boxes in a group named by its legend.
                group = page.get_by_role("group", name=label)
                for part, number in (("Day", value.day), ("Month", value.month), ("Year", value.year)):
                    group.get_by_label(part, exact=True).fill(str(number))
                continue
            field = page.get_by_label(label, exact=True)
            field.check() if value == "check" else field.fill(str(value))
        page.get_by_label("Assigned handler").select_option(label=ig_officer.get_full_name())
        page.get_by_role("button", name="Log the request").click()
        j.at(re.compile(rf"^{kind.upper()}-\d{{4}}-\d{{5}}"))
        expect(page.get_by_role("status")).to_contain_text("logged")
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Access requests").click()
        j.at("Access requests", shot="register" if kind == "sar" else "")

    foi, sar = AccessRequest.objects.get(kind="foi"), AccessRequest.objects.get(kind="sar")
    nation = OrganisationSettings.load().nation
    register = page.locator("main table")
    for case in (foi, sar):
        row = register.locator("tr", has_text=case.reference)
        expect(row).to_contain_text(
            dateformat.format(due_date(case.kind, case.received_on, nation=nation), "j M Y")
        )

    for case in (foi, sar):
        register.get_by_role("link", name=case.reference).click()
        j.at(re.compile(rf"^{case.reference}"), shot=f"{case.kind}-due-date-and-working")
        working = deadline_working(case.kind, case.received_on, nation=nation, today=today)
        assert working.skipped, "the working should show the days the count passes over"
        deadline = page.get_by_test_id("deadline")
        expect(deadline.get_by_role("heading", level=2)).to_have_text(
            f"Due {_day(due_date(case.kind, case.received_on, nation=nation))}"
        )
        expect(deadline).to_contain_text(working.rule)
        expect(deadline).to_contain_text(working.start_reason)
        for step in working.steps:
            expect(deadline).to_contain_text(step)
        for skipped in working.skipped:
            expect(deadline).to_contain_text(str(skipped))
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Access requests").click()
        j.at("Access requests")

    j.finish(
        "01-log-in.png",
        "02-enter-code.png",
        "03-log-foi.png",
        "04-log-sar.png",
        "05-register.png",
        "06-foi-due-date-and-working.png",
        "07-sar-due-date-and-working.png",
    )
