"""Journey for issue 19: two partners sign an ISA through the links they are emailed.

The IG officer sends version 1 to both partners; one signs, the other declines with a reason; the IG
officer drafts version 2 answering it and sends that; the Caldicott Guardian signs for us, both partners
sign through their new links, and version 2 comes into force. Its PDF names every signer beside the hash
of the copy they signed. The links are taken from the emails the portal sent, as a partner would.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from requests_app.models import (
    AgreementStatus,
    AgreementVersion,
    Organisation,
    PartnerSignatory,
    SignatoryRole,
    SignatureStatus,
)
from tests.e2e.journey import E2E, Journey
from tests.factories import OrganisationFactory, make_agreement

pytestmark = E2E

HOME = re.compile("here is what needs you")
LINK = re.compile(r"https?://\S+?(/sign/[0-9a-f]{64}/)")
TITLE = "Northshire and Westvale joint care records"
DECLINED = "Retention must be one year, not two: our records policy allows no longer."


def _partner(name: str, signer: str, email: str) -> Organisation:
    organisation = OrganisationFactory.create(name=name)
    PartnerSignatory.objects.create(
        organisation=organisation, name=signer, role=SignatoryRole.DPO, email=email
    )
    return organisation


def _link_emailed_to(email: str, version: int) -> str:
    """The path of the link in the latest email asking ``email`` to sign ``version``, as they receive it."""
    sent = [
        message
        for message in mail.outbox
        if message.to == [email] and f"version {version} of the information sharing agreement" in message.body
    ]
    assert sent, (email, version, [(m.to, m.subject) for m in mail.outbox])
    found = LINK.search(str(sent[-1].body))
    assert found is not None, sent[-1].body
    return found.group(1)


def _pdf_text(path: Path) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages).split()
    )


def test_two_partners_sign_through_their_links_one_declines_version_2_is_signed_by_all_and_in_force(
    journey: Callable[[str], Journey], ig_officer: User, caldicott: User
) -> None:
    north = _partner("Northshire Community Trust", "Nadia North", "nadia.north@northshire.example")
    west = _partner("Westvale Borough Council", "Wes Vale", "wes.vale@westvale.example")
    version_1 = make_agreement(author=ig_officer, title=TITLE, parties=[north, west])
    agreement = version_1.agreement
    heading = re.compile(f"^{re.escape(TITLE)}")
    j = journey("isa-partner-signatures")
    page = j.page

    # The IG officer sends version 1 to every party.
    j.log_in(ig_officer)
    j.at(HOME)
    j.open(reverse("agreement_detail", args=[agreement.pk]))
    j.at(re.compile(f"^{re.escape(TITLE)}.*Draft"), shot="v1-draft")
    page.get_by_role("button", name="Send to every party for signature").click()
    j.at(re.compile(f"^{re.escape(TITLE)}.*Awaiting signatures"), shot="v1-sent")
    version_1.refresh_from_db()
    assert version_1.status == AgreementStatus.AWAITING_SIGNATURES and len(version_1.signing_sha256) == 64
    j.log_out()

    # Northshire's DPO opens the link from their email and signs version 1.
    north_v1 = _link_emailed_to("nadia.north@northshire.example", 1)
    j.open(north_v1)
    j.at(f"Information sharing agreement: {TITLE}", shot="v1-north-reads")
    expect(page.get_by_test_id("signing-hash")).to_have_text(version_1.signing_sha256)
    expect(page.locator("main")).not_to_contain_text("Wes Vale")
    page.get_by_label("Your full name").fill("Nadia North")
    page.get_by_label("Your role").fill("Data Protection Officer")
    page.get_by_label("I make the declaration above").check()
    page.get_by_role("button", name="Sign version 1").click()
    j.at("Thank you: your signature is recorded.", shot="v1-north-signed")

    # Westvale's DPO declines, saying why.
    j.open(_link_emailed_to("wes.vale@westvale.example", 1))
    j.at(f"Information sharing agreement: {TITLE}")
    page.get_by_label("Why you decline").fill(DECLINED)
    page.get_by_role("button", name="Decline to sign").click()
    j.at(re.compile("^You declined to sign"), shot="v1-west-declined")
    assert version_1.signatures.get(organisation=west).status == SignatureStatus.DECLINED

    # The IG officer reads the reason and answers it with version 2, which asks everyone again.
    j.log_in(ig_officer)
    j.at(HOME)
    j.open(reverse("agreement_detail", args=[agreement.pk]))
    j.at(heading)
    expect(page.get_by_test_id("signatures")).to_contain_text(DECLINED)
    j.shot("v1-decline-seen")
    page.get_by_role("link", name="Change it: draft version 2").click()
    j.at(f"Draft version 2 of {agreement.reference}")
    page.get_by_label("Retention and destruction").fill("One year, then securely deleted.")
    page.get_by_label("What changes in this version").fill("Retention cut to one year, as Westvale asked.")
    page.get_by_role("button", name="Save the draft").click()
    j.at(re.compile(f"^{re.escape(TITLE)}.*Draft"), shot="v2-draft")
    page.get_by_role("button", name="Send to every party for signature").click()
    j.at(re.compile(f"^{re.escape(TITLE)}.*Awaiting signatures"), shot="v2-sent")
    version_1.refresh_from_db()
    assert version_1.status == AgreementStatus.SUPERSEDED
    version_2 = AgreementVersion.objects.get(agreement=agreement, number=2)
    assert version_2.signing_sha256 not in {"", version_1.signing_sha256}
    j.log_out()

    # The Caldicott Guardian signs version 2 for us, in the portal.
    j.log_in(caldicott)
    j.at(HOME)
    j.open(reverse("agreement_version", args=[agreement.pk, 2]))
    j.at(heading)
    page.get_by_label("I make the declaration above").check()
    page.get_by_role("button", name="Sign for us").click()
    j.at(re.compile(f"^{re.escape(TITLE)}.*Awaiting signatures"), shot="v2-signed-for-us")
    j.log_out()

    # Northshire's version 1 link no longer works: version 2 asks again, through a new link.
    j.open(north_v1)
    j.at("Page not found")
    for email, name, role in (
        ("nadia.north@northshire.example", "Nadia North", "Data Protection Officer"),
        ("wes.vale@westvale.example", "Wes Vale", "Senior Information Risk Owner"),
    ):
        link = _link_emailed_to(email, 2)
        assert link != north_v1
        j.open(link)
        j.at(f"Information sharing agreement: {TITLE}")
        expect(page.get_by_test_id("signing-hash")).to_have_text(version_2.signing_sha256)
        expect(page.locator("main")).to_contain_text("One year, then securely deleted.")
        page.get_by_label("Your full name").fill(name)
        page.get_by_label("Your role").fill(role)
        page.get_by_label("I make the declaration above").check()
        page.get_by_role("button", name="Sign version 2").click()
        j.at("Thank you: your signature is recorded.", shot=f"v2-{name.split()[0].lower()}-signed")

    # Every party has signed: version 2 is in force, and its PDF shows each signature with the hash.
    version_2.refresh_from_db()
    assert version_2.status == AgreementStatus.ACTIVE
    assert version_2.history.filter(action="come_into_force").count() == 1
    j.log_in(ig_officer)
    j.at(HOME)
    j.open(reverse("agreement_detail", args=[agreement.pk]))
    j.at(re.compile(f"^{re.escape(TITLE)}.*Active"), shot="v2-active")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download the PDF")).click()
    download = download_info.value
    assert urlsplit(download.url).path == reverse("agreement_pdf", args=[agreement.pk, 2])
    text = _pdf_text(Path(download.path()))
    for words in (
        "Nadia North",
        "Wes Vale",
        caldicott.get_full_name(),
        "Northshire Community Trust",
        "Westvale",
    ):
        assert words in text, words
    # Three signatures, each naming the hash of the copy signed, and the clause naming it once more;
    # table cells may break a long hash across lines, so the text is read without its spaces.
    assert "".join(text.split()).count(version_2.signing_sha256) == 4
    assert version_1.signing_sha256 not in "".join(text.split())

    j.finish(
        "01-v1-draft.png",
        "02-v1-sent.png",
        "03-v1-north-reads.png",
        "04-v1-north-signed.png",
        "05-v1-west-declined.png",
        "06-v1-decline-seen.png",
        "07-v2-draft.png",
        "08-v2-sent.png",
        "09-v2-signed-for-us.png",
        "10-v2-nadia-signed.png",
        "11-v2-wes-signed.png",
        "12-v2-active.png",
    )
