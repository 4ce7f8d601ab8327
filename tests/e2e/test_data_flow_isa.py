"""Journey 3: a routine commissioning request becomes a data flow under a new ISA whose PDF downloads.

The ISA comes into force when every party has signed: the Caldicott Guardian's approval is our signature,
and the partner signs through the link the portal emails them (issue 19)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from requests_app.models import (
    AgreementStatus,
    DataFlow,
    DataFlowStatus,
    PartnerSignatory,
    RequestStatus,
    SignatoryRole,
)
from tests.e2e.journey import E2E, Journey
from tests.factories import make_request

pytestmark = E2E

HOME = re.compile("here is what needs you")
FLOW_NAME = "Monthly cardiology activity extract"


def test_a_routine_request_becomes_a_data_flow_under_a_new_isa_whose_pdf_downloads(
    journey: Callable[[str], Journey], requester: User, ig_officer: User, caldicott: User
) -> None:
    sharing_request = make_request(
        requester=requester,
        status=RequestStatus.APPROVED,
        example="commissioning_extract_pseudonymise",
        purpose_category="planning_commissioning",
        frequency="routine",
        data_form="pseudonymised",
        items=("nhs_number", "health_data"),
        title="Cardiology activity for commissioning",
    )
    reference = sharing_request.reference
    assert sharing_request.recipient is not None
    recipient = sharing_request.recipient.name
    # The partner's named signatory, who signs the ISA through the link the portal emails.
    PartnerSignatory.objects.create(
        organisation=sharing_request.recipient,
        name="Pat Partner",
        role=SignatoryRole.DPO,
        email="pat.partner@partner.example",
    )
    j = journey("3-data-flow-isa")
    page = j.page

    # The IG officer registers the approved request as a flow, drafting a new ISA for it.
    j.log_in(ig_officer, shots=True)
    j.at(HOME)
    j.open(reverse("request_detail", args=[reference]))
    j.at(sharing_request.title, shot="approved-request")
    page.get_by_test_id("registers").get_by_role("link", name="Register it as a data flow").click()
    j.at("Register it as a data flow", shot="register-flow")
    assert page.url.endswith(reverse("request_flow", args=[reference]))
    page.get_by_label("What the flow is").fill(FLOW_NAME)
    page.get_by_label("Source information asset").fill("Cardiology patient administration system")
    page.get_by_label("How often it runs").select_option(label="Monthly")
    # The request's answers name no common law basis, which the ISA it drafts could not be sent
    # without: the officer records the section 251 support the extract runs under.
    page.get_by_label("Common law duty of confidentiality basis").select_option(value="section_251")
    page.get_by_label("Information sharing agreement").select_option(label="Draft a new ISA for this flow")
    page.get_by_role("button", name="Register the data flow").click()
    j.at(re.compile(f"^{FLOW_NAME}.*Awaiting its ISA"), shot="flow-awaiting-isa")
    flow = DataFlow.objects.get(request=sharing_request)
    assert flow.status == DataFlowStatus.AWAITING_ISA
    assert flow.agreement is not None
    agreement = flow.agreement

    # It opens the drafted ISA and sends it for approval.
    page.get_by_role("link", name=f"{agreement.reference}: {agreement.title}").click()
    j.at(re.compile(f"^{re.escape(recipient)}.*Draft"), shot="isa-draft")
    assert page.url.endswith(reverse("agreement_detail", args=[agreement.pk]))
    page.get_by_role("button", name="Send to the Caldicott Guardian").click()
    j.at(re.compile(f"^{re.escape(recipient)}.*Awaiting Caldicott Guardian"), shot="isa-sent")
    j.log_out()

    # The Caldicott Guardian approves it: our signature, and the partner is asked for theirs.
    j.log_in(caldicott)
    j.at(HOME)
    j.open(reverse("agreement_detail", args=[agreement.pk]))
    j.at(re.compile(f"^{re.escape(recipient)}.*Awaiting Caldicott Guardian"), shot="isa-awaiting-caldicott")
    page.get_by_role("button", name="Approve and sign for us").click()
    j.at(re.compile(f"^{re.escape(recipient)}.*Awaiting signatures"), shot="isa-approved")
    version = agreement.versions.get(number=1)
    assert version.status == AgreementStatus.AWAITING_SIGNATURES
    flow.refresh_from_db()
    assert flow.status == DataFlowStatus.AWAITING_ISA
    j.log_out()

    # The partner's signatory signs through the link in their email: the ISA and the flow come into force.
    (email,) = [message for message in mail.outbox if message.to == ["pat.partner@partner.example"]]
    link = re.search(r"https?://\S+?(/sign/[0-9a-f]{64}/)", str(email.body))
    assert link is not None, email.body
    j.open(link.group(1))
    j.at(f"Information sharing agreement: {agreement.title}")
    page.get_by_label("Your full name").fill("Pat Partner")
    page.get_by_label("Your role").fill("Data Protection Officer")
    page.get_by_label("I make the declaration above").check()
    page.get_by_role("button", name="Sign version 1").click()
    j.at("Thank you: your signature is recorded.", shot="isa-partner-signed")
    version.refresh_from_db()
    assert version.status == AgreementStatus.ACTIVE
    flow.refresh_from_db()
    assert flow.status == DataFlowStatus.ACTIVE

    j.log_in(caldicott)
    j.at(HOME)
    j.open(reverse("agreement_detail", args=[agreement.pk]))
    j.at(re.compile(f"^{re.escape(recipient)}.*Active"), shot="isa-active")
    expect(page.locator("main")).to_contain_text(f"{flow.reference}: {FLOW_NAME}, to {recipient} (active)")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download the PDF")).click()
    download = download_info.value
    assert download.url.endswith(reverse("agreement_pdf", args=[agreement.pk, 1]))
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    j.finish(
        "01-log-in.png",
        "02-enter-code.png",
        "03-approved-request.png",
        "04-register-flow.png",
        "05-flow-awaiting-isa.png",
        "06-isa-draft.png",
        "07-isa-sent.png",
        "08-isa-awaiting-caldicott.png",
        "09-isa-approved.png",
        "10-isa-partner-signed.png",
        "11-isa-active.png",
    )
