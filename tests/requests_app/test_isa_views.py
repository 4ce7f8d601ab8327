"""The ISA register's pages: drafting, versions, approval and the PDF, from a routine request to download."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from requests_app.models import (
    AgreementDocument,
    AgreementStatus,
    AgreementVersion,
    AuditEvent,
    DataFlow,
    DataFlowStatus,
    DataItemType,
    PartnerSignatory,
    RequestStatus,
    SignatoryRole,
)
from requests_app.naming import FORBIDDEN
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory, make_agreement, make_request, sign_for_every_partner
from tests.requests_app.registers import csv_rows

pytestmark = pytest.mark.django_db
A = AgreementStatus
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _form(version: AgreementVersion | None = None, **changes: Any) -> dict[str, Any]:
    partner = (
        version.parties.first() if version else OrganisationFactory.create(name="Northshire Community Trust")
    )
    assert partner is not None
    items = DataItemType.objects.filter(code__in=["nhs_number", "health_data"])
    today = timezone.localdate()
    return {
        "title": version.agreement.title if version else "Northshire Community Trust",
        "parties": [partner.pk],
        "purpose": "Monthly activity extract to plan community cardiology services.",
        "art6": "e_public_task",
        "art9": "h_health_social_care",
        "confidentiality_basis": "section_251",
        "data_subjects": "Patients with a cardiology episode.",
        "data_form": "pseudonymised",
        "data_items": [item.pk for item in items],
        "transfer_method": "secure_file_transfer",
        "security_measures": "Encrypted in transit and at rest.",
        "retention": "Two years, then deleted.",
        "subject_rights": "Each party answers requests it receives.",
        "onward_sharing_prohibited": "on",
        "breach_handling": "Tell the other party within 24 hours.",
        "start_on": today.strftime("%d/%m/%Y"),
        "review_on": (today + datetime.timedelta(days=365)).strftime("%d/%m/%Y"),
        **changes,
    }


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_a_routine_commissioning_request_becomes_a_flow_under_a_new_isa_whose_pdf_downloads(
    requester: User,
    ig_officer: User,
    caldicott: User,
    dpo: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    request = make_request(
        requester=requester,
        status=RequestStatus.APPROVED_WITH_CONDITIONS,
        example="commissioning_extract_pseudonymise",
        purpose_category="planning_commissioning",
        frequency="routine",
        items=("nhs_number", "date_of_birth", "postcode", "health_data"),
    )
    officer = client_for(ig_officer)
    items = DataItemType.objects.filter(code__in=["nhs_number", "health_data"])
    registered = officer.post(
        reverse("request_flow", args=[request.reference]),
        {
            "name": "Monthly cardiology activity extract",
            "source_asset": "Cardiology PAS",
            "asset_owner": ig_officer.pk,
            "schedule": "monthly",
            "data_form": "pseudonymised",
            "data_items": [item.pk for item in items],
            "art6": "e_public_task",
            "art9": "h_health_social_care",
            "confidentiality_basis": "section_251",
            "transfer_method": "secure_file_transfer",
            "agreement": "",
            "next_review_on": (timezone.localdate() + datetime.timedelta(days=365)).strftime("%d/%m/%Y"),
        },
    )
    flow = DataFlow.objects.get()
    assert registered["Location"] == reverse("flow_detail", args=[flow.pk])
    assert flow.status == DataFlowStatus.AWAITING_ISA and flow.agreement is not None
    agreement = flow.agreement
    draft = agreement.versions.get()

    # The draft came from the flow and the request; the IG team previews it, completes it and sends it.
    page = officer.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    assert "Preview the PDF" in page and "Change the draft" in page
    preview = officer.get(reverse("agreement_preview", args=[agreement.pk, 1]))
    assert preview["Content-Type"] == "application/pdf" and "draft v1.pdf" in preview["Content-Disposition"]
    assert "DRAFT, NOT IN FORCE" in _pdf_text(preview.content)
    edited = officer.post(reverse("agreement_edit", args=[agreement.pk]), _form(draft))
    assert edited["Location"] == reverse("agreement_version", args=[agreement.pk, 1])
    assert request.recipient is not None
    PartnerSignatory.objects.create(
        organisation=request.recipient,
        name="Pat Partner",
        role=SignatoryRole.DPO,
        email="pat@partner.example",
    )
    sent = officer.post(reverse("agreement_transition", args=[agreement.pk, 1, "submit_for_approval"]), {})
    assert sent.status_code == 302

    guardian = client_for(caldicott)
    awaiting = guardian.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    assert "Approve and sign for us" in awaiting
    assert "approval is our organisation's signature" in awaiting and "I have read this version" in awaiting
    with django_capture_on_commit_callbacks(execute=True):
        approved = guardian.post(
            reverse("agreement_transition", args=[agreement.pk, 1, "approve"]), {"comment": "Proportionate."}
        )
    assert approved.status_code == 302
    # Approved and signed for us; the flow waits until the partner has signed too, through its link.
    flow.refresh_from_db()
    assert flow.status == DataFlowStatus.AWAITING_ISA
    (email,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/sign/[0-9a-f]{64}/)", str(email.body))
    assert email.to == ["pat@partner.example"] and link is not None
    with django_capture_on_commit_callbacks(execute=True):
        signed = Client().post(
            f"{link.group(1)}sign/", {"name": "Pat Partner", "role": "DPO", "declaration": "on"}
        )
    assert signed.status_code == 200
    flow.refresh_from_db()
    assert flow.status == DataFlowStatus.ACTIVE

    document = AgreementDocument.objects.get(version__agreement=agreement)
    on = timezone.localdate().strftime("%Y%m%d")
    assert request.recipient is not None
    assert document.name == f"{on} ISA {request.recipient.name} v1"
    download = client_for(dpo).get(reverse("agreement_pdf", args=[agreement.pk, 1]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{document.name}.pdf"'
    assert isinstance(download, FileResponse)
    content = b"".join(cast(Iterator[bytes], download.streaming_content))
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert agreement.reference in text and "Clare Evans, Caldicott Guardian" in text
    export = AuditEvent.objects.get(action="isa.export", actor=dpo)
    assert export.detail == {"document": "isa", "version": 1, "sha256": document.sha256}
    assert not FORBIDDEN & set(document.name)


def test_changing_an_agreement_in_force_drafts_version_2_and_keeps_version_1s_pdf(
    ig_officer: User, caldicott: User, client_for: ClientFor, django_capture_on_commit_callbacks: Capture
) -> None:
    v1 = make_agreement(author=ig_officer, status=A.AWAITING_CALDICOTT)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(caldicott).post(reverse("agreement_transition", args=[v1.agreement_id, 1, "approve"]), {})
        sign_for_every_partner(v1)
    client = client_for(ig_officer)
    form = client.get(reverse("agreement_edit", args=[v1.agreement_id])).content.decode()
    assert f"Draft version 2 of {v1.agreement.reference}" in form
    missing = client.post(reverse("agreement_edit", args=[v1.agreement_id]), _form(v1))
    assert missing.status_code == 200 and "Enter what changes in this version." in missing.content.decode()
    response = client.post(
        reverse("agreement_edit", args=[v1.agreement_id]),
        _form(v1, retention="Three years.", change_summary="Longer retention for the audit."),
    )
    assert response["Location"] == reverse("agreement_version", args=[v1.agreement_id, 2])
    v1.refresh_from_db()
    assert v1.status == A.ACTIVE and v1.agreement.versions.get(number=2).status == A.DRAFT
    page = client.get(reverse("agreement_detail", args=[v1.agreement_id])).content.decode()
    assert "Version 2 is draft" in page and "Download the PDF" in page
    assert client.get(reverse("agreement_pdf", args=[v1.agreement_id, 1])).status_code == 200
    assert client.get(reverse("agreement_pdf", args=[v1.agreement_id, 2])).status_code == 404
    assert client.get(reverse("agreement_preview", args=[v1.agreement_id, 1])).status_code == 404


def test_an_agreement_awaiting_approval_cannot_be_edited(ig_officer: User, client_for: ClientFor) -> None:
    version = make_agreement(author=ig_officer, status=A.AWAITING_CALDICOTT)
    assert (
        client_for(ig_officer).get(reverse("agreement_edit", args=[version.agreement_id])).status_code == 403
    )


def test_the_ig_team_drafts_an_agreement_from_the_standard_template(
    ig_officer: User, client_for: ClientFor
) -> None:
    client = client_for(ig_officer)
    form = client.get(reverse("agreement_create")).content.decode()
    assert "passes it to nobody else without our written consent" in form
    assert "tells the other party&#x27;s IG lead within 24 hours" in form
    response = client.post(reverse("agreement_create"), _form(title="Riverside (GP) Practice, Ltd."))
    version = AgreementVersion.objects.get()
    assert response["Location"] == reverse("agreement_version", args=[version.agreement_id, 1])
    assert version.agreement.title == "Riverside (GP) Practice, Ltd."
    name = client.get(reverse("agreement_preview", args=[version.agreement_id, 1]))["Content-Disposition"]
    assert "ISA Riverside GP Practice Ltd draft v1.pdf" in name


def test_a_send_for_approval_that_is_incomplete_is_explained_on_the_page(
    ig_officer: User, client_for: ClientFor
) -> None:
    version = make_agreement(author=ig_officer, retention="")
    response = client_for(ig_officer).post(
        reverse("agreement_transition", args=[version.agreement_id, 1, "submit_for_approval"]), {}
    )
    assert response.status_code == 400
    assert "Add retention and destruction." in response.content.decode()


def test_a_caldicott_guardian_who_may_not_approve_is_refused(
    ig_officer: User, caldicott: User, client_for: ClientFor
) -> None:
    version = make_agreement(author=caldicott, status=A.AWAITING_CALDICOTT)
    page = (
        client_for(caldicott).get(reverse("agreement_detail", args=[version.agreement_id])).content.decode()
    )
    assert "Approve and sign for us" not in page
    response = client_for(caldicott).post(
        reverse("agreement_transition", args=[version.agreement_id, 1, "approve"]), {}
    )
    assert response.status_code == 403
    refusal = AuditEvent.objects.get(action="access.denied")
    assert (refusal.actor, refusal.detail) == (caldicott, {"answered": 403, "wanted": "approve"})


def test_the_isa_csv_lists_each_agreement_once_with_its_version_in_force(
    ig_officer: User, auditor: User, client_for: ClientFor
) -> None:
    v1 = make_agreement(
        author=ig_officer, status=A.ACTIVE, review_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    make_agreement(author=ig_officer, agreement=v1.agreement)
    rows = csv_rows(client_for(auditor).get(reverse("agreement_export")))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Reference"], row["Version shown"], row["Status"]) == (v1.agreement.reference, "v1", "Active")
    assert (row["Latest version"], row["Latest version status"], row["Review overdue"]) == (
        "v2",
        "Draft",
        "Yes",
    )
    overdue = csv_rows(
        client_for(auditor).get(reverse("agreement_export"), {"overdue": "on", "q": "no such"})
    )
    assert len(overdue) == 1


def test_the_isa_list_filters_by_partner_and_status(
    ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    trust = OrganisationFactory.create(name="Northshire Community Trust")
    with_trust = make_agreement(author=ig_officer, title="Cardiology", status=A.ACTIVE, parties=[trust])
    other = make_agreement(author=ig_officer, title="Council", status=A.DRAFT)
    client = client_for(dpo)
    by_partner = client.get(reverse("agreement_list"), {"q": "community trust"}).content.decode()
    assert with_trust.agreement.reference in by_partner and other.agreement.reference not in by_partner
    drafts = client.get(reverse("agreement_list"), {"status": "draft"}).content.decode()
    assert other.agreement.reference in drafts and with_trust.agreement.reference not in drafts


def test_the_pdf_pages_refuse_the_wrong_method_and_outsiders(
    ig_officer: User, requester: User, client_for: ClientFor
) -> None:
    version = make_agreement(author=ig_officer)
    assert (
        client_for(ig_officer).post(reverse("agreement_preview", args=[version.agreement_id, 1])).status_code
        == 405
    )
    assert (
        client_for(ig_officer).post(reverse("agreement_pdf", args=[version.agreement_id, 1])).status_code
        == 405
    )
    assert (
        client_for(requester).get(reverse("agreement_preview", args=[version.agreement_id, 1])).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="access.denied", actor=requester).exists()


def test_expiry_is_offered_only_once_the_end_date_has_passed(
    ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    running = make_agreement(author=ig_officer, status=A.ACTIVE, end_on=timezone.localdate())
    ended = make_agreement(
        author=ig_officer, status=A.ACTIVE, end_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = client_for(dpo)
    assert (
        "Mark as expired"
        not in client.get(reverse("agreement_detail", args=[running.agreement_id])).content.decode()
    )
    assert (
        "Mark as expired"
        in client.get(reverse("agreement_detail", args=[ended.agreement_id])).content.decode()
    )
    assert (
        client.post(reverse("agreement_transition", args=[ended.agreement_id, 1, "expire"]), {}).status_code
        == 302
    )
    ended.refresh_from_db()
    assert ended.status == A.EXPIRED
