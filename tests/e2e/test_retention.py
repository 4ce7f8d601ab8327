"""Journeys 7 and 8: the DPO reviews the disposal list, destroys one record, holds another and finds the
destruction record; an IG officer logs an erasure request, sees its due date with its working, and closes
it with the parties told."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from requests_app.models import (
    AccessRequest,
    AccessRequestOutcome,
    AccessRequestStatus,
    DestructionRecord,
    OrganisationSettings,
)
from requests_app.services.retention import disposal_sweep
from tests.e2e.journey import E2E, Journey
from tests.factories import AccessRequestFactory

pytestmark = E2E


def test_the_dpo_destroys_one_record_holds_another_and_finds_the_destruction_record(
    journey: Callable[[str], Journey], dpo: User
) -> None:
    today = timezone.localdate()
    first, second = (
        AccessRequestFactory.create(
            requester_name=name,
            received_on=today - timedelta(days=days),
            status=AccessRequestStatus.RESPONDED,
            responded_on=today - timedelta(days=days - 20),
            outcome=AccessRequestOutcome.PROVIDED_IN_FULL,
        )
        for name, days in (("Olive Hart", 1500), ("Ben Ward", 1450))
    )
    assert disposal_sweep(today=today).raised == 2
    j = journey("7-retention-disposal")
    page = j.page
    j.log_in(dpo)
    j.at(re.compile("here is what needs you"))
    menu = page.get_by_role("navigation", name="Menu")
    retention_link = menu.get_by_role("link", name="Retention")
    if not retention_link.is_visible():
        # A long menu folds its last links under "More".
        menu.get_by_role("button", name="More").click()
    retention_link.click()
    j.at("Retention schedule", shot="schedule")
    page.get_by_role("link", name="Records awaiting a disposal decision").click()
    j.at("Records past their retention period", shot="disposal-list")
    disposals = page.get_by_test_id("disposals")
    expect(disposals).to_contain_text(first.reference)
    expect(disposals).not_to_contain_text("Olive")

    disposals.get_by_role("link", name=first.reference).click()
    j.at(re.compile(rf"^{first.reference}"))
    page.get_by_label("Comment (optional)").fill("Past its period; nothing calls for keeping it.")
    page.get_by_role("button", name="Approve destruction").click()
    j.at(re.compile(rf"^{first.reference}"), shot="destroyed")
    expect(page.get_by_test_id("destruction-record")).to_contain_text(dpo.get_full_name())

    page.get_by_role("link", name="Back to records past their retention period").click()
    j.at("Records past their retention period")
    page.get_by_test_id("disposals").get_by_role("link", name=second.reference).click()
    j.at(re.compile(rf"^{second.reference}"))
    hold = page.locator("form", has=page.get_by_role("button", name="Place a legal hold"))
    hold.get_by_label("ICO investigation").check()
    hold.get_by_label("Reasons (required)").fill("The ICO is investigating a complaint about this case.")
    hold.get_by_role("button", name="Place a legal hold").click()
    j.at(re.compile(rf"^{second.reference}"), shot="held")
    expect(page.get_by_role("button", name="Approve destruction")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Legal hold")

    page.get_by_role("link", name="Back to records past their retention period").click()
    j.at("Records past their retention period")
    page.get_by_role("link", name="Destruction records").click()
    j.at("Destruction records", shot="destruction-records")
    record = page.get_by_test_id("destructions")
    expect(record).to_contain_text(first.reference)
    expect(record).to_contain_text("Records Management Code of Practice")
    expect(record).not_to_contain_text(second.reference)

    first.refresh_from_db()
    assert "Olive" not in first.requester_name
    assert DestructionRecord.objects.get().approved_by == dpo
    second.refresh_from_db()
    assert second.requester_name == "Ben Ward"
    j.finish(
        "01-schedule.png",
        "02-disposal-list.png",
        "03-destroyed.png",
        "04-held.png",
        "05-destruction-records.png",
    )


def test_an_ig_officer_logs_an_erasure_sees_its_due_date_and_closes_it_with_the_parties_told(
    journey: Callable[[str], Journey], ig_officer: User
) -> None:
    today = timezone.localdate()
    received = today - timedelta(days=3)
    j = journey("8-erasure-request")
    page = j.page
    j.log_in(ig_officer)
    j.at(re.compile("here is what needs you"))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Access requests").click()
    j.at("Access requests")
    page.get_by_role("link", name="Log an access request").click()
    j.at("Log an access request")
    page.get_by_label("Erasure (UK GDPR Art 17)", exact=True).check()
    group = page.get_by_role("group", name="Date received")
    for part, number in (("Day", received.day), ("Month", received.month), ("Year", received.year)):
        group.get_by_label(part, exact=True).fill(str(number))
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Requester's name", exact=True).fill("Sam Rivers")
    page.get_by_label("Requester's email", exact=True).fill("sam.rivers@example.org")
    page.get_by_label("What is asked for", exact=True).fill("Erase me from the appointments mailing list.")
    page.get_by_role("button", name="Log the request").click()
    j.at(re.compile(r"^ERAS-\d{4}-\d{5}"), shot="erasure-logged")

    case = AccessRequest.objects.get(kind="erasure")
    deadline = case.deadline(today=today, nation=OrganisationSettings.load().nation)
    assert deadline.due is not None
    panel = page.get_by_test_id("deadline")
    expect(panel.get_by_role("heading", level=2)).to_contain_text(dateformat.format(deadline.due, "D j M Y"))
    for step in deadline.working.steps:
        expect(panel).to_contain_text(step)

    page.locator("summary", has_text="Record the response").click()
    respond = page.locator("form", has=page.get_by_role("button", name="Record the response"))
    group = respond.get_by_role("group", name="Date the response was sent")
    for part, number in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        group.get_by_label(part, exact=True).fill(str(number))
    respond.get_by_label("Carried out in full").check()
    respond.get_by_label("Recipients told (UK GDPR Art 19)").fill(
        "The appointments team's mailing provider, told by email today."
    )
    respond.get_by_role("button", name="Record the response").click()
    j.at(re.compile(rf"^{case.reference}"), shot="erasure-closed")
    expect(page.get_by_test_id("recipients-told")).to_contain_text("mailing provider")
    case.refresh_from_db()
    assert (case.status, case.outcome) == (AccessRequestStatus.RESPONDED, "complied")
    j.finish("01-erasure-logged.png", "02-erasure-closed.png")
