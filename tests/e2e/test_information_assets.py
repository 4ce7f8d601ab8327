"""Journey: an asset owner registers an asset, a requester raises a request from it, the owner authorises
it before the IG team, the flow is registered under the asset, and the DPO finds it in the record of
processing and its CSV export."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from igportal.roles import Role
from requests_app.demo import catalogue_code, saved_from_answers
from requests_app.models import DataFlow, InformationAsset, RequestStatus, SharingRequest
from requests_app.services.workflow import transition
from tests.conftest import MakeUser
from tests.e2e.journey import E2E, Journey
from tests.factories import OrganisationFactory, make_request

pytestmark = E2E

HOME = re.compile("here is what needs you")
CHECK = "Check your decision before you sign it"
EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "commissioning_extract_pseudonymise.json"
ASSET = "Cardiology patient administration system"
FLOW_NAME = "Monthly cardiology activity extract"


def _draft_with_its_answers(requester: User) -> SharingRequest:
    """The requester's routine request, every wizard step answered and saved, not yet submitted."""
    worked = json.loads(EXAMPLE.read_text())
    recipient = OrganisationFactory.create(name="Northshire ICB commissioning team", kind="icb")
    draft = make_request(
        requester=requester,
        status=RequestStatus.DRAFT,
        example="commissioning_extract_pseudonymise",
        purpose_category="planning_commissioning",
        frequency="routine",
        data_form=worked["answers"]["data"]["data_form"],
        recipient=recipient,
        title="Cardiology activity for commissioning",
        items={catalogue_code(item["code"]) for item in worked["answers"]["data"]["items"]},
    )
    draft.answers = saved_from_answers(worked["answers"], title=draft.title, recipient=recipient)
    draft.save(update_fields=["answers"])
    return draft


def test_an_owner_authorises_sharing_from_their_asset_and_the_dpo_finds_the_flow_in_the_record(
    journey: Callable[[str], Journey],
    make_user: MakeUser,
    requester: User,
    ig_officer: User,
    caldicott: User,
    siro: User,
    dpo: User,
) -> None:
    owner = make_user(Role.INFORMATION_ASSET_OWNER, first_name="Imran", last_name="Aziz")
    draft = _draft_with_its_answers(requester)
    j = journey("information-assets")
    page = j.page

    # The owner registers the asset and marks it in use.
    j.log_in(owner, shots=True)
    j.at(HOME)
    page.get_by_role("link", name="Register an information asset").click()
    j.at("Register an information asset", shot="register-asset")
    page.get_by_label("Asset", exact=True).fill(ASSET)
    page.get_by_label("What it holds and what it is for", exact=True).fill(
        "Referrals, appointments and procedures."
    )
    page.get_by_label("Business area", exact=True).fill("Cardiology")
    page.get_by_label("Format", exact=True).select_option(label="Electronic system")
    page.get_by_label("Location", exact=True).fill("Northshire PAS, cardiology module")
    page.get_by_label("Categories of data subjects", exact=True).fill("Patients referred to cardiology")
    page.get_by_label("Categories of personal data", exact=True).fill("Demographics, diagnoses, episodes")
    page.get_by_role("group", name="Does it hold special category data, such as health?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Sensitivity", exact=True).select_option(label="Official-Sensitive")
    page.get_by_label("UK GDPR Article 6 condition", exact=True).select_option(value="e_public_task")
    page.get_by_label("UK GDPR Article 9 condition", exact=True).select_option(value="h_health_social_care")
    page.get_by_label("Common law duty of confidentiality basis").select_option(value="section_251")
    page.get_by_label("Retention period", exact=True).fill("8 years after the conclusion of treatment")
    page.get_by_label("Retention authority", exact=True).fill("NHS Records Management Code of Practice 2023")
    page.get_by_label("Security measures", exact=True).fill(
        "Smartcard access by role; audit reviewed monthly."
    )
    page.get_by_role("group", name="Is it critical to the organisation (DSPT)?").get_by_label("Yes").check()
    review_on = timezone.localdate() + datetime.timedelta(days=300)
    retention_review_on = timezone.localdate() + datetime.timedelta(days=120)
    for legend, when in (("Next review", review_on), ("Next retention review", retention_review_on)):
        dates = page.get_by_role("group", name=legend, exact=True)
        dates.get_by_label("Day", exact=True).fill(str(when.day))
        dates.get_by_label("Month", exact=True).fill(str(when.month))
        dates.get_by_label("Year", exact=True).fill(str(when.year))
    page.get_by_role("button", name="Save").click()
    j.at(re.compile(f"^{ASSET}.*Draft"), shot="asset-draft")
    page.get_by_role("button", name="Mark the asset as in use").click()
    j.at(re.compile(f"^{ASSET}.*Active"), shot="asset-active")
    asset = InformationAsset.objects.get(name=ASSET)
    assert asset.owner == owner and asset.status == "active"
    assert (asset.next_review_on, asset.retention_review_on) == (review_on, retention_review_on)
    j.log_out()

    # The requester names the asset on their request and submits it.
    j.log_in(requester)
    j.at(HOME)
    j.open(reverse("request_detail", args=[draft.reference]))
    j.at(draft.title)
    page.get_by_role("link", name=re.compile("^Choose the information assets")).click()
    j.at("Which information assets does the data come from?", shot="choose-asset")
    page.get_by_label(re.compile(f"^{asset.reference}: {ASSET}")).check()
    page.get_by_role("button", name="Save").click()
    j.at(draft.title, shot="request-names-asset")
    expect(page.get_by_test_id("request-assets")).to_contain_text(
        f"{asset.reference} {ASSET} (owner Imran Aziz)"
    )
    j.open(reverse("wizard_review", args=[draft.reference]))
    j.at("Check the result and submit")
    page.get_by_role("button", name="Submit for review").click()
    j.at(draft.title)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    assert draft.stages[:2] == ["iao", "ig_dpo"]
    j.log_out()
    transition(draft, "start_review", actor=ig_officer)
    assert draft.status == RequestStatus.AWAITING_IAO

    # The owner finds it on their home page and authorises it, before the IG team signs.
    j.log_in(owner)
    j.at(HOME)
    page.get_by_role(
        "link", name=re.compile(f"Authorise or refuse sharing from your asset: {draft.reference}")
    ).click()
    j.at(draft.title, shot="owner-decides")
    page.get_by_label("Approve with conditions", exact=True).check()
    page.get_by_label("Reasons", exact=True).fill(
        "Pseudonymised at source; the ICB needs episode level data to plan the service."
    )
    page.get_by_role("button", name="Check your decision").click()
    j.at(CHECK)
    page.get_by_role("button", name="Confirm and sign").click()
    j.at(draft.title, shot="owner-authorised")
    draft.refresh_from_db()
    assert draft.status == RequestStatus.IG_REVIEW
    j.log_out()

    # The other stages sign as they always do; then the IG officer registers the flow under the asset.
    signers = {"ig_dpo": ig_officer, "caldicott_guardian": caldicott, "siro": siro}
    for stage in draft.stages[1:]:
        transition(
            draft,
            "approve",
            actor=signers[stage],
            comment="Pseudonymised extract under section 251 support; proportionate to the planning need.",
        )
    assert draft.status in {RequestStatus.APPROVED, RequestStatus.APPROVED_WITH_CONDITIONS}
    j.log_in(ig_officer)
    j.at(HOME)
    j.open(reverse("request_flow", args=[draft.reference]))
    j.at("Register it as a data flow", shot="register-flow")
    expect(page.get_by_label("Information asset", exact=True)).to_have_value(str(asset.pk))
    page.get_by_label("What the flow is").fill(FLOW_NAME)
    page.get_by_label("How often it runs").select_option(label="Monthly")
    page.get_by_label("Common law duty of confidentiality basis").select_option(value="section_251")
    page.get_by_label("Information sharing agreement").select_option(label="Draft a new ISA for this flow")
    page.get_by_role("button", name="Register the data flow").click()
    j.at(re.compile(f"^{FLOW_NAME}"), shot="flow-under-asset")
    flow = DataFlow.objects.get(request=draft)
    assert flow.asset == asset and flow.asset_owner == owner
    expect(page.locator("main")).to_contain_text(f"{asset.reference}: {ASSET}")
    j.log_out()

    # The DPO finds the flow in the record of processing, and in its CSV export.
    j.log_in(dpo)
    j.at(HOME)
    j.open(reverse("ropa"))
    j.at("Record of processing activities", shot="ropa")
    row = page.get_by_test_id("ropa-row").filter(has_text=flow.reference)
    expect(row).to_contain_text(draft.recipient.name if draft.recipient else "")
    expect(row).to_contain_text(asset.reference)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download what this filter shows as CSV").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert flow.reference in exported and asset.reference in exported

    j.finish(
        "01-log-in.png",
        "02-register-asset.png",
        "03-asset-draft.png",
        "04-asset-active.png",
        "05-choose-asset.png",
        "06-request-names-asset.png",
        "07-owner-decides.png",
        "08-owner-authorised.png",
        "09-register-flow.png",
        "10-flow-under-asset.png",
        "11-ropa.png",
    )
